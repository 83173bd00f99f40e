"""Audited ILR workflows: create, save a tab or an aim, QA verify and un-verify.

Every write runs in one transaction, locks the ``IlrLearner`` row and bumps its ``version`` (a
child-only save too), so a form opened before someone else's save is refused with what changed
since (DESIGN.md §8) instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseFormSet, BaseModelForm
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from aptem.versioning import lock_unless_stale, save_as_new_version
from audit.context import signed_by_actor
from programmes.models import Enrolment
from users.models import User

from . import codes
from .data import learner_values, record_values, save_tree, tree_values, with_ilr_children
from .models import IlrLearner, LearningDelivery
from .rules import PROGRAMME_AIM_REF, Finding, check_learner

QA_PERMISSION = "programmes.qa_verify_ilr"
MANAGE_PERMISSION = "programmes.manage_ilrs"


def ilr_for_year(learner: User, year: str = codes.COLLECTION_YEAR) -> IlrLearner | None:
    """The learner's ILR for ``year`` with every child prefetched (a fixed number of queries)."""
    return (
        with_ilr_children(IlrLearner.objects.filter(learner=learner, collection_year=year))
        .select_related("qa_verified_by", "id_verified_by")
        .prefetch_related("destinations")
        .first()
    )


def is_locked_for(ilr: IlrLearner | None, viewer: User) -> bool:
    """A QA-verified ILR (and the learner's names) can be changed only by ILR QA."""
    return bool(ilr and ilr.is_qa_verified and not viewer.has_perm(QA_PERMISSION))


def lock_message(ilr: IlrLearner, change: str = "ilr") -> str:
    """Why the QA-verified ILR's fields are greyed out, with the sanctioned way to change one:
    a change request (tracker type ``change``, an ILR change request by default), which applies
    the change itself once someone approves it. HTML: each locked field shows it as help."""
    when = timezone.localtime(ilr.qa_verified_at).strftime("%d/%m/%Y") if ilr.qa_verified_at else ""
    who = ilr.qa_verified_by.full_name if ilr.qa_verified_by else "an ILR QA administrator"
    request_url = reverse("trackers:add", args=[ilr.learner_id]) + f"?type={change}"
    label = (
        "raise a change of learner name"
        if change == "name-change"
        else "raise an ILR change request"
    )
    return format_html(
        "Locked because the ILR was QA verified on {} by {}. Someone with the ILR QA role can "
        'change it; or <a class="alert-link" href="{}">{}</a>, which changes it once approved.',
        when,
        who,
        request_url,
        label,
    )


def current_qa_verified_ilr(learner: User) -> IlrLearner | None:
    return (
        IlrLearner.objects.filter(
            learner=learner,
            collection_year=codes.COLLECTION_YEAR,
            episode_status=IlrLearner.EpisodeStatus.QA_VERIFIED,
        )
        .select_related("qa_verified_by")
        .first()
    )


# --- Values as they would be after a save -------------------------------------------------


def formset_values(formset: BaseFormSet) -> list[dict]:
    """The rows a valid formset would leave, as element values (deleted and empty rows out)."""
    rows = []
    for form in formset.forms:
        if form.instance.pk is None and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if not form.is_valid():
            continue
        if form.instance.pk is not None:
            rows.append(tree_values(form.instance))
        else:
            rows.append(record_values(form.instance))
    return rows


def proposed_values(
    ilr: IlrLearner,
    *,
    children: dict[str, list[dict]] | None = None,
    aim: int | None = None,
    aim_values: dict | None = None,
) -> dict:
    """``learner_values`` of ``ilr`` (already carrying a valid form's values: ModelForm
    validation writes them onto the instance) with child lists replaced by ``children`` and
    the aim at position ``aim`` replaced (or, past the end, added) by ``aim_values``."""
    values = learner_values(ilr)
    for element, rows in (children or {}).items():
        values[element] = rows
    if aim is not None:
        deliveries = list(values.get("LearningDelivery") or [])
        if aim_values is None:
            del deliveries[aim - 1]
        elif aim <= len(deliveries):
            deliveries[aim - 1] = aim_values
        else:
            deliveries.append(aim_values)
        values["LearningDelivery"] = deliveries
    return values


def findings_for(values: dict) -> list[Finding]:
    return check_learner(values)


def _key(finding: Finding) -> tuple:
    return (finding.rule, finding.field, finding.aim, finding.message)


def new_findings(before: Iterable[Finding], after: Iterable[Finding]) -> list[Finding]:
    seen = {_key(f) for f in before}
    return [f for f in after if _key(f) not in seen]


# --- Conflicts ----------------------------------------------------------------------------


def _lock_version(ilr: IlrLearner, based_on_version: int) -> IlrLearner:
    return lock_unless_stale(ilr, based_on_version)


def _bump(current: IlrLearner, ilr: IlrLearner) -> None:
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    ilr.version = current.version


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def ilr_create(
    *,
    learner: User,
    form: BaseModelForm,
    enrolment: Enrolment | None,
    actor: User,
) -> IlrLearner:
    """Save the create form's ILR and the aims and FAMs of the enrolment's programme.

    Raises ``ValidationError`` (keyed by element path) and saves nothing when the programme's
    ILR template does not make valid records.
    """
    ilr = form.save(commit=False)
    ilr.learner = learner
    ilr.collection_year = codes.COLLECTION_YEAR
    ilr.created_by = actor
    ilr.save()
    for element, items in programme_children(enrolment, ilr).items():
        relation = IlrLearner._meta.get_field(
            {e: r for e, r, _ in IlrLearner.ILR_CHILDREN}[element]
        )
        for position, item in enumerate(items, start=1):
            extra = {"enrolment": enrolment} if element == "LearningDelivery" else {}
            save_tree(
                relation.related_model,
                item,
                path=f"{element}[{position}]/",
                ilr=ilr,
                **extra,
            )
    return ilr


def programme_children(enrolment: Enrolment | None, ilr: IlrLearner) -> dict[str, list[dict]]:
    """The children a new ILR starts with: the programme's ``ilr_template`` (element names),
    with the programme aim of an apprenticeship filled in from the programme and enrolment."""
    if enrolment is None:
        return {}
    programme = enrolment.programme
    template = programme.ilr_template if isinstance(programme.ilr_template, dict) else {}
    children = {
        element: [dict(item) for item in template.get(element) or [] if isinstance(item, dict)]
        for element, _, single in IlrLearner.ILR_CHILDREN
        if not single and template.get(element)
    }
    aims = children.setdefault("LearningDelivery", [])
    if programme.is_apprenticeship and not any(
        str(aim.get("LearnAimRef", "")).upper() == PROGRAMME_AIM_REF for aim in aims
    ):
        aims.insert(0, {"LearnAimRef": PROGRAMME_AIM_REF})
    for position, aim in enumerate(aims, start=1):
        if str(aim.get("LearnAimRef", "")).upper() == PROGRAMME_AIM_REF:
            aim.setdefault("AimType", 1)
            aim.setdefault("ProgType", 25)
            aim.setdefault("FundModel", 36)
            if programme.standard_code:
                aim.setdefault("StdCode", programme.standard_code)
        aim.setdefault("AimSeqNumber", position)
        if enrolment.start_date:
            aim.setdefault("LearnStartDate", enrolment.start_date)
        if enrolment.planned_end_date:
            aim.setdefault("LearnPlanEndDate", enrolment.planned_end_date)
        # Where the learning happens is not known yet: the learner's postcode until changed.
        aim.setdefault("DelLocPostCode", ilr.postcode)
    if not aims:
        del children["LearningDelivery"]
    return children


@transaction.atomic
@signed_by_actor
def ilr_save(
    *,
    ilr: IlrLearner,
    form: BaseModelForm | None,
    formsets: Iterable[BaseFormSet] = (),
    based_on_version: int,
    actor: User,
) -> IlrLearner:
    """Save an ILR tab or aim form and its formsets unless the ILR changed after
    ``based_on_version``; always bumps the ILR's version."""
    current = _lock_version(ilr, based_on_version)
    if form is not None and form.instance.pk == ilr.pk and isinstance(form.instance, IlrLearner):
        ilr.version = current.version + 1
        form.save()
    else:
        if form is not None:
            form.save()
        _bump(current, ilr)
    for formset in formsets:
        formset.save()
    return ilr


@transaction.atomic
@signed_by_actor
def ilr_aim_remove(
    *, ilr: IlrLearner, delivery: LearningDelivery, based_on_version: int, actor: User
) -> None:
    current = _lock_version(ilr, based_on_version)
    delivery.delete()
    _bump(current, ilr)


@transaction.atomic
def ilr_qa_verify(*, ilr: IlrLearner, based_on_version: int, actor: User) -> IlrLearner:
    values = {
        "episode_status": IlrLearner.EpisodeStatus.QA_VERIFIED,
        "qa_verified_at": timezone.now(),
        "qa_verified_by": actor,
    }
    return save_as_new_version(_lock_version(ilr, based_on_version), values)


@transaction.atomic
@signed_by_actor
def ilr_unverify(*, ilr: IlrLearner, reason: str, based_on_version: int, actor: User) -> IlrLearner:
    values = {
        "episode_status": IlrLearner.EpisodeStatus.DRAFT,
        "qa_verified_at": None,
        "qa_verified_by": None,
    }
    # The reason is written into the audit entry by IlrLearner.get_additional_data.
    return save_as_new_version(_lock_version(ilr, based_on_version), values, reason=reason)


@transaction.atomic
@signed_by_actor
def ilr_set_status(
    *, ilr: IlrLearner, status: str, based_on_version: int, actor: User
) -> IlrLearner:
    current = _lock_version(ilr, based_on_version)
    return save_as_new_version(current, {"episode_status": status})


def validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{path}: {m}" for path, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


# --- Rules programmes adds to users' workflows (registered in ProgrammesConfig.ready) -------


def archive_refusal(user: User) -> str:
    """Why ``user`` cannot be archived, or "" when they can.

    A learner whose ILR went out in an export file is part of a submission to DfE: archived
    learners cannot be in a submitted ILR, so the record must stay active.
    """
    exported = (
        IlrLearner.objects.filter(learner=user, last_exported_at__isnull=False)
        .order_by("-last_exported_at")
        .first()
    )
    if exported is None:
        return ""
    sent_on = timezone.localtime(exported.last_exported_at)
    return (
        f"This learner's ILR was sent in {exported.last_export_file} on {sent_on:%d/%m/%Y}; "
        "archived learners cannot be in a submitted ILR, so their record stays active."
    )


def names_lock(learner: User, viewer: User) -> str:
    """The names on a QA-verified ILR change only through someone with ILR QA."""
    ilr = current_qa_verified_ilr(learner)
    return lock_message(ilr, "name-change") if is_locked_for(ilr, viewer) else ""
