"""Audited write workflows for programmes and enrolments; each takes the acting user."""

import datetime

from django.db import transaction

from users.models import User

from .models import Enrolment, Programme


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
    return Enrolment.objects.create(
        learner=learner,
        programme=programme,
        status=status,
        start_date=data["start_date"],
        planned_end_date=data["planned_end_date"],
        employer_start_date=data.get("employer_start_date"),
        weekly_hours=data["weekly_hours"],
        created_by=actor,
    )


@transaction.atomic
def enrolment_change_status(*, enrolment: Enrolment, status: str, actor: User) -> Enrolment:
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not current.may_change_to(status):
        raise ValueError(f"{current.status} → {status} is not an allowed change.")
    current.status = status
    current.save()
    return current


@transaction.atomic
def enrolment_progress(*, enrolment: Enrolment, end_date: datetime.date, actor: User) -> Enrolment:
    """End the enrolment to move the learner to a new programme; this cannot be undone."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    current.status = Enrolment.Status.PENDING_CHANGE
    current.end_date = end_date
    current.is_current = False
    current.save()
    return current


@transaction.atomic
def enrolment_stop(
    *, enrolment: Enrolment, end_date: datetime.date, withdraw_reason: str, actor: User
) -> Enrolment:
    """Stop the programme with the ILR withdrawal reason. Setting the ILR aims' completion
    status and actual end date follows once the ILR aims exist (issue 4, point 4)."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    current.status = Enrolment.Status.STOPPED
    current.end_date = end_date
    current.withdraw_reason = withdraw_reason
    current.is_current = False
    current.save()
    return current
