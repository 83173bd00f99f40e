import datetime

import pytest

from activity.models import Task
from audit.models import AuditEntry
from crm.models import CrmActivity
from tests.factories import OrganisationFactory, UserFactory
from users.models import User

from .factories import CrmContactFactory, CrmLinkFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def url(learner):
    return f"/users/{learner.pk}/activities/add/"


def good(**overrides):
    data = {
        "activity_type": "PHONE",
        "direction": "OUT",
        "occurred_on": "2026-11-19",
        "occurred_time": "14:30",
        "duration_minutes": "20",
        "person": "learner",
        "subject": "Checked on portfolio progress",
        "notes": "Two units left.",
        "outcome": "Will upload evidence by Friday",
        "follow_up_on": "",
    }
    return {**data, **overrides}


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(url(learner)).status_code == 404
    assert client.post(url(learner), good()).status_code == 404
    assert not CrmActivity.objects.exists()


def test_the_learner_themself_gets_nothing(as_user, learner):
    client = as_user(learner)
    assert client.get(url(learner)).status_code == 403
    assert client.post(url(learner), good()).status_code == 403
    assert not CrmActivity.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "tutor", "supervisor"])
def test_any_administrator_who_sees_the_learner_may_log_one(request, as_user, learner, who):
    actor = request.getfixturevalue(who)
    response = as_user(actor).post(url(learner), good())
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/#crm-activities"
    activity = CrmActivity.objects.get()
    assert activity.created_by == actor
    assert activity.learner == learner


def test_good_input_saves_in_london_time_and_is_audited(as_user, tutor, learner):
    as_user(tutor).post(url(learner), good())
    activity = CrmActivity.objects.get()
    # 14:30 in London in November is 14:30 UTC (GMT).
    assert activity.occurred_at == datetime.datetime(2026, 11, 19, 14, 30, tzinfo=datetime.UTC)
    assert activity.activity_type == CrmActivity.Type.PHONE_CALL
    assert activity.with_whom == CrmActivity.With.LEARNER
    assert activity.duration_minutes == 20
    assert activity.follow_up_task is None
    entry = AuditEntry.objects.get(
        learner=learner, action=AuditEntry.Action.CREATE, content_type__model="crmactivity"
    )
    assert entry.actor == tutor
    assert "subject" in entry.changes_dict


def test_summer_time_is_stored_an_hour_behind(as_user, tutor, learner):
    as_user(tutor).post(url(learner), good(occurred_on="2026-07-01", occurred_time="09:00"))
    activity = CrmActivity.objects.get()
    assert activity.occurred_at == datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)


def test_an_employer_manager_or_a_linked_crm_contact_may_be_chosen(as_user, tutor, learner):
    org = OrganisationFactory()
    boss = UserFactory(user_type=User.Type.EMPLOYER, organisation=org, first_name="Bea")
    learner.manager = boss
    learner.save()
    link = CrmLinkFactory(learner=learner)
    client = as_user(tutor)
    page = client.get(url(learner)).content.decode()
    assert f'value="employer-{boss.pk}"' in page
    assert f'value="crm-{link.crm_contact_id}"' in page
    client.post(url(learner), good(person=f"employer-{boss.pk}", subject="Manager call"))
    client.post(url(learner), good(person=f"crm-{link.crm_contact_id}", subject="HR call"))
    manager_call = CrmActivity.objects.get(subject="Manager call")
    assert manager_call.with_whom == CrmActivity.With.EMPLOYER
    assert manager_call.employer_contact == boss
    hr_call = CrmActivity.objects.get(subject="HR call")
    assert hr_call.with_whom == CrmActivity.With.CRM
    assert hr_call.crm_contact_id == link.crm_contact_id


def test_a_follow_up_date_makes_exactly_one_task(as_user, tutor, learner):
    response = as_user(tutor).post(url(learner), good(follow_up_on="2026-11-27"))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.learner == learner
    assert task.title == "Follow up: Checked on portfolio progress"
    assert task.due_date == datetime.date(2026, 11, 27)
    assert task.created_by == tutor
    activity = CrmActivity.objects.get()
    assert activity.follow_up_task == task
    assert activity.follow_up_on == datetime.date(2026, 11, 27)


BAD = [
    ({"subject": ""}, "subject", "Enter a subject for the activity."),
    ({"subject": "   "}, "subject", "Enter a subject for the activity."),
    ({"duration_minutes": "1441"}, "duration_minutes", "at most 1,440 minutes"),
    ({"duration_minutes": "-5"}, "duration_minutes", "cannot be negative"),
    ({"occurred_on": "2026-11-21"}, "occurred_on", "The activity date cannot be in the future."),
    ({"occurred_on": "1899-12-31"}, "occurred_on", "on or after 01/01/1900"),
    ({"occurred_on": ""}, "occurred_on", "Enter the date of the activity."),
    ({"occurred_time": "25:00"}, "occurred_time", "Enter a valid time."),
    ({"activity_type": ""}, "activity_type", "Choose the type of activity."),
    ({"person": "employer-999999"}, "person", "Choose someone linked to this learner"),
    ({"follow_up_on": "2026-11-19"}, "follow_up_on", "cannot be in the past"),
    ({"follow_up_on": "2029-01-01"}, "follow_up_on", "at most two years ahead"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_rerenders_with_the_error_and_saves_nothing(
    as_user, tutor, learner, change, field, message
):
    response = as_user(tutor).post(url(learner), good(**change))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not CrmActivity.objects.exists()
    assert not Task.objects.exists()


def test_a_crm_contact_not_linked_to_this_learner_is_refused(as_user, tutor, learner):
    stranger = CrmContactFactory()
    CrmLinkFactory(crm_contact=stranger)  # linked to another learner only
    response = as_user(tutor).post(url(learner), good(person=f"crm-{stranger.pk}"))
    assert "Choose someone linked to this learner" in response.content.decode()
    assert not CrmActivity.objects.exists()


def test_another_learners_manager_is_refused(as_user, tutor, learner):
    boss = UserFactory(user_type=User.Type.EMPLOYER)
    UserFactory(manager=boss)
    response = as_user(tutor).post(url(learner), good(person=f"employer-{boss.pk}"))
    assert response.context["form"].errors["person"]
    assert not CrmActivity.objects.exists()


def test_htmx_gets_the_form_alone_for_the_profile_dialog(as_user, tutor, learner):
    response = as_user(tutor).get(url(learner), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<form" in body
    assert "<html" not in body
    assert 'type="date"' in body
