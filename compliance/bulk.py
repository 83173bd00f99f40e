"""Bulk Create and Send reminders from the Signatures page, reporting per learner what each did.

One learner's failure is reported on their line and never stops the others (DESIGN.md §10).
"""

from dataclasses import dataclass

from programmes.models import Enrolment
from users.models import User

from . import services, signatures
from .models import ComplianceDocument, DocumentType


@dataclass(frozen=True)
class Outcome:
    learner: str
    document_type: str
    done: bool
    what: str


def _targets(pairs: list[tuple[int, int]], actor: User):
    """The ticked rows the actor may still act on: current enrolments of learners in their
    scope whose programme requires the type. Two queries."""
    enrolments = (
        Enrolment.objects.filter(
            pk__in={e for e, _ in pairs},
            is_current=True,
            learner__in=User.objects.visible_to(actor),
        )
        .select_related("learner", "programme")
        .prefetch_related("programme__compliance_requirements")
        .in_bulk()
    )
    types = DocumentType.objects.in_bulk({t for _, t in pairs})
    for enrolment_pk, type_pk in pairs:
        enrolment, kind = enrolments.get(enrolment_pk), types.get(type_pk)
        required = enrolment is not None and any(
            r.document_type_id == type_pk for r in enrolment.programme.compliance_requirements.all()
        )
        yield enrolment if required else None, kind


def _create(enrolment: Enrolment, kind: DocumentType, actor: User) -> tuple[bool, str]:
    existing = services.latest(enrolment, kind)
    if existing is not None:
        return False, f"skipped because one exists already ({existing.get_status_display()})"
    try:
        document = services.compliance_document_create(
            enrolment=enrolment, document_type=kind, actor=actor
        )
    except services.CannotCreate as exc:
        return False, f"skipped because {str(exc)[0].lower()}{str(exc)[1:]}"
    return True, f"created version {document.number}"


def _remind(enrolment: Enrolment, kind: DocumentType, actor: User) -> tuple[bool, str]:
    existing = services.latest(enrolment, kind)
    if existing is None or existing.status not in ComplianceDocument.NEEDS_SIGNATURES:
        return False, "skipped because it does not need signatures"
    return signatures.remind(existing, actor=actor)


ACTIONS = {"create": _create, "remind": _remind}


def run(action: str, pairs: list[tuple[int, int]], *, actor: User) -> list[Outcome]:
    outcomes = []
    for enrolment, kind in _targets(pairs, actor):
        if enrolment is None or kind is None:
            outcomes.append(
                Outcome(
                    "A learner",
                    kind.name if kind else "A document",
                    False,
                    "skipped because it is no longer in your list",
                )
            )
            continue
        done, what = ACTIONS[action](enrolment, kind, actor)
        outcomes.append(Outcome(enrolment.learner.full_name, kind.name, done, what))
    return outcomes
