"""Each change request applied on approval, checked in the enrolment, the ILR (still valid
against the DfE rules) and the audit trail; a refused change leaves everything as it was."""

import datetime
import threading

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from audit.models import AuditEntry
from programmes.ilr import codes
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.models import IlrLearner, LearningDelivery
from programmes.ilr.rules import check_learner
from programmes.models import Enrolment, LearningBreak
from tests.factories import AdminFactory, OrganisationFactory, ProgrammeFactory
from trackers import services
from trackers.changes import ChangeRefused
from trackers.models import Tracker, TrackerType
from trackers.services import DecisionRefused

from .factories import raise_tracker

Status = Enrolment.Status


def approve(tracker, approver):
    return services.tracker_approve(
        tracker=tracker, based_on_version=tracker.version, actor=approver
    )


def errors_of(learner):
    ilr = with_ilr_children(IlrLearner.objects.filter(learner=learner)).get()
    return [f for f in check_learner(learner_values(ilr)) if f.is_error]


def entries_naming(tracker):
    return AuditEntry.objects.filter(additional_data__tracker=tracker.pk)


def test_a_break_in_learning_puts_the_programme_and_its_ilr_aims_on_a_break(
    learner, enrolment, ilr, raiser, approver
):
    assert errors_of(learner) == []
    tracker = raise_tracker(
        learner,
        "break",
        raiser,
        enrolment=enrolment,
        change={"start_date": datetime.date(2026, 3, 2), "reason": "Illness"},
    )

    approved = approve(tracker, approver)

    assert approved.status == Tracker.Status.APPROVED
    assert approved.decided_by == approver
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ON_A_BREAK
    assert LearningBreak.objects.get(enrolment=enrolment).started_on == datetime.date(2026, 3, 2)
    for aim in LearningDelivery.objects.filter(ilr=ilr):
        assert aim.comp_status == codes.CompStatus.BREAK
        assert aim.learn_act_end_date == datetime.date(2026, 3, 2)
        assert aim.outcome == codes.Outcome.NO_ACHIEVEMENT
    assert errors_of(learner) == []
    entries = entries_naming(tracker)
    assert entries.filter(content_type=ContentType.objects.get_for_model(Enrolment)).exists()
    assert (
        entries.filter(content_type=ContentType.objects.get_for_model(LearningDelivery)).count()
        == 2
    )
    assert all(f"Tracker {tracker.reference}" in e.additional_data["reason"] for e in entries)


def test_a_return_to_learning_restarts_the_aims_with_the_new_planned_end_date(
    learner, enrolment, ilr, raiser, approver
):
    on_break = raise_tracker(
        learner,
        "break",
        raiser,
        enrolment=enrolment,
        change={"start_date": datetime.date(2026, 3, 2), "reason": "Illness"},
    )
    approve(on_break, approver)
    tracker = raise_tracker(
        learner,
        "return",
        raiser,
        enrolment=enrolment,
        change={
            "return_date": datetime.date(2026, 4, 6),
            "planned_end_date": datetime.date(2027, 1, 29),
        },
    )

    approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE
    assert enrolment.planned_end_date == datetime.date(2027, 1, 29)
    assert LearningBreak.objects.get(enrolment=enrolment).ended_on == datetime.date(2026, 4, 6)
    restarts = LearningDelivery.objects.filter(ilr=ilr, comp_status=codes.CompStatus.CONTINUING)
    assert restarts.count() == 2
    for aim in restarts:
        assert aim.learn_start_date == datetime.date(2026, 4, 6)
        assert aim.orig_learn_start_date == datetime.date(2025, 9, 1)
        assert aim.learn_plan_end_date == datetime.date(2027, 1, 29)
        assert aim.fams.filter(learn_del_fam_type="RES", learn_del_fam_code="1").exists()
    assert errors_of(learner) == []
    assert entries_naming(tracker).count() >= 3


def test_a_withdrawal_stops_the_programme_and_withdraws_its_aims(
    learner, enrolment, ilr, raiser, approver
):
    tracker = raise_tracker(
        learner,
        "withdrawal",
        raiser,
        enrolment=enrolment,
        change={"end_date": datetime.date(2026, 2, 27), "withdraw_reason": "44"},
    )

    approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.status == Status.STOPPED
    assert enrolment.withdraw_reason == "44"
    assert not enrolment.is_current
    for aim in LearningDelivery.objects.filter(ilr=ilr):
        assert aim.comp_status == codes.CompStatus.WITHDRAWN
        assert aim.withdraw_reason == 44
    assert errors_of(learner) == []
    assert entries_naming(tracker).exists()


def test_a_completion_completes_the_programme_and_its_aims(
    learner, enrolment, ilr, raiser, approver
):
    enrolment.status = Status.ENTERED_EPA
    enrolment.save()
    tracker = raise_tracker(
        learner,
        "completion",
        raiser,
        enrolment=enrolment,
        change={"end_date": datetime.date(2026, 7, 31), "outcome": 8},
    )

    approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.status == Status.COMPLETE
    assert enrolment.end_date == datetime.date(2026, 7, 31)
    for aim in LearningDelivery.objects.filter(ilr=ilr):
        assert aim.comp_status == codes.CompStatus.COMPLETED
        assert aim.outcome == 8
    assert errors_of(learner) == []


def test_a_change_of_programme_ends_the_old_one_and_starts_the_new_one(
    learner, enrolment, ilr, raiser, approver
):
    new_programme = ProgrammeFactory(name="Data analyst L4", is_apprenticeship=True)
    tracker = raise_tracker(
        learner,
        "programme-change",
        raiser,
        enrolment=enrolment,
        change={
            "programme": new_programme,
            "start_date": datetime.date(2026, 5, 1),
            "planned_end_date": datetime.date(2027, 10, 29),
            "weekly_hours": "30",
        },
    )

    approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.status == Status.PENDING_CHANGE
    assert not enrolment.is_current
    new = learner.enrolments.get(is_current=True)
    assert new.programme == new_programme
    assert new.start_date == datetime.date(2026, 5, 1)
    for aim in LearningDelivery.objects.filter(ilr=ilr):
        assert aim.withdraw_reason == codes.WithdrawReason.NEW_AIM_SAME_PROVIDER
    assert errors_of(learner) == []


def test_a_change_of_employer_moves_the_learner_and_adds_an_ilr_employment_status(
    learner, enrolment, ilr, raiser, approver
):
    employer = OrganisationFactory(name="Northwind Ltd", kind="EMPLOYER")
    tracker = raise_tracker(
        learner,
        "employer-change",
        raiser,
        enrolment=enrolment,
        change={
            "organisation": employer,
            "start_date": datetime.date(2026, 6, 1),
            "emp_id": 154549452,
        },
    )

    approve(tracker, approver)

    learner.refresh_from_db()
    enrolment.refresh_from_db()
    assert learner.organisation == employer
    assert enrolment.employer_start_date == datetime.date(2026, 6, 1)
    statuses = ilr.employment_statuses.order_by("date_emp_stat_app")
    assert statuses.last().date_emp_stat_app == datetime.date(2026, 6, 1)
    assert statuses.last().emp_stat == 10
    assert entries_naming(tracker).filter(object_pk=str(learner.pk)).exists()


def test_a_change_of_working_hours_changes_the_programme_hours(
    learner, enrolment, ilr, raiser, approver
):
    tracker = raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "22.5", "effective_date": datetime.date(2026, 6, 1)},
    )

    approve(tracker, approver)

    enrolment.refresh_from_db()
    assert str(enrolment.weekly_hours) == "22.5"
    assert entries_naming(tracker).exists()


def test_a_change_of_name_changes_the_learner_and_a_qa_verified_ilr(
    learner, enrolment, ilr, raiser, approver
):
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    tracker = raise_tracker(
        learner,
        "name-change",
        raiser,
        change={"first_name": "John", "last_name": "Jones", "evidence": "Marriage certificate"},
    )

    approve(tracker, approver)

    learner.refresh_from_db()
    ilr.refresh_from_db()
    assert learner.last_name == "Jones"
    assert ilr.family_name == "Jones"
    assert ilr.episode_status == IlrLearner.EpisodeStatus.QA_VERIFIED
    user_entry = entries_naming(tracker).get(
        content_type=ContentType.objects.get_for_model(type(learner))
    )
    assert user_entry.changes["last_name"] == ["Smith", "Jones"]
    assert errors_of(learner) == []


def test_a_change_of_contact_details_changes_the_learner_and_the_ilr(
    learner, enrolment, ilr, raiser, approver
):
    tracker = raise_tracker(
        learner,
        "contact-change",
        raiser,
        change={"mobile": "07700 900123", "address_line_1": "2 New Road", "postcode": "ls1 4ap"},
    )

    approve(tracker, approver)

    learner.refresh_from_db()
    ilr.refresh_from_db()
    assert learner.mobile == "07700 900123"
    assert learner.postcode == "LS1 4AP"
    assert ilr.postcode == "LS1 4AP"
    assert ilr.add_line1 == "2 New Road"
    assert ilr.tel_no == "07700900123"
    assert errors_of(learner) == []


def test_additional_learning_support_records_learning_support_funding_on_the_aims(
    learner, enrolment, ilr, raiser, approver
):
    tracker = raise_tracker(
        learner,
        "learning-support",
        raiser,
        enrolment=enrolment,
        change={"start_date": datetime.date(2026, 1, 5), "support": "Dyslexia support"},
    )

    approve(tracker, approver)

    for aim in LearningDelivery.objects.filter(ilr=ilr):
        lsf = aim.fams.get(learn_del_fam_type="LSF")
        assert lsf.learn_del_fam_date_from == datetime.date(2026, 1, 5)
    assert errors_of(learner) == []


def test_an_ilr_change_request_changes_a_locked_field(learner, enrolment, ilr, raiser, approver):
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    tracker = raise_tracker(
        learner, "ilr", raiser, change={"element": "PostcodePrior", "value": "LS1 4AP"}
    )

    approve(tracker, approver)

    ilr.refresh_from_db()
    assert ilr.postcode_prior == "LS1 4AP"
    assert entries_naming(tracker).filter(object_pk=str(ilr.pk)).exists()


def test_a_change_the_ilr_rules_reject_is_refused_and_nothing_is_applied(
    learner, enrolment, ilr, raiser, approver
):
    # A break before the aims started: LearnActEndDate_01 would fail.
    enrolment.start_date = None
    enrolment.save()
    tracker = raise_tracker(
        learner,
        "break",
        raiser,
        enrolment=enrolment,
        change={"start_date": datetime.date(2025, 8, 1), "reason": "Illness"},
    )
    entries_before = AuditEntry.objects.count()

    with pytest.raises(ChangeRefused, match="LearnActEndDate_01"):
        approve(tracker, approver)

    enrolment.refresh_from_db()
    tracker.refresh_from_db()
    assert enrolment.status == Status.ACTIVE
    assert not LearningBreak.objects.exists()
    assert not LearningDelivery.objects.filter(comp_status=codes.CompStatus.BREAK).exists()
    assert tracker.status == Tracker.Status.NEW
    assert AuditEntry.objects.count() == entries_before


def test_a_status_the_programme_cannot_move_to_is_refused(
    learner, enrolment, ilr, raiser, approver
):
    tracker = raise_tracker(
        learner,
        "completion",
        raiser,
        enrolment=enrolment,
        change={"end_date": datetime.date(2026, 7, 31), "outcome": 8},
    )

    with pytest.raises(ChangeRefused, match="cannot become Complete"):
        approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE
    assert LearningDelivery.objects.filter(comp_status=codes.CompStatus.CONTINUING).count() == 2


def test_whoever_raised_a_change_request_cannot_approve_it(learner, enrolment, approver):
    tracker = raise_tracker(
        learner,
        "hours-change",
        approver,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )

    with pytest.raises(DecisionRefused, match="someone else"):
        approve(tracker, approver)

    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 30


def test_a_decided_change_request_cannot_be_decided_again(
    learner, enrolment, raiser, approver, supervisor
):
    tracker = raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )
    approved = approve(tracker, approver)

    with pytest.raises(DecisionRefused, match="already approved"):
        approve(approved, supervisor)


def test_rejecting_needs_a_reason_and_changes_nothing(learner, enrolment, raiser, approver):
    tracker = raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )
    with pytest.raises(DecisionRefused, match="reason"):
        services.tracker_reject(
            tracker=tracker, reason="  ", based_on_version=tracker.version, actor=approver
        )

    rejected = services.tracker_reject(
        tracker=tracker,
        reason="No evidence from the employer",
        based_on_version=tracker.version,
        actor=approver,
    )

    assert rejected.status == Tracker.Status.REJECTED
    assert rejected.rejection_reason == "No evidence from the employer"
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 30


# A transactional test: the flush before it removes the rows data migrations made (roles,
# tracker types) but Django recreates permissions, so the cast gets permissions directly.
@pytest.mark.django_db(transaction=True)
def test_two_administrators_approving_at_once_apply_the_change_once(tree, learner, enrolment, ilr):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock race needs PostgreSQL")
    approve_perm = Permission.objects.get(codename="approve_trackers")
    raiser, first, second = (
        AdminFactory(email=f"{name}@example.org", groups=[tree["north"]])
        for name in ("raiser", "first", "second")
    )
    for person in (first, second):
        person.user_permissions.add(approve_perm)
    TrackerType.objects.get_or_create(
        code="learning-support",
        defaults={"name": "Additional learning support", "change": "LEARNING_SUPPORT"},
    )
    tracker = raise_tracker(
        learner,
        "learning-support",
        raiser,
        enrolment=enrolment,
        change={"start_date": datetime.date(2026, 1, 5), "support": "Dyslexia support"},
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def press(actor):
        copy = Tracker.objects.get(pk=tracker.pk)
        barrier.wait()
        try:
            approve(copy, actor)
            outcomes.append("approved")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["EditConflict", "approved"]
    for aim in LearningDelivery.objects.filter(ilr=ilr):
        assert aim.fams.filter(learn_del_fam_type="LSF").count() == 1
