import pytest

from audit.models import AuditEntry
from programmes.models import Enrolment
from tests.factories import EnrolmentFactory

S = Enrolment.Status


def url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/stop/"


# Version 1: the enrolment as the stop page showed it.
STOP = {"action": "stop", "end_date": "2026-06-01", "withdraw_reason": "44", "version": "1"}
PROGRESS = {"action": "progress", "end_date": "2026-06-01", "version": "1"}


@pytest.fixture
def enrolment(learner):
    return EnrolmentFactory(learner=learner, status=S.ACTIVE)


def test_anonymous_is_redirected_to_login(client, enrolment):
    assert client.get(url(enrolment))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, enrolment):
    assert as_user(outsider).post(url(enrolment), STOP).status_code == 404


def test_without_edit_programme_details_gets_403(as_user, tutor, enrolment):
    assert as_user(tutor).post(url(enrolment), STOP).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.is_current


def test_the_confirmation_page_states_the_consequences(as_user, supervisor, enrolment):
    body = as_user(supervisor).get(url(enrolment)).content.decode()
    assert "cannot be undone" in body
    assert "Progress to a new programme" in body
    assert "Stop programme" in body


def test_stops_the_programme_with_the_ilr_reason_and_audits_it(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), STOP)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.is_current) == (S.STOPPED, False)
    assert str(enrolment.end_date) == "2026-06-01"
    assert enrolment.get_withdraw_reason_display() == "44: Other personal reasons"
    entry = AuditEntry.objects.filter(learner=enrolment.learner).latest("pk")
    assert entry.actor == supervisor
    assert entry.changes_dict["withdraw_reason"] == ["", "44"]


def test_progressing_ends_the_programme_and_opens_the_enrolment_form(
    as_user, supervisor, enrolment
):
    response = as_user(supervisor).post(url(enrolment), PROGRESS)
    assert response.status_code == 302
    assert response["Location"] == f"/users/{enrolment.learner_id}/programmes/enrol/"
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.is_current) == (S.PENDING_CHANGE, False)
    assert enrolment.withdraw_reason == ""


def test_stopping_needs_a_reason(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), {**STOP, "withdraw_reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["withdraw_reason"] == [
        "Choose the reason the learner is stopping."
    ]
    enrolment.refresh_from_db()
    assert enrolment.is_current


@pytest.mark.parametrize("data", [STOP, PROGRESS])
def test_both_choices_need_an_end_date(as_user, supervisor, enrolment, data):
    response = as_user(supervisor).post(url(enrolment), {**data, "end_date": ""})
    assert "end_date" in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.is_current


def test_the_end_cannot_be_before_the_start(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), {**STOP, "end_date": "2025-01-01"})
    assert "end_date" in response.context["form"].errors


def test_an_unknown_reason_code_is_refused(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), {**STOP, "withdraw_reason": "99"})
    assert "withdraw_reason" in response.context["form"].errors


@pytest.mark.parametrize("status", [S.READY_TO_ENROL, S.ENTERED_EPA, S.COMPLETE])
def test_a_programme_in_a_status_that_cannot_stop_is_refused(as_user, supervisor, learner, status):
    enrolment = EnrolmentFactory(learner=learner, status=status)
    response = as_user(supervisor).post(url(enrolment), STOP)
    assert response.status_code == 200
    assert "action" in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.status == status
