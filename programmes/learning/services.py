"""Audited write workflows for the learning plan, the OTJ ledger and the onboarding wizard.

Each takes the acting user as ``actor`` and runs in one transaction. Rows are saved one by one
(never ``bulk_create``/``update``) so auditlog records every change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from aptem import uploads
from aptem.uploads import CheckedFile
from aptem.versioning import EditConflict, lock_unless_stale, versioned_update
from audit.context import signed_by_actor
from users.models import User

from ..ilr import codes
from ..ilr.models import IlrLearner, LearningDelivery
from ..models import Enrolment
from ..progress.models import FunctionalSkillAssessment
from ..progress.services import functional_skill_create, functional_skill_update
from . import progress
from .models import (
    WIZARD_PERSONAL_FIELDS,
    Certification,
    EvidenceItem,
    LearnerComponent,
    OtjEntry,
    ProgrammeComponent,
    WizardProgress,
    code_change_order,
)

# --- Learning plan components -------------------------------------------------------------


def components_copy(*, enrolment: Enrolment, actor: User | None) -> int:
    """Give the learner their own copy of the programme's components, once: only when the
    enrolment has none yet, so components removed for this learner do not come back."""
    # Checked before taking a lock: after the first view this is the only query it costs.
    if LearnerComponent.objects.filter(enrolment=enrolment).exists():
        return 0
    return _components_copy(enrolment=enrolment, actor=actor)


@transaction.atomic
def _components_copy(*, enrolment: Enrolment, actor: User | None) -> int:
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if LearnerComponent.objects.filter(enrolment=locked).exists():
        return 0
    sources = ProgrammeComponent.objects.filter(programme_id=locked.programme_id)
    copied = 0
    for source in sources:
        LearnerComponent.objects.create(
            learner_id=locked.learner_id,
            enrolment=locked,
            source=source,
            kind=source.kind,
            code=source.code,
            title=source.title,
            order=source.order,
            created_by=actor,
        )
        copied += 1
    return copied


@dataclass
class ComponentChanges:
    """What the programme form's Components part changes: new rows' values, existing
    components with their new values, and components to remove."""

    added: list[dict]
    changed: list[tuple[ProgrammeComponent, dict]]
    removed: list[ProgrammeComponent]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class ComponentCodesClash(Exception):
    """The changes would leave two components holding one code at some moment."""


@transaction.atomic
@signed_by_actor
def programme_components_save(*, programme, changes: ComponentChanges, actor: User) -> None:
    """Apply ``changes`` to the programme's components. Call inside the transaction that bumped
    ``programme``'s version (programmes.services.programme_update): each entry records it.

    Learners' own copies (LearnerComponent) are never changed here. A removed component's
    copies keep their values and evidence; only their link back to it is cleared, saved one by
    one so each learner's audit trail shows it (the foreign key's SET_NULL would do it with an
    unaudited UPDATE)."""
    for component in changes.removed:
        for copy in LearnerComponent.objects.filter(source=component):
            copy.source = None
            copy.save(update_fields=["source"])
        component.delete()
    # Codes are unique within a programme: a component takes a code another one gives up in the
    # same save only after that one has moved on.
    held = dict(ProgrammeComponent.objects.filter(programme=programme).values_list("pk", "code"))
    by_pk = {component.pk: (component, values) for component, values in changes.changed}
    order = code_change_order(held, {pk: values["code"] for pk, (_, values) in by_pk.items()})
    if order is None:
        raise ComponentCodesClash("Two components swap codes.")
    for pk in [*order, *(pk for pk in by_pk if pk not in order)]:
        component, values = by_pk[pk]
        for name, value in values.items():
            setattr(component, name, value)
        component.programme = programme
        component.save()
    for values in changes.added:
        ProgrammeComponent.objects.create(programme=programme, **values)


def _component_values(data: dict) -> dict:
    # A completion date belongs to a completed component only.
    if data.get("status") != LearnerComponent.Status.COMPLETED:
        data = {**data, "completed_on": None}
    return data


@transaction.atomic
def component_create(*, learner: User, enrolment: Enrolment, data: dict, actor: User):
    return LearnerComponent.objects.create(
        learner=learner, enrolment=enrolment, created_by=actor, **_component_values(data)
    )


@transaction.atomic
@signed_by_actor
def component_update(
    *, component: LearnerComponent, data: dict, based_on_version: int, actor: User
) -> LearnerComponent:
    """Save the form's values unless someone saved the component after ``based_on_version``."""
    return versioned_update(component, _component_values(data), based_on_version)


class ComponentInUse(Exception):
    pass


@transaction.atomic
@signed_by_actor
def component_remove(*, component: LearnerComponent, based_on_version: int, actor: User) -> None:
    """Remove the component, unless it was changed after the confirmation page was opened (the
    change would be lost unseen) or has evidence."""
    component = lock_unless_stale(component, based_on_version)
    if component.evidence.exists():
        raise ComponentInUse(
            f"{component.code} has evidence recorded against it, so it cannot be removed."
        )
    component.delete()


# --- Certifications -------------------------------------------------------------------------


@transaction.atomic
def certification_create(
    *, learner: User, enrolment: Enrolment, data: dict, actor: User
) -> Certification:
    return Certification.objects.create(
        learner=learner, enrolment=enrolment, created_by=actor, **data
    )


@transaction.atomic
@signed_by_actor
def certification_update(
    *, certification: Certification, data: dict, based_on_version: int, actor: User
) -> Certification:
    """Save the form's values unless someone saved it after ``based_on_version``."""
    return versioned_update(certification, data, based_on_version)


# --- Evidence -----------------------------------------------------------------------------


def evidence_add(
    *,
    item: EvidenceItem,
    upload: UploadedFile | None,
    checked: CheckedFile | None,
    actor: User,
) -> EvidenceItem:
    """Save an evidence item, storing its already checked file first under a random name and
    removing it again if the row fails (aptem.uploads.stored)."""
    item.created_by = actor
    with uploads.stored(upload, checked, purpose=uploads.PLAN_EVIDENCE) as file:
        if file:
            item.file.name = file.storage_name
            item.original_name = file.name
            item.content_type = file.content_type
            item.size = file.size
            item.sha256 = file.sha256
        item.save()
    return item


@transaction.atomic
def evidence_decide(
    *, item: EvidenceItem, decision: str, note: str, based_on_version: int, actor: User
) -> EvidenceItem:
    """Record the decision, unless the evidence (or someone else's decision on it) changed
    after the assessor opened it."""
    current = lock_unless_stale(item, based_on_version)
    current.decision = decision
    current.decision_note = note
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.version += 1
    current.save()
    return current


# --- Off-the-job ledger -------------------------------------------------------------------


@transaction.atomic
def otj_log(*, learner: User, enrolment: Enrolment, data: dict, actor: User) -> OtjEntry:
    return OtjEntry.objects.create(
        learner=learner,
        enrolment=enrolment,
        date=data["date"],
        hours=data["hours"],
        activity_type=data["activity_type"],
        description=data["description"],
        created_by=actor,
    )


@transaction.atomic
@signed_by_actor
def otj_update(*, entry: OtjEntry, data: dict, based_on_version: int, actor: User) -> OtjEntry:
    """Change an entry; a changed date or number of hours needs verifying again."""
    current = lock_unless_stale(entry, based_on_version)
    if current.is_verified and (current.hours != data["hours"] or current.date != data["date"]):
        current.verified_at = None
        current.verified_by = None
    for field in ("date", "hours", "activity_type", "description"):
        setattr(current, field, data[field])
    current.version += 1
    current.save()
    return current


@transaction.atomic
def otj_verify(*, entry: OtjEntry, based_on_version: int, actor: User) -> OtjEntry:
    """Verify the entry as the verifier saw it: hours changed since are not verified unseen."""
    current = lock_unless_stale(entry, based_on_version)
    if not current.is_verified:
        current.verified_by = actor
        current.verified_at = timezone.now()
        current.version += 1
        current.save()
    return current


class IlrFillRefused(Exception):
    """The ILR cannot be filled from the ledger; the message says why and what to do."""


@dataclass(frozen=True)
class IlrFillPlan:
    ilr: IlrLearner
    aim: LearningDelivery
    planned: int
    actual: int

    @property
    def changes(self) -> list[tuple[str, int | None, int]]:
        """(element, old value, new value) for the confirmation page."""
        return [
            ("PHours (planned off-the-job hours)", self.aim.p_hours, self.planned),
            ("OTJActHours (actual off-the-job hours)", self.aim.otj_act_hours, self.actual),
        ]

    @property
    def changes_anything(self) -> bool:
        return any(old != new for _, old, new in self.changes)


def ilr_fill_plan(*, enrolment: Enrolment, viewer: User) -> IlrFillPlan:
    """What filling the ILR's OTJ hours from the ledger would change, or why it cannot."""
    ilr = IlrLearner.objects.filter(
        learner_id=enrolment.learner_id, collection_year=codes.COLLECTION_YEAR
    ).first()
    if ilr is None:
        raise IlrFillRefused(
            f"The learner has no {codes.COLLECTION_YEAR_LABEL} ILR yet. Create the ILR first "
            "(the onboarding wizard's Personal information step creates one)."
        )
    if ilr.is_qa_verified and not viewer.has_perm("programmes.qa_verify_ilr"):
        raise IlrFillRefused(
            "This ILR is QA verified: only someone with the ILR QA role can change it."
        )
    aims = list(ilr.deliveries.filter(aim_type=codes.AimType.PROGRAMME))
    linked = [a for a in aims if a.enrolment_id == enrolment.pk]
    if linked:
        aim = linked[0]
    elif len(aims) == 1 and aims[0].enrolment_id is None:
        aim = aims[0]
    else:
        raise IlrFillRefused(
            "The ILR has no programme aim (AimType 1) for this programme"
            + (" that can be told apart from the others" if aims else "")
            + ". Add or link the programme aim in the ILR first."
        )
    planned = progress.planned_otj_hours(enrolment)
    if planned is None:
        raise IlrFillRefused(
            "The planned off-the-job hours are not known: set the programme's planned hours, "
            "or the enrolment's dates and weekly hours."
        )
    verified = OtjEntry.objects.filter(enrolment=enrolment).totals()["verified"]
    return IlrFillPlan(ilr=ilr, aim=aim, planned=planned, actual=progress.whole_hours(verified))


@transaction.atomic
def ilr_fill_otj(*, enrolment: Enrolment, based_on_version: int, actor: User) -> IlrFillPlan:
    plan = ilr_fill_plan(enrolment=enrolment, viewer=actor)
    ilr = lock_unless_stale(plan.ilr, based_on_version)
    aim = plan.aim
    aim.p_hours = plan.planned
    aim.otj_act_hours = plan.actual
    aim.save()
    ilr.version += 1
    ilr.audit_reason = "Off-the-job hours filled from the ledger"
    ilr.save()
    return plan


# --- Onboarding wizard --------------------------------------------------------------------


@transaction.atomic
def wizard_save_step(
    *, learner: User, step: str, data: dict, based_on_version: int | None, actor: User
) -> WizardProgress:
    """Save the step unless someone saved it after ``based_on_version`` (0: the step was not
    saved yet when the form was opened; None: saved as part of another step, no form of its own).
    """
    record, _ = WizardProgress.objects.select_for_update().get_or_create(
        learner=learner, step=step, defaults={"created_by": actor, "version": 0}
    )
    if based_on_version is not None and record.version != based_on_version:
        raise EditConflict(record, record.changes_since(based_on_version))
    record.data = _jsonable(data)
    record.completed_at = timezone.now()
    record.completed_by = actor
    record.version += 1
    record.save()
    return record


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.date | Decimal):
            value = str(value)
        out[key] = value
    return out


def wizard_assessment_records(learner: User) -> dict[str, FunctionalSkillAssessment | None]:
    """The records the Assessments step shows and saves into: per subject, the learner's latest
    initial assessment in the Functional Skills section (None when there is none). An exemption
    is not an assessment result, so the step leaves exempt records to the section."""
    latest: dict[str, FunctionalSkillAssessment] = {}
    initial = learner.functional_skills.filter(
        kind=FunctionalSkillAssessment.Kind.INITIAL, is_exempt=False
    ).order_by("subject", "-assessed_on", "-pk")
    for record in initial:
        latest.setdefault(record.subject, record)
    return {
        subject.value: latest.get(subject.value) for subject in FunctionalSkillAssessment.Subject
    }


@transaction.atomic
def wizard_save_assessments(
    *,
    learner: User,
    values: dict[str, dict],
    versions: dict[str, int],
    based_on_version: int,
    actor: User,
) -> WizardProgress:
    """Save the Assessments step into the Functional Skills section: per subject, update the
    learner's latest initial assessment or create one, and record the step as done with the
    records it points at. ``values`` and ``versions`` are keyed by subject; a version is the
    record's when the form was opened (0: there was none), so a record saved since, or made by
    the same form sent twice, is refused rather than overwritten or duplicated."""
    saved = {}
    for subject, record in wizard_assessment_records(learner).items():
        if record is None:
            record = functional_skill_create(
                learner=learner,
                data={
                    "subject": subject,
                    "kind": FunctionalSkillAssessment.Kind.INITIAL,
                    **values[subject],
                },
                actor=actor,
            )
        else:
            record = functional_skill_update(
                assessment=record,
                data=values[subject],
                actor=actor,
                based_on_version=versions[subject],
            )
        saved[subject] = record.pk
    return wizard_save_step(
        learner=learner,
        step=WizardProgress.Step.ASSESSMENTS,
        data={"functional_skills": saved},
        based_on_version=based_on_version,
        actor=actor,
    )


@transaction.atomic
def wizard_save_personal(
    *, learner: User, ilr: IlrLearner, data: dict, based_on_version: int, actor: User
) -> IlrLearner:
    """Write the Personal information step into the ILR's User tab (creating the ILR for the
    collection year if needed) and record the step as done, unless the ILR was saved after
    ``based_on_version``."""
    if ilr.pk is not None:
        ilr = lock_unless_stale(ilr, based_on_version)
        ilr.version += 1
    else:
        ilr.created_by = actor
    for field in WIZARD_PERSONAL_FIELDS:
        setattr(ilr, field, data[field])
    ilr.audit_reason = "Onboarding wizard: personal information"
    ilr.save()
    wizard_save_step(
        learner=learner,
        step=WizardProgress.Step.PERSONAL,
        data={"ilr": ilr.pk, "collection_year": ilr.collection_year},
        based_on_version=None,
        actor=actor,
    )
    return ilr
