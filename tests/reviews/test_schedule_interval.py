"""The progress review interval on the Manage Programmes form: 1 to 52 weeks, 12 by default,
audited, and a change moves its learners' due dates."""

import datetime

import pytest

from audit.models import AuditEntry
from reviews.due_models import ReviewDue, ReviewSchedule
from tests.compliance.factories import grant
from tests.factories import ProgrammeFactory
from tests.reviews.due_factories import START, learning


def _post(client, programme, weeks):
    data = {
        "name": programme.name,
        "code": programme.code,
        "kind": programme.kind,
        "is_active": "on",
        "version": programme.version,
        "components-TOTAL_FORMS": 0,
        "components-INITIAL_FORMS": 0,
    }
    if weeks is not None:
        data["review_interval_weeks"] = weeks
    return client.post(f"/programmes/{programme.pk}/edit/", data)


@pytest.fixture
def manager(tutor):
    return grant(tutor, "Manage Programmes")


def test_the_form_offers_the_interval_with_12_weeks_by_default(as_user, manager):
    programme = ProgrammeFactory()
    response = as_user(manager).get(f"/programmes/{programme.pk}/edit/")
    assert "Progress review interval (weeks)" in response.content.decode()
    assert response.context["form"]["review_interval_weeks"].value() == 12


def test_saving_an_interval_is_audited_and_moves_the_due_dates(as_user, manager, learner):
    enrolment = learning(learner)
    programme = enrolment.programme
    response = _post(as_user(manager), programme, 8)
    assert response.status_code == 302
    schedule = ReviewSchedule.objects.get(programme=programme)
    assert schedule.interval_weeks == 8
    assert AuditEntry.objects.get_for_object(schedule).get().actor == manager
    assert ReviewDue.objects.get(enrolment=enrolment).due_on == START + datetime.timedelta(weeks=8)
    programme.refresh_from_db()
    assert (
        as_user(manager)
        .get(f"/programmes/{programme.pk}/edit/")
        .context["form"]["review_interval_weeks"]
        .value()
        == 8
    )


def test_leaving_it_empty_keeps_the_default_without_a_row(as_user, manager):
    programme = ProgrammeFactory()
    assert _post(as_user(manager), programme, None).status_code == 302
    assert _post(as_user(manager), ProgrammeFactory(), 12).status_code == 302
    assert not ReviewSchedule.objects.exists()


@pytest.mark.parametrize(
    ("weeks", "message"),
    [
        ("0", "Enter at least 1 week."),
        ("53", "Enter at most 52 weeks (a year)."),
        ("twelve", "Enter a whole number of weeks, 1 to 52."),
        ("4.5", "Enter a whole number of weeks, 1 to 52."),
    ],
)
def test_a_bad_interval_re_renders_with_the_error_and_saves_nothing(
    as_user, manager, weeks, message
):
    programme = ProgrammeFactory(name="Before")
    data_name = programme.name
    response = _post(as_user(manager), programme, weeks)
    assert response.status_code == 200
    assert response.context["form"].errors["review_interval_weeks"] == [message]
    assert not ReviewSchedule.objects.exists()
    programme.refresh_from_db()
    assert programme.name == data_name
    assert programme.version == 1
