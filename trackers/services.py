"""Audited tracker workflows: raise, edit, add a note, approve (applying a change request),
reject; and who is told.

Approval is the one workflow with teeth: it locks the tracker, applies the change through
``trackers.changes`` and checks the learner's ILR against the DfE rules, all in one transaction.
A change that fails (a status the programme cannot move to, a rule the ILR would break) rolls
back whole and the tracker stays as it was, awaiting a decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from aptem.versioning import lock_unless_stale, save_as_new_version, versioned_update
from audit.context import because, signed_by_actor
from compliance.models import ComplianceDocument
from compliance.services import compliance_document_reject
from documents.models import Document
from programmes.ilr import codes
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.models import IlrLearner
from programmes.ilr.rules import Finding, check_learner
from users.models import Organisation, User

from . import changes
from .milestones import project_milestones
from .models import Tracker, TrackerNote, TrackerType
from .notify import tell

Status = Tracker.Status
APPROVE = "trackers.approve_trackers"
CREATE = "trackers.create_trackers"


class DecisionRefused(Exception):
    """The tracker cannot be approved or rejected now; the message says why."""


def _new_organisation(data: dict) -> Organisation | None:
    name = data.pop("new_organisation_name", "")
    owner = data.pop("new_organisation_owner", None)
    if not name:
        return None
    return Organisation.objects.create(name=name, kind=Organisation.Kind.EMPLOYER, owner=owner)


@transaction.atomic
@signed_by_actor
def tracker_create(
    *,
    learner: User,
    tracker_type: TrackerType,
    data: dict,
    change_data: dict | None = None,
    documents: Iterable[Document] = (),
    actor: User,
) -> Tracker:
    """Raise a tracker. ``data`` holds the tracker form's values (``new_organisation_name``
    makes the organisation first); ``change_data`` the change form's, stored as JSON."""
    data = dict(data)
    organisation = _new_organisation(data)
    if organisation is not None:
        data["organisation"] = organisation
    tracker = Tracker.objects.create(
        learner=learner,
        tracker_type=tracker_type,
        change_data=changes.stored(change_data or {}),
        created_by=actor,
        **data,
    )
    if documents:
        tracker.documents.add(*documents)
    document = tracker.compliance_document
    if document is not None:
        compliance_document_reject(
            document=document,
            reason=f"Rejected via tracker {tracker.reference}: {tracker.description}",
            actor=actor,
        )
    project_milestones(tracker, actor=actor)
    if tracker.assignee_id:
        tell(tracker, [tracker.assignee], "assigned", actor=actor)
    return tracker


@transaction.atomic
@signed_by_actor
def tracker_update(
    *,
    tracker: Tracker,
    data: dict,
    change_data: dict | None = None,
    documents: Iterable[Document] = (),
    based_on_version: int,
    actor: User,
) -> Tracker:
    """Save the edit form unless someone saved the tracker after ``based_on_version``. A
    status outside the transitions table, or a change to an approved change, is refused."""
    data = dict(data)
    organisation = _new_organisation(data)
    if organisation is not None:
        data["organisation"] = organisation
    current = lock_unless_stale(tracker, based_on_version)
    status = data.get("status", current.status)
    if status != current.status and status not in current.next_statuses():
        raise DecisionRefused(
            f"A tracker that is {current.get_status_display()} cannot become "
            f"{Status(status).label} here."
        )
    if change_data is not None:
        if current.status in Tracker.DECISIONS and current.tracker_type.is_change_request:
            raise DecisionRefused("The change was decided on; raise a new tracker to change it.")
        data["change_data"] = changes.stored(change_data)
    assignee_before = current.assignee_id
    updated = versioned_update(current, data, based_on_version)
    if documents:
        updated.documents.add(*documents)
    project_milestones(updated, actor=actor)
    if updated.assignee_id and updated.assignee_id != assignee_before:
        tell(updated, [updated.assignee], "assigned", actor=actor)
    return updated


@signed_by_actor
def tracker_note_add(*, tracker: Tracker, text: str, actor: User) -> TrackerNote:
    return TrackerNote.objects.create(
        learner_id=tracker.learner_id, tracker=tracker, text=text, created_by=actor
    )


def _lock_for_decision(tracker: Tracker, based_on_version: int, actor: User) -> Tracker:
    current = lock_unless_stale(tracker, based_on_version)
    if not current.tracker_type.is_change_request:
        raise DecisionRefused("Only a change request is approved or rejected.")
    if current.status not in (Status.NEW, Status.IN_PROGRESS, Status.AWAITING_APPROVAL):
        raise DecisionRefused(
            f"The tracker is already {current.get_status_display().lower()}; nothing was changed."
        )
    if current.created_by_id == actor.pk:
        raise DecisionRefused(
            "You raised this change request, so someone else must approve or reject it."
        )
    return current


def _ilr_errors(learner_id: int) -> list[Finding]:
    ilr = with_ilr_children(
        IlrLearner.objects.filter(learner_id=learner_id, collection_year=codes.COLLECTION_YEAR)
    ).first()
    if ilr is None:
        return []
    return [finding for finding in check_learner(learner_values(ilr)) if finding.is_error]


def _key(finding: Finding) -> tuple:
    return (finding.rule, finding.field, finding.aim)


@transaction.atomic
@signed_by_actor
def tracker_approve(*, tracker: Tracker, based_on_version: int, actor: User) -> Tracker:
    """Apply the requested change and mark the tracker Approved, or change nothing.

    Two approvers pressing Approve at once: the second waits for the first's lock, then finds a
    newer version (``EditConflict``) and applies nothing. A change the ILR rules would reject
    raises ``ChangeRefused`` naming the rules; the transaction rolls back everything.
    """
    current = _lock_for_decision(tracker, based_on_version, actor)
    kind = changes.KINDS[current.tracker_type.change]
    reason = f"Tracker {current.reference} ({current.tracker_type.name}) approved"
    before = {_key(f) for f in _ilr_errors(current.learner_id)}
    with because(reason, tracker=current.pk):
        kind.apply(current, current.change_data, reason)
        broken = [f for f in _ilr_errors(current.learner_id) if _key(f) not in before]
        if broken:
            raise changes.ChangeRefused(
                "The ILR would break the DfE rules, so nothing was changed: "
                + " ".join(f.message for f in broken)
            )
        approved = save_as_new_version(
            current,
            {"status": Status.APPROVED, "decided_by": actor, "decided_at": timezone.now()},
        )
    tell(approved, _people(approved), "approved", actor=actor)
    return approved


@transaction.atomic
@signed_by_actor
def tracker_reject(*, tracker: Tracker, reason: str, based_on_version: int, actor: User) -> Tracker:
    if not reason.strip():
        raise DecisionRefused("Give the reason for rejecting the change request.")
    current = _lock_for_decision(tracker, based_on_version, actor)
    rejected = save_as_new_version(
        current,
        {
            "status": Status.REJECTED,
            "decided_by": actor,
            "decided_at": timezone.now(),
            "rejection_reason": reason.strip(),
        },
        reason=reason.strip(),
    )
    tell(rejected, _people(rejected), "rejected", actor=actor)
    return rejected


def _people(tracker: Tracker) -> list[User]:
    """Who hears of a decision: the assignee and the creator (once each)."""
    people = {}
    for person in (tracker.assignee, tracker.created_by):
        if person is not None:
            people[person.pk] = person
    return list(people.values())


def compliance_documents_to_reject(learner: User) -> list[ComplianceDocument]:
    """The learner's compliance documents QA may reject via a tracker."""
    return list(
        ComplianceDocument.objects.filter(
            learner=learner, status__in=ComplianceDocument.QA_STATUSES
        ).select_related("document_type")
    )
