"""Audited write workflows for programmes and enrolments; each takes the acting user."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aptem.versioning import lock_unless_stale, save_as_new_version, versioned_update
from audit.context import signed_by_actor
from users.models import User

from .ilr import codes
from .ilr.models import IlrLearner, LearningDelivery
from .learning.services import ComponentChanges, components_copy, programme_components_save
from .models import Enrolment, LearningBreak, Programme


class AlreadyEnrolled(Exception):
    """The learner already has a current programme of this kind."""

    def __init__(self, existing: Enrolment):
        super().__init__(str(existing))
        self.existing = existing


@transaction.atomic
def enrolment_create(*, learner: User, programme: Programme, data: dict, actor: User) -> Enrolment:
    """Put the learner on the programme: onboarding for an onboarding programme, ready to
    enrol for a delivery one (it becomes Active through the status form)."""
    # Locks the learner's row so two enrolments made at once cannot both pass the one-current rule.
    User.objects.select_for_update().filter(pk=learner.pk).first()
    existing = (
        learner.enrolments.filter(is_current=True, programme__kind=programme.kind)
        .select_related("programme")
        .first()
    )
    if existing is not None:
        raise AlreadyEnrolled(existing)
    status = (
        Enrolment.Status.ONBOARDING
        if programme.kind == Programme.Kind.ONBOARDING
        else Enrolment.Status.READY_TO_ENROL
    )
    enrolment = Enrolment.objects.create(
        learner=learner,
        programme=programme,
        status=status,
        start_date=data["start_date"],
        planned_end_date=data["planned_end_date"],
        employer_start_date=data.get("employer_start_date"),
        weekly_hours=data["weekly_hours"],
        created_by=actor,
    )
    # The learner's own copy of the programme's knowledge, skills and behaviours, which their
    # learning plan then tracks (enrolments made before copying existed copy on first view).
    components_copy(enrolment=enrolment, actor=actor)
    return enrolment


@transaction.atomic
@signed_by_actor
def programme_update(
    *,
    programme: Programme,
    data: dict,
    based_on_version: int,
    actor: User,
    components: ComponentChanges | None = None,
) -> Programme:
    """Save the programme form's values and its components' changes, all or nothing, unless
    someone saved the programme after ``based_on_version``. A change to the components alone
    is a new version of the programme too, so a form opened before it is refused."""
    current = versioned_update(programme, data, based_on_version)
    if components:
        if current.version == based_on_version:
            current.version += 1
            current.save(update_fields=["version"])
        programme_components_save(programme=current, changes=components, actor=actor)
    return current


@transaction.atomic
@signed_by_actor
def enrolment_update_details(
    *, enrolment: Enrolment, data: dict, based_on_version: int, actor: User
) -> Enrolment:
    """Change the enrolment's dates and weekly hours unless someone saved it after
    ``based_on_version``. The ILR aims keep their own dates: they are edited in the ILR."""
    return versioned_update(enrolment, data, based_on_version)


@transaction.atomic
@signed_by_actor
def enrolment_change_status(
    *, enrolment: Enrolment, status: str, based_on_version: int, actor: User
) -> Enrolment:
    current = lock_unless_stale(enrolment, based_on_version)
    if not current.may_change_to(status):
        raise ValueError(f"{current.status} → {status} is not an allowed change.")
    # The break first, so the status change stays the enrolment's latest audit entry.
    breaks_follow_status(current, status, on=timezone.localdate(), actor=actor)
    return save_as_new_version(current, {"status": status})


def breaks_follow_status(
    enrolment: Enrolment, status: str, *, on: datetime.date, actor: User | None = None
) -> None:
    """Record the break in learning that changing the enrolment's status to ``status`` starts
    or ends (the review schedule's clock stops during a break): going On a Break opens one on
    ``on``, leaving that status closes the open one on ``on``. Called inside the status
    change's transaction, before the enrolment is saved with its new status."""
    on_break = Enrolment.Status.ON_A_BREAK
    before = enrolment.status
    if status == on_break and before != on_break:
        LearningBreak.objects.create(
            learner_id=enrolment.learner_id, enrolment=enrolment, started_on=on, created_by=actor
        )
    elif before == on_break and status != on_break:
        # One save per break, not update(): the audit trail records each.
        for open_break in enrolment.breaks.filter(ended_on__isnull=True):
            open_break.ended_on = max(on, open_break.started_on)
            open_break.save()


@transaction.atomic
@signed_by_actor
def enrolment_progress(
    *, enrolment: Enrolment, end_date: datetime.date, based_on_version: int, actor: User
) -> Enrolment:
    """End the enrolment to move the learner to a new programme; this cannot be undone.

    The programme's open ILR aims are withdrawn on the end date with WithdrawReason 40
    (transferred to a new learning aim with the same provider)."""
    return _enrolment_end(
        enrolment,
        based_on_version,
        status=Enrolment.Status.PENDING_CHANGE,
        end_date=end_date,
        aims_withdraw_reason=codes.WithdrawReason.NEW_AIM_SAME_PROVIDER,
        ended="ended to progress to a new programme",
    )


@transaction.atomic
@signed_by_actor
def enrolment_stop(
    *,
    enrolment: Enrolment,
    end_date: datetime.date,
    withdraw_reason: str,
    based_on_version: int,
    actor: User,
) -> Enrolment:
    """Stop the programme with the ILR withdrawal reason; its open ILR aims are withdrawn."""
    return _enrolment_end(
        enrolment,
        based_on_version,
        status=Enrolment.Status.STOPPED,
        end_date=end_date,
        aims_withdraw_reason=int(withdraw_reason),
        ended="stopped",
        withdraw_reason=withdraw_reason,
    )


def _enrolment_end(
    enrolment: Enrolment,
    based_on_version: int,
    *,
    status: str,
    end_date: datetime.date,
    aims_withdraw_reason: int,
    ended: str,
    **fields,
) -> Enrolment:
    """End the programme for good, whichever way it ends: it is no longer current, and its open
    ILR aims are withdrawn on the same date, the audit reason saying how it ended."""
    current = lock_unless_stale(enrolment, based_on_version)
    # Stopping from a break ends the break on the stop date.
    breaks_follow_status(current, status, on=end_date)
    current.status = status
    current.end_date = end_date
    for name, value in fields.items():
        setattr(current, name, value)
    current.is_current = False
    current.version += 1
    current.save()
    ilr_aims_withdraw(
        enrolment=current,
        end_date=end_date,
        withdraw_reason=aims_withdraw_reason,
        reason=f"{current.programme.name} {ended}",
    )
    return current


def open_ilr_aims(enrolment: Enrolment) -> list[LearningDelivery]:
    """The ILR aims still open (continuing or on a break) that record this enrolment: those
    linked to it, and unlinked ones of the learner's ILRs with the programme's standard code
    (imported aims carry no link)."""
    linked = Q(enrolment=enrolment)
    if enrolment.programme.standard_code:
        linked |= Q(enrolment__isnull=True, std_code=enrolment.programme.standard_code)
    return list(
        LearningDelivery.objects.filter(
            linked,
            ilr__learner_id=enrolment.learner_id,
            comp_status__in=[codes.CompStatus.CONTINUING, codes.CompStatus.BREAK],
        ).select_related("ilr")
    )


def ilr_aims_withdraw(
    *, enrolment: Enrolment, end_date: datetime.date, withdraw_reason: int, reason: str
) -> list[LearningDelivery]:
    """Withdraw the enrolment's open ILR aims consistently with the DfE rules: CompStatus 3,
    LearnActEndDate, WithdrawReason and Outcome 3 (no achievement), which CompStatus_06,
    WithdrawReason_03 and Outcome_12 require together.

    A QA-verified ILR whose aims change goes back to Draft, so it is checked again before it
    is sent; the audit entry says why.
    """
    aims = open_ilr_aims(enrolment)
    ilrs = {}
    for aim in aims:
        aim.comp_status = codes.CompStatus.WITHDRAWN
        aim.learn_act_end_date = end_date
        aim.withdraw_reason = withdraw_reason
        aim.outcome = codes.Outcome.NO_ACHIEVEMENT
        aim.save()
        ilrs[aim.ilr_id] = aim.ilr
    for ilr in ilrs.values():
        ilr.version += 1
        ilr.audit_reason = reason
        if ilr.episode_status == IlrLearner.EpisodeStatus.QA_VERIFIED:
            ilr.episode_status = IlrLearner.EpisodeStatus.DRAFT
            ilr.audit_reason = f"{reason}; the ILR needs QA again"
        ilr.save()
    return aims
