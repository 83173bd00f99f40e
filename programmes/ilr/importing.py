"""ILR import: read an ILR XML file (safely, against its year's XSD) and match, update or create
each learner in it, with a report row per learner."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from lxml import etree

from aptem.validators import normalise_ni_number
from programmes.models import Enrolment, Programme
from users.models import SAME_NAME_AND_BIRTH, Group, PossibleDuplicate, User

from . import rules
from .data import build_tree, learner_values, save_tree, with_ilr_children
from .models import IlrLearner
from .xml_file import FORMATS, IlrFormat, safe_parser, validate_document

# --- Reading and importing --------------------------------------------------------------------


class ImportRefused(Exception):
    """The whole file was refused; ``errors`` says why and nothing was imported."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _local(tag) -> str:
    return etree.QName(tag).localname


def element_values(node: etree._Element) -> dict:
    """An element's children as ILR values: leaves as text, repeated children as lists."""
    values: dict = {}
    for child in node:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        name = _local(child.tag)
        if len(child):
            value = element_values(child)
            values.setdefault(name, []).append(value)
        else:
            values[name] = (child.text or "").strip()
    return values


# Children the models hold one of (LearnerHE, LearningDeliveryHE): a dict, not a list.
_SINGLE = {"LearnerHE", "LearningDeliveryHE"}


def _singles(values: dict) -> dict:
    for name, value in values.items():
        if isinstance(value, list):
            items = [_singles(v) for v in value]
            values[name] = items[0] if name in _SINGLE else items
    return values


def read_file(upload) -> tuple[IlrFormat, list[dict]]:
    """Parse and validate an uploaded ILR file: (format, learners' values) or ImportRefused."""
    try:
        doc = etree.parse(upload, safe_parser())
    except etree.XMLSyntaxError as error:
        raise ImportRefused([f"This is not a readable XML file: {error}"]) from error
    if doc.docinfo.doctype:
        # ILR files never declare a DOCTYPE; one could only smuggle in entities.
        raise ImportRefused(["ILR files must not contain a DOCTYPE declaration."])
    root = doc.getroot()
    namespace = etree.QName(root).namespace
    fmt = next((f for f in FORMATS.values() if f.namespace == namespace), None)
    if _local(root.tag) != "Message" or fmt is None:
        expected = " or ".join(f.namespace for f in FORMATS.values())
        raise ImportRefused(
            [
                f"This is not an ILR file for a year the portal handles: its namespace is "
                f"{namespace or 'missing'}, expected {expected}."
            ]
        )
    errors = validate_document(doc, fmt)
    if errors:
        raise ImportRefused(errors)
    learners = [
        _singles(element_values(node)) for node in root.iterfind(f"{{{fmt.namespace}}}Learner")
    ]
    return fmt, learners


def read_learners(stored, first: int, last: int) -> tuple[IlrFormat, list[dict]]:
    """Learners ``first`` to ``last`` (positions from 1, both included) of a stored file that
    ``read_file`` accepted at upload. Not validated against the XSD again: every chunk of a
    large import reads the file, and validating it each time would cost more than the chunk."""
    root = etree.parse(stored, safe_parser()).getroot()
    namespace = etree.QName(root).namespace
    fmt = next(f for f in FORMATS.values() if f.namespace == namespace)
    nodes = itertools.islice(root.iterfind(f"{{{fmt.namespace}}}Learner"), first - 1, last)
    return fmt, [_singles(element_values(node)) for node in nodes]


OUTCOMES = ("created", "matched", "updated", "rejected")


@dataclass
class ImportRow:
    learn_ref_number: str
    name: str
    outcome: str  # created, matched (to an existing user), updated or rejected
    learner_pk: int | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Existing users a rejected learner may duplicate: name, reference, pk (None when outside
    # the importer's groups, so not named) and why.
    duplicates: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class Rejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Importer:
    """Who imports, into which group and programme: what every learner of one file shares."""

    fmt: IlrFormat
    group: Group
    programme: Programme | None
    actor: User

    @cached_property
    def visible(self) -> models.QuerySet[User]:
        return User.objects.visible_to(self.actor)

    @cached_property
    def may_qa(self) -> bool:
        return self.actor.has_perm("programmes.qa_verify_ilr")


def import_file(
    *, upload, group: Group, programme: Programme | None, actor: User
) -> tuple[IlrFormat, list[ImportRow]]:
    """Create or update a learner and their ILR for every Learner in the file (in one go; the
    Manage ILRs page runs ``import_tasks`` instead, learner by learner)."""
    fmt, learners = read_file(upload)
    importer = Importer(fmt, group, programme, actor)
    return fmt, [import_learner(values, importer) for values in learners]


def import_learner(values: dict, importer: Importer) -> ImportRow:
    """Create or update one learner and their ILR from the file's values.

    The learner is saved in its own savepoint: a rejected learner leaves nothing behind. Any
    error other than a rejection is raised, for the caller to stop (and later resume) the job.
    """
    fmt, actor = importer.fmt, importer.actor
    ref = values.get("LearnRefNumber", "")
    name = f"{values.get('GivenNames', '')} {values.get('FamilyName', '')}".strip()
    row = ImportRow(ref, name, "rejected")
    _unique_aim_seq_numbers(values, row)
    try:
        with transaction.atomic():
            existing = (
                IlrLearner.objects.filter(collection_year=fmt.year, learn_ref_number=ref)
                .select_related("learner")
                .first()
            )
            if existing is None:
                match = _existing_learner(values, fmt, importer.visible, row)
                if match is None:
                    ilr = _create(values, fmt, importer.group, importer.programme, actor, row)
                    row.outcome = "created"
                else:
                    ilr = _attach(match, values, fmt, importer.programme, actor)
                    row.outcome = "matched"
            else:
                if not importer.visible.filter(pk=existing.learner_id).exists():
                    raise Rejected(
                        [
                            f"LearnRefNumber {ref} belongs to a learner outside your groups; "
                            "it was not changed."
                        ]
                    )
                if existing.is_qa_verified and not importer.may_qa:
                    raise Rejected(
                        ["This ILR is QA verified: only someone with ILR QA may replace it."]
                    )
                ilr = _update(existing, values)
                row.outcome = "updated"
            row.learner_pk = ilr.learner_id
    except Rejected as error:
        row.errors = error.errors
    except ValidationError as error:
        row.errors = [f"{path}: {m}" for path, ms in error.message_dict.items() for m in ms]
    if row.outcome == "rejected":  # warnings about what would have been saved are moot
        row.warnings = []
    if row.outcome != "rejected":
        saved = with_ilr_children(IlrLearner.objects.filter(learner_id=row.learner_pk))
        findings = rules.check_learner(
            learner_values(saved.get(collection_year=fmt.year)),
            file_date=timezone.localdate(),
        )
        row.warnings += [f"{f.rule} ({f.field}): {f.message}" for f in findings]
    return row


def _unique_aim_seq_numbers(values: dict, row: ImportRow) -> None:
    """Give a repeated AimSeqNumber the next free number (one learner's aims must be numbered
    uniquely; DfE's own sample repeats one), with a warning naming the change."""
    seen: set[str] = set()
    deliveries = values.get("LearningDelivery") or []
    numbers = {d.get("AimSeqNumber") for d in deliveries}
    for position, delivery in enumerate(deliveries, start=1):
        number = delivery.get("AimSeqNumber")
        if number in seen:
            free = next(str(n) for n in range(1, 99) if str(n) not in numbers)
            numbers.add(free)
            delivery["AimSeqNumber"] = free
            row.warnings.append(
                f"LearningDelivery[{position}]/AimSeqNumber: {number} was already used by "
                f"another aim of this learner, so this aim was stored as {free}."
            )
        seen.add(delivery.get("AimSeqNumber"))


USER_FIELDS = (
    ("GivenNames", "first_name"),
    ("FamilyName", "last_name"),
    ("DateOfBirth", "date_of_birth"),
    ("Email", "email"),
    ("TelNo", "mobile"),
    ("Postcode", "postcode"),
    ("NINumber", "ni_number"),
    ("ULN", "uln"),
    ("Sex", "sex"),
    ("AddLine1", "address_line_1"),
    ("AddLine2", "address_line_2"),
    ("AddLine3", "town"),
    ("AddLine4", "county"),
)


def _identity(values: dict) -> dict:
    """The file's learner described as the duplicate rule compares users (as stored)."""
    try:
        born = datetime.date.fromisoformat(str(values.get("DateOfBirth") or ""))
    except ValueError:
        born = None
    return {
        "ni_number": normalise_ni_number(str(values.get("NINumber") or "")),
        "uln": str(values.get("ULN") or "").strip(),
        "first_name": str(values.get("GivenNames") or "").strip(),
        "last_name": str(values.get("FamilyName") or "").strip(),
        "date_of_birth": born,
    }


def identity_names(values: dict, fmt: IlrFormat) -> list[str]:
    """Names for what makes the file's learner someone already there: their LearnRefNumber in
    the year, and each value the duplicate rule compares (``possible_duplicates``) or that
    must be unique (a login email). Two learners the rule would call one person, or that would
    update one ILR, share a name: imports running in parallel take turns on them."""
    identity = _identity(values)
    names = [f"ilr-import:ref:{fmt.year}:{values.get('LearnRefNumber', '')}"]
    if identity["ni_number"]:
        names.append(f"ilr-import:ni:{identity['ni_number']}")
    if identity["uln"]:
        names.append(f"ilr-import:uln:{identity['uln']}")
    if identity["date_of_birth"]:
        first, last = identity["first_name"].lower(), identity["last_name"].lower()
        names.append(f"ilr-import:born:{identity['date_of_birth']}:{first}:{last}")
    email = str(values.get("Email") or "").strip().lower()
    if email:
        names.append(f"ilr-import:email:{email}")
    return names


def _existing_learner(values: dict, fmt, visible, row: ImportRow) -> User | None:
    """The existing user this new LearnRefNumber is, or None when nobody looks like them.

    The create form's duplicate rule (same NI number, same real ULN, or same name and date of
    birth) decides who looks alike. The learner is matched only when that is unambiguous and
    safe: exactly one user looks alike, a learner the importer can see, with no ILR for the
    year yet, who has the same name and date of birth AND the same NI number or ULN. Anything
    else is rejected as a possible duplicate naming the existing record, never created again.
    """
    candidates = User.objects.possible_duplicates(**_identity(values))
    if not candidates:
        return None
    seen = set(visible.filter(pk__in=[c.user.pk for c in candidates]).values_list("pk", flat=True))
    if len(candidates) == 1:
        only = candidates[0]
        user = only.user
        safe = (
            user.pk in seen
            and user.user_type == User.Type.LEARNER
            and SAME_NAME_AND_BIRTH in only.why
            and len(only.why) > 1
        )
        other_ilr = IlrLearner.objects.filter(learner=user, collection_year=fmt.year).first()
        if safe and other_ilr is None:
            return user
        if safe:
            row.duplicates = [_duplicate(only, True)]
            raise Rejected(
                [
                    f"{user.full_name} already has a {fmt.label} ILR with LearnRefNumber "
                    f"{other_ilr.learn_ref_number}; it was not imported again under a new one."
                ]
            )
    row.duplicates = [_duplicate(c, c.user.pk in seen) for c in candidates]
    raise Rejected(
        [
            "Possible duplicate of an existing user (listed below), so no new user was created. "
            "Check who this is; if it is the same person, give the file the LearnRefNumber of "
            "their ILR."
        ]
    )


def _duplicate(candidate: PossibleDuplicate, visible: bool) -> dict:
    user = candidate.user
    if not visible:
        return {"pk": None, "name": "", "reference": "", "why": candidate.reasons}
    return {
        "pk": user.pk,
        "name": user.full_name,
        "reference": user.reference_number,
        "why": candidate.reasons,
    }


def _attach(user: User, values: dict, fmt, programme, actor) -> IlrLearner:
    """The file's ILR for an existing learner; the user's own details stay as they are."""
    ilr = save_tree(IlrLearner, values, learner=user, collection_year=fmt.year, created_by=actor)
    if programme is not None and not user.enrolments.filter(programme=programme).exists():
        _enrol(user, ilr, programme)
    return ilr


def _enrol(user: User, ilr: IlrLearner, programme: Programme) -> Enrolment:
    starts = [d.learn_start_date for d in ilr.deliveries.all() if d.learn_start_date is not None]
    ends = [d.learn_plan_end_date for d in ilr.deliveries.all()]
    return Enrolment.objects.create(
        learner=user,
        programme=programme,
        status=Enrolment.Status.ACTIVE,
        start_date=min(starts, default=None),
        planned_end_date=max(ends, default=None),
    )


def _create(values, fmt, group, programme, actor, row: ImportRow) -> IlrLearner:
    user = User(
        user_type=User.Type.LEARNER,
        reference_number=values.get("LearnRefNumber", ""),
        created_by=actor,
        subscription_start=timezone.localdate(),
    )
    for element, field_name in USER_FIELDS:
        raw = values.get(element)
        if not raw:
            continue
        model_field = User._meta.get_field(field_name)
        try:
            value = model_field.clean(raw, user)
        except ValidationError as error:
            row.warnings.append(
                f"{element} was not copied to the user's {model_field.verbose_name}: "
                f"{' '.join(error.messages)}"
            )
            continue
        if field_name == "email" and User.objects.filter(email__iexact=value).exists():
            row.warnings.append(
                f"Email {value} already signs in another user: the new user has no login email."
            )
            continue
        setattr(user, field_name, value)
    if not user.first_name or not user.last_name:
        raise Rejected(
            ["GivenNames and FamilyName are needed (up to 50 characters) to add a user."]
        )
    user.set_unusable_password()
    user.save()
    user.groups.set([group])
    ilr = save_tree(IlrLearner, values, learner=user, collection_year=fmt.year, created_by=actor)
    if programme is not None:
        _enrol(user, ilr, programme)
    return ilr


def _update(ilr: IlrLearner, values: dict) -> IlrLearner:
    """Replace the ILR's elements and children with the file's; links from aims to
    enrolments are kept by AimSeqNumber."""
    record, _, errors = build_tree(IlrLearner, values, learner=ilr.learner)
    if errors:
        raise ValidationError(errors)
    for _, field_name in IlrLearner.ILR_ELEMENTS:
        setattr(ilr, field_name, getattr(record, field_name))
    ilr.version += 1
    ilr.save()
    enrolment_of = dict(
        ilr.deliveries.exclude(enrolment=None).values_list("aim_seq_number", "enrolment_id")
    )
    for _, related_name, single in IlrLearner.ILR_CHILDREN:
        if single:
            child = getattr(ilr, related_name, None) if _has(ilr, related_name) else None
            if child is not None:
                child.delete()
        else:
            for child in getattr(ilr, related_name).all():
                child.delete()
    errors: dict[str, list[str]] = {}
    for element, related_name, single in IlrLearner.ILR_CHILDREN:
        items = values.get(element)
        if items is None:
            continue
        items = [items] if single or isinstance(items, dict) else items
        relation = IlrLearner._meta.get_field(related_name)
        for position, item in enumerate(items, start=1):
            try:
                save_tree(
                    relation.related_model,
                    item,
                    path=f"{element}[{position}]/",
                    **{relation.field.name: ilr},
                )
            except ValidationError as error:
                for path, messages in error.message_dict.items():
                    errors.setdefault(path, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    for delivery in ilr.deliveries.filter(aim_seq_number__in=list(enrolment_of)):
        delivery.enrolment_id = enrolment_of[delivery.aim_seq_number]
        delivery.save(update_fields=["enrolment"])
    return ilr


def _has(ilr: IlrLearner, related_name: str) -> bool:
    try:
        getattr(ilr, related_name)
    except models.ObjectDoesNotExist:
        return False
    return True
