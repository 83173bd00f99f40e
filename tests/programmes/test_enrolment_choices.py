"""Change status offers only the allowed statuses; enrolment options carry the duration that
pre-fills the planned end date (issue 11, point 7)."""

import pytest

from programmes.models import Enrolment
from tests.factories import EnrolmentFactory, ProgrammeFactory

S = Enrolment.Status


def _offered(response) -> list[str]:
    return [value for value, _label in response.context["form"]["status"].field.widget.choices]


@pytest.mark.parametrize(
    ("current", "offered"),
    [
        (S.ONBOARDING, ["", "READY_TO_ENROL"]),
        (S.READY_TO_ENROL, ["", "ACTIVE"]),
        (S.ACTIVE, ["", "ON_A_BREAK", "ENTERED_EPA", "PENDING_CHANGE"]),
        (S.ON_A_BREAK, ["", "ACTIVE", "PENDING_CHANGE"]),
        (S.COMPLETE, [""]),
    ],
)
def test_change_status_offers_only_the_allowed_statuses(
    as_user, supervisor, learner, current, offered
):
    enrolment = EnrolmentFactory(learner=learner, status=current)
    response = as_user(supervisor).get(f"/users/{learner.pk}/programmes/{enrolment.pk}/status/")
    assert _offered(response) == offered
    # Stopping and withdrawing belong to Stop programme, which records the date and reason.
    assert '<option value="STOPPED"' not in response.content.decode()


def test_a_final_status_says_no_change_is_possible(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, status=S.COMPLETE, is_current=False)
    response = as_user(supervisor).get(f"/users/{learner.pk}/programmes/{enrolment.pk}/status/")
    assert "No change is possible" in response.content.decode()


def test_a_status_not_offered_is_still_refused_with_a_reason(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, status=S.READY_TO_ENROL)
    response = as_user(supervisor).post(
        f"/users/{learner.pk}/programmes/{enrolment.pk}/status/",
        {"status": "COMPLETE", "version": enrolment.version},
    )
    assert "cannot go from Ready to Enrol to Complete" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == S.READY_TO_ENROL


def test_programme_options_carry_their_duration_for_the_end_date(as_user, supervisor, learner):
    timed = ProgrammeFactory(name="Timed", duration_months=18)
    untimed = ProgrammeFactory(name="Untimed", duration_months=None)
    body = as_user(supervisor).get(f"/users/{learner.pk}/programmes/enrol/").content.decode()
    assert f'<option value="{timed.pk}" data-duration-months="18">' in body
    assert f'<option value="{untimed.pk}">' in body
    assert "data-prefills-end-date" in body
    assert "js/enrolment_dates" in body
