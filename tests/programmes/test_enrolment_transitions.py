import pytest

from programmes.models import Enrolment

S = Enrolment.Status

ALLOWED = [
    (S.ONBOARDING, S.READY_TO_ENROL),
    (S.READY_TO_ENROL, S.ACTIVE),
    (S.ACTIVE, S.ON_A_BREAK),
    (S.ON_A_BREAK, S.ACTIVE),
    (S.ACTIVE, S.ENTERED_EPA),
    (S.ENTERED_EPA, S.COMPLETE),
    (S.ACTIVE, S.PENDING_CHANGE),
    (S.ON_A_BREAK, S.PENDING_CHANGE),
    (S.ACTIVE, S.STOPPED),
    (S.ACTIVE, S.WITHDRAWN),
    (S.ON_A_BREAK, S.STOPPED),
    (S.ON_A_BREAK, S.WITHDRAWN),
    (S.ONBOARDING, S.STOPPED),
    (S.ONBOARDING, S.WITHDRAWN),
]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_the_change_is_allowed(old, new):
    assert Enrolment(status=old).may_change_to(new)


@pytest.mark.parametrize(
    ("old", "new"),
    [(old, new) for old in S for new in S if (old, new) not in ALLOWED],
)
def test_every_other_change_is_refused(old, new):
    assert not Enrolment(status=old).may_change_to(new)


@pytest.mark.parametrize("final", [S.COMPLETE, S.STOPPED, S.WITHDRAWN])
def test_complete_stopped_and_withdrawn_are_final(final):
    enrolment = Enrolment(status=final)
    assert enrolment.is_final
    assert enrolment.allowed_statuses() == []


def test_the_allowed_statuses_are_listed_in_the_status_order():
    assert Enrolment(status=S.ON_A_BREAK).allowed_statuses() == [
        S.ACTIVE,
        S.PENDING_CHANGE,
        S.STOPPED,
        S.WITHDRAWN,
    ]
