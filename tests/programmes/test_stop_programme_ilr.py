"""Stopping or progressing a programme withdraws its open ILR aims consistently."""

import datetime

import pytest

from audit.models import AuditEntry
from programmes.ilr import rules
from programmes.ilr.data import learner_values
from programmes.ilr.models import IlrLearner
from programmes.models import Enrolment
from tests.factories import EnrolmentFactory, ProgrammeFactory, make_ilr

S = Enrolment.Status
# Version 1: the enrolment as the stop page showed it.
STOP = {"action": "stop", "end_date": "2026-06-01", "withdraw_reason": "44", "version": "1"}
PROGRESS = {"action": "progress", "end_date": "2026-06-01", "version": "1"}


def url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/stop/"


@pytest.fixture
def enrolment(learner):
    programme = ProgrammeFactory(is_apprenticeship=True, standard_code=91, ilr_enabled=True)
    return EnrolmentFactory(learner=learner, programme=programme, status=S.ACTIVE)


@pytest.fixture
def ilr(learner, enrolment):
    ilr = make_ilr(learner)
    for aim in ilr.deliveries.all():
        aim.enrolment = enrolment
        aim.save()
    return ilr


def aims(ilr):
    return list(ilr.deliveries.order_by("aim_seq_number"))


def test_stopping_withdraws_every_open_aim_with_the_reason(as_user, supervisor, enrolment, ilr):
    as_user(supervisor).post(url(enrolment), STOP)

    for aim in aims(ilr):
        assert aim.comp_status == 3
        assert aim.learn_act_end_date == datetime.date(2026, 6, 1)
        assert aim.withdraw_reason == 44
        assert aim.outcome == 3


def test_the_withdrawn_aims_pass_the_completion_rules(as_user, supervisor, enrolment, ilr):
    as_user(supervisor).post(url(enrolment), STOP)

    ilr = IlrLearner.objects.get(pk=ilr.pk)
    findings = rules.check_learner(learner_values(ilr), file_date=datetime.date(2026, 7, 31))
    completion_rules = {"CompStatus", "Outcome", "WithdrawReason", "LearnActEndDate"}
    assert [f for f in findings if f.is_error and f.field in completion_rules] == []


def test_progressing_withdraws_the_aims_as_a_transfer(as_user, supervisor, enrolment, ilr):
    as_user(supervisor).post(url(enrolment), PROGRESS)

    assert {aim.withdraw_reason for aim in aims(ilr)} == {40}


def test_completed_aims_are_left_alone(as_user, supervisor, enrolment, ilr):
    completed = aims(ilr)[1]
    completed.comp_status = 2
    completed.learn_act_end_date = datetime.date(2026, 3, 1)
    completed.outcome = 1
    completed.save()

    as_user(supervisor).post(url(enrolment), STOP)

    completed.refresh_from_db()
    assert (completed.comp_status, completed.withdraw_reason) == (2, None)


def test_unlinked_aims_of_the_same_standard_are_withdrawn(as_user, supervisor, enrolment, ilr):
    for aim in aims(ilr):
        aim.enrolment = None
        aim.save()

    as_user(supervisor).post(url(enrolment), STOP)

    assert {aim.comp_status for aim in aims(ilr)} == {3}


def test_a_qa_verified_ilr_goes_back_to_draft_with_the_reason(as_user, supervisor, enrolment, ilr):
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    client = as_user(supervisor)
    assert "needs QA again" in client.get(url(enrolment)).content.decode()

    client.post(url(enrolment), STOP)

    ilr.refresh_from_db()
    assert ilr.episode_status == IlrLearner.EpisodeStatus.DRAFT
    entry = AuditEntry.objects.get_for_object(ilr).latest("pk")
    assert "needs QA again" in entry.additional_data["reason"]
    assert entry.actor == supervisor


def test_the_page_names_the_aims_that_will_change(as_user, supervisor, enrolment, ilr):
    body = as_user(supervisor).get(url(enrolment)).content.decode()

    assert "ZPROG001 (aim 1)" in body
    assert "50093186 (aim 2)" in body


def test_without_an_ilr_the_page_says_nothing_in_the_ilr_changes(as_user, supervisor, enrolment):
    body = as_user(supervisor).get(url(enrolment)).content.decode()

    assert "no open ILR aims" in body
