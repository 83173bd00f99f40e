import datetime
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner, LearningDelivery
from tests.factories import AdminFactory, OtjEntryFactory, make_ilr

VERIFIED = datetime.datetime(2026, 2, 3, 9, 0, tzinfo=datetime.UTC)


def url(learner):
    return f"/users/{learner.pk}/otj/fill-ilr/"


@pytest.fixture
def ilr(learner, enrolment, supervisor):
    ilr = make_ilr(learner)
    OtjEntryFactory(
        enrolment=enrolment, hours=Decimal("7.5"), verified_by=supervisor, verified_at=VERIFIED
    )
    OtjEntryFactory(
        enrolment=enrolment, hours=Decimal("3"), verified_by=supervisor, verified_at=VERIFIED
    )
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("6"))  # not verified: not counted
    return ilr


def programme_aim(ilr):
    return ilr.deliveries.get(aim_type=1)


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.post(url(learner), {"version": 1})["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    assert as_user(outsider).post(url(learner), {"version": 1}).status_code == 404


def test_without_manage_ilrs_gets_403(as_user, plan_editor, tutor, learner, ilr):
    for viewer in (plan_editor, tutor):
        assert as_user(viewer).get(url(learner)).status_code == 403
        assert as_user(viewer).post(url(learner), {"version": 1}).status_code == 403
    assert programme_aim(ilr).otj_act_hours is None


def test_the_confirmation_page_says_exactly_what_changes(as_user, ilr_manager, learner, ilr):
    response = as_user(ilr_manager).get(url(learner))
    assert response.status_code == 200
    assert [(old, new) for _, old, new in response.context["plan"].changes] == [
        (400, 520),
        (None, 11),
    ]
    content = response.content.decode()
    assert "PHours (planned off-the-job hours)" in content
    assert "OTJActHours" in content
    assert programme_aim(ilr).p_hours == 400  # a GET changes nothing


def test_confirming_fills_the_programme_aim_bumps_the_version_and_audits(
    as_user, ilr_manager, learner, ilr
):
    response = as_user(ilr_manager).post(url(learner), {"version": ilr.version})
    assert response.status_code == 302
    aim = programme_aim(ilr)
    assert (aim.p_hours, aim.otj_act_hours) == (520, 11)  # 10.5 verified hours round up
    assert ilr.deliveries.get(aim_type=3).p_hours is None
    ilr.refresh_from_db()
    assert ilr.version == 2
    entry = AuditEntry.objects.get_for_object(aim).latest("pk")
    assert entry.actor == ilr_manager
    assert entry.learner == learner
    assert set(entry.changes_dict) == {"p_hours", "otj_act_hours"}


def test_a_stale_confirmation_changes_nothing(as_user, ilr_manager, learner, ilr):
    response = as_user(ilr_manager).post(url(learner), {"version": ilr.version - 1 or 99})
    assert response.status_code == 409
    assert "Someone else saved this ILR after you opened the form" in response.content.decode()
    assert programme_aim(ilr).otj_act_hours is None


def test_the_aim_linked_to_the_enrolment_is_chosen(as_user, ilr_manager, learner, ilr, enrolment):
    aim = programme_aim(ilr)
    aim.enrolment = enrolment
    aim.save()
    assert as_user(ilr_manager).post(url(learner), {"version": ilr.version}).status_code == 302
    assert programme_aim(ilr).p_hours == 520


def test_refused_clearly_without_an_ilr(as_user, ilr_manager, learner, enrolment):
    response = as_user(ilr_manager).post(url(learner), {"version": 1})
    assert response.status_code == 409
    assert "has no 2025-26 ILR yet" in response.content.decode()


def test_refused_clearly_without_a_programme_aim(as_user, ilr_manager, learner, ilr):
    LearningDelivery.objects.filter(ilr=ilr, aim_type=1).delete()
    response = as_user(ilr_manager).post(url(learner), {"version": ilr.version})
    assert response.status_code == 409
    assert "no programme aim (AimType 1)" in response.content.decode()


def test_a_qa_verified_ilr_needs_ilr_qa(as_user, ilr_manager, learner, ilr, tree):
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    response = as_user(ilr_manager).post(url(learner), {"version": ilr.version})
    assert response.status_code == 409
    assert "QA verified" in response.content.decode()
    assert programme_aim(ilr).otj_act_hours is None
    qa = AdminFactory(
        groups=[tree["north"]], roles=["Standard administrator", "Manage ILRs", "ILR QA"]
    )
    assert as_user(qa).post(url(learner), {"version": ilr.version}).status_code == 302
    assert programme_aim(ilr).otj_act_hours == 11


def test_looking_at_a_refusal_is_not_an_error(as_user, ilr_manager, learner, enrolment):
    response = as_user(ilr_manager).get(url(learner))
    assert response.status_code == 200
    assert "The ILR cannot be filled" in response.content.decode()
    assert b"Fill the ILR</button>" not in response.content
