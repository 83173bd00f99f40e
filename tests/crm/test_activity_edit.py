import datetime

import pytest

from audit.models import AuditEntry
from crm.models import CrmActivity

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 11, 2, 10, 15, tzinfo=datetime.UTC)


def url(activity):
    return f"/users/{activity.learner_id}/activities/{activity.pk}/edit/"


def data(**overrides):
    values = {
        "activity_type": "EMAIL",
        "direction": "IN",
        "occurred_on": "2026-11-02",
        "occurred_time": "10:15",
        "duration_minutes": "",
        "person": "learner",
        "subject": "Original",
        "notes": "",
        "outcome": "",
        "version": "1",
    }
    return {**values, **overrides}


@pytest.fixture
def activity(learner, tutor):
    return ActivityFactory(
        learner=learner,
        created_by=tutor,
        subject="Original",
        occurred_at=WHEN,
        activity_type="EMAIL",
        direction="IN",
        duration_minutes=None,
    )


def test_anonymous_is_redirected_to_login(client, activity):
    assert client.get(url(activity))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, activity):
    assert as_user(outsider).get(url(activity)).status_code == 404


def test_the_learner_themself_gets_nothing(as_user, learner, activity):
    assert as_user(learner).get(url(activity)).status_code == 403


def test_an_activity_of_another_learner_is_404(as_user, tutor, learner, tree):
    other = ActivityFactory(created_by=tutor)
    other.learner.groups.set([tree["cohort"]])
    response = as_user(tutor).get(f"/users/{learner.pk}/activities/{other.pk}/edit/")
    assert response.status_code == 404


def test_someone_elses_activity_is_403(as_user, colleague, activity):
    client = as_user(colleague)
    assert client.get(url(activity)).status_code == 403
    assert client.post(url(activity), data(subject="Changed")).status_code == 403
    activity.refresh_from_db()
    assert activity.subject == "Original"


def test_the_form_opens_on_the_london_date_and_time(as_user, tutor, activity):
    form = as_user(tutor).get(url(activity)).context["form"]
    assert form["occurred_on"].value() == datetime.date(2026, 11, 2)
    assert form["occurred_time"].value() == datetime.time(10, 15)
    assert "follow_up_on" not in form.fields


def test_author_edits_and_the_change_is_audited(as_user, tutor, learner, activity):
    response = as_user(tutor).post(url(activity), data(subject="Corrected", outcome="Agreed"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.subject == "Corrected"
    assert activity.version == 2
    entry = AuditEntry.objects.get(
        learner=learner, action=AuditEntry.Action.UPDATE, content_type__model="crmactivity"
    )
    assert entry.actor == tutor
    assert entry.changes_dict["subject"] == ["Original", "Corrected"]


def test_supervisor_may_edit_anyones_activity(as_user, supervisor, activity):
    response = as_user(supervisor).post(url(activity), data(subject="Tidied"))
    assert response.status_code == 302
    assert CrmActivity.objects.get().subject == "Tidied"


def test_bad_input_saves_nothing(as_user, tutor, activity):
    response = as_user(tutor).post(url(activity), data(subject="", duration_minutes="2000"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a subject for the activity." in body
    assert "at most 1,440 minutes" in body
    activity.refresh_from_db()
    assert activity.subject == "Original"


def test_stale_edit_is_refused_naming_who_changed_it(as_user, client, supervisor, tutor, activity):
    as_user(supervisor).post(url(activity), data(subject="Supervisor's subject"))
    response = as_user(tutor).post(url(activity), data(subject="Tutor's subject"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this activity" in body
    assert "Sam Supervisor" in body
    assert "Tutor&#x27;s subject" in body
    activity.refresh_from_db()
    assert activity.subject == "Supervisor's subject"
    assert response.context["form"]["version"].value() == 2
    assert client.post(url(activity), data(subject="Tutor's subject", version=2)).status_code == 302
    activity.refresh_from_db()
    assert activity.subject == "Tutor's subject"


def test_saving_unchanged_values_keeps_the_version(as_user, tutor, activity):
    assert as_user(tutor).post(url(activity), data()).status_code == 302
    activity.refresh_from_db()
    assert activity.version == 1


def test_an_edit_keeps_the_second_0130_of_the_day_the_clocks_go_back(as_user, tutor, learner):
    # 01:30 GMT on 25 October 2026 reads 01:30 in London, like 01:30 BST an hour earlier.
    second = datetime.datetime(2026, 10, 25, 1, 30, 42, tzinfo=datetime.UTC)
    activity = ActivityFactory(learner=learner, created_by=tutor, occurred_at=second)
    form = as_user(tutor).get(url(activity)).context["form"]
    assert form["occurred_time"].value() == datetime.time(1, 30)
    response = as_user(tutor).post(
        url(activity),
        data(
            activity_type=activity.activity_type,
            direction=activity.direction,
            occurred_on="2026-10-25",
            occurred_time="01:30",
            duration_minutes=str(activity.duration_minutes),
            subject="Changed subject only",
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.subject == "Changed subject only"
    assert activity.occurred_at == second


def test_a_changed_time_is_saved_in_london_time(as_user, tutor, activity):
    as_user(tutor).post(url(activity), data(occurred_on="2026-07-10", occurred_time="08:00"))
    activity.refresh_from_db()
    assert activity.occurred_at == datetime.datetime(2026, 7, 10, 7, 0, tzinfo=datetime.UTC)
