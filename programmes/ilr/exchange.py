"""ILR XML files: writing (one learner or a batch job), reading and XSD validation.

The format of each collection year (namespace, year code, schema) is kept in ``FORMATS``; the
rest of the module reads it from there. Elements come from ``data.learner_values`` in schema
order with blanks already left out, so the writer never emits an empty element.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from lxml import etree

from aptem.validators import normalise_ni_number
from audit.services import bulk_log_changes
from programmes.models import Enrolment, Programme
from users.models import SAME_NAME_AND_BIRTH, Group, PossibleDuplicate, User

from . import codes, rules
from .data import build_tree, learner_values, save_tree, with_ilr_children
from .models import IlrExport, IlrLearner

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class IlrFormat:
    year: str
    namespace: str
    xsd: Path

    @property
    def label(self) -> str:
        return f"20{self.year[:2]}-{self.year[2:]}"


# One entry per collection year the portal can write and read.
FORMATS = {
    codes.COLLECTION_YEAR: IlrFormat(
        codes.COLLECTION_YEAR, codes.NAMESPACE, SCHEMA_DIR / "schemafile25.xsd"
    ),
}
CURRENT = FORMATS[codes.COLLECTION_YEAR]

SOFTWARE_SUPPLIER = "Learner portal"
SOFTWARE_PACKAGE = "Learner portal ILR"
RELEASE = "2526.1"
PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE-Personal"
CHUNK = 500


@cache
def schema_for(fmt: IlrFormat) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(fmt.xsd)))


def safe_parser(**kwargs) -> etree.XMLParser:
    """A parser that never fetches anything nor expands entities (XXE, billion laughs)."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **kwargs
    )


# --- Writing ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is True:
        return "1"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # 5.0 is written 5, as files usually carry it
        return format(value.normalize(), "f")
    return str(value)


def _append(parent: etree._Element, name: str, value, ns: str) -> None:
    if isinstance(value, dict):
        node = etree.SubElement(parent, f"{{{ns}}}{name}")
        for child_name, child_value in value.items():
            _append(node, child_name, child_value, ns)
    elif isinstance(value, list):
        for item in value:
            _append(parent, name, item, ns)
    elif value is not None and value != "":
        etree.SubElement(parent, f"{{{ns}}}{name}").text = _text(value)


def learner_element(values: dict, fmt: IlrFormat = CURRENT) -> etree._Element:
    node = etree.Element(f"{{{fmt.namespace}}}Learner", nsmap={None: fmt.namespace})
    for name, value in values.items():
        _append(node, name, value, fmt.namespace)
    return node


@dataclass(frozen=True)
class FileInfo:
    fmt: IlrFormat
    ukprn: str
    serial: int
    prepared_at: datetime.datetime  # London time

    @property
    def name(self) -> str:
        return (
            f"ILR-{self.ukprn}-{self.fmt.year}-{self.prepared_at:%Y%m%d}-"
            f"{self.prepared_at:%H%M%S}-{self.serial:02d}.xml"
        )


def file_info(fmt: IlrFormat = CURRENT, *, serial: int, when=None) -> FileInfo:
    when = (when or timezone.now()).astimezone(LONDON).replace(microsecond=0, tzinfo=None)
    return FileInfo(fmt, str(settings.PROVIDER_UKPRN), serial, when)


def _header(info: FileInfo) -> etree._Element:
    ns = info.fmt.namespace
    values = {
        "CollectionDetails": {
            "Collection": "ILR",
            "Year": info.fmt.year,
            "FilePreparationDate": info.prepared_at.date(),
        },
        "Source": {
            "ProtectiveMarking": PROTECTIVE_MARKING,
            "UKPRN": info.ukprn,
            "SoftwareSupplier": SOFTWARE_SUPPLIER,
            "SoftwarePackage": SOFTWARE_PACKAGE,
            "Release": RELEASE,
            "SerialNo": f"{info.serial:02d}",
            "DateTime": info.prepared_at.isoformat(timespec="seconds"),
        },
    }
    node = etree.Element(f"{{{ns}}}Header", nsmap={None: ns})
    for name, value in values.items():
        _append(node, name, value, ns)
    return node


def write_file(handle, info: FileInfo, learners: Iterable[dict]) -> int:
    """Stream a Message with ``learners`` (learner_values dicts) to a binary file handle."""
    ns = info.fmt.namespace
    count = 0
    with etree.xmlfile(handle, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{ns}}}Message", nsmap={None: ns}):
            # One element per line or more (pretty-printed): schema errors then name a line.
            xf.write("\n")
            xf.write(_header(info), pretty_print=True)
            provider = etree.Element(f"{{{ns}}}LearningProvider", nsmap={None: ns})
            etree.SubElement(provider, f"{{{ns}}}UKPRN").text = info.ukprn
            xf.write(provider, pretty_print=True)
            for values in learners:
                xf.write(learner_element(values, info.fmt), pretty_print=True)
                count += 1
    return count


def schema_errors(source, fmt: IlrFormat = CURRENT, *, limit: int = 20) -> list[str]:
    """Validate a file (path or file object) while parsing it, in flat memory.

    Returns up to ``limit`` plain messages with line numbers; empty when the file is valid.
    """
    try:
        for _, element in etree.iterparse(
            source,
            events=("end",),
            schema=schema_for(fmt),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            if element.getparent() is not None and element.getparent().getparent() is None:
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as error:
        entries = [e for e in error.error_log if e.level_name == "ERROR"]
        if entries:
            return [_schema_message(e) for e in entries[:limit]]
        message = str(error.msg).replace(f"{{{fmt.namespace}}}", "").split(" (<string>")[0]
        return [f"Line {error.lineno or 0}: {message}"]
    return []


def _schema_message(entry) -> str:
    message = entry.message.replace(f"{{{CURRENT.namespace}}}", "")
    return f"Line {entry.line}: {message}"


def validate_document(doc, fmt: IlrFormat = CURRENT) -> list[str]:
    schema = schema_for(fmt)
    try:
        if schema.validate(doc):
            return []
    except etree.XMLSchemaValidateError as error:
        return [f"The file could not be checked against the ILR schema: {error}"]
    return [_schema_message(e) for e in list(schema.error_log)[:20]]


# --- Loading many learners fast ---------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or value == "" or value is False


def _rows(model, ids: list[int], fk: str | None) -> list[tuple[int, int, dict]]:
    """(parent id, own pk, own element values) for every ``model`` row under ``ids``."""
    attnames = [model._meta.get_field(name).attname for _, name in model.ILR_ELEMENTS]
    queryset = model.objects.filter(**{f"{fk or 'pk'}__in": ids})
    ordering = model._meta.ordering if fk else ["pk"]
    rows = queryset.order_by(*(ordering or ["pk"])).values_list(fk or "pk", "pk", *attnames)
    elements = [element for element, _ in model.ILR_ELEMENTS]
    out = []
    for parent, pk, *raw in rows:
        values = {
            e: (1 if v is True else v) for e, v in zip(elements, raw, strict=True) if not _blank(v)
        }
        out.append((parent, pk, values))
    return out


def _tree(model, rows: list[tuple[int, int, dict]]) -> None:
    """Attach every child of ``rows`` (recursively) to their values, in schema order."""
    by_pk = {pk: values for _, pk, values in rows}
    for element, related_name, single in getattr(model, "ILR_CHILDREN", ()):
        relation = model._meta.get_field(related_name)
        children = _rows(relation.related_model, list(by_pk), relation.field.attname)
        _tree(relation.related_model, children)
        for parent, _, values in children:
            if single:
                by_pk[parent][element] = values
            else:
                by_pk[parent].setdefault(element, []).append(values)


def many_learner_values(pks: list[int]) -> dict[int, dict]:
    """``data.learner_values`` for many ILRs at once, read as plain rows (no model instances),
    one query per ILR entity. The export uses it for speed; a test proves it gives exactly
    what ``learner_values`` gives."""
    rows = _rows(IlrLearner, pks, None)
    _tree(IlrLearner, rows)
    return {pk: values for _, pk, values in rows}


# --- Scope ----------------------------------------------------------------------------------


def ilrs_in_scope(viewer: User, year: str) -> models.QuerySet[IlrLearner]:
    """The ILRs Manage ILRs lists and exports for ``viewer`` and ``year``.

    An ILR is in scope when its learner is visible to the viewer (their groups, or every group
    with users.view_all_groups), its episode is not Excluded, and the learner's current
    enrolment, or an enrolment one of the ILR's aims records, is on a programme with the ILR
    enabled.
    """
    enabled_current = Enrolment.objects.filter(
        learner_id=OuterRef("learner_id"), is_current=True, programme__ilr_enabled=True
    )
    enabled_linked = Enrolment.objects.filter(
        ilr_aims__ilr_id=OuterRef("pk"), programme__ilr_enabled=True
    )
    return (
        IlrLearner.objects.filter(
            collection_year=year,
            learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER),
        )
        .exclude(episode_status=IlrLearner.EpisodeStatus.EXCLUDED)
        .filter(Q(Exists(enabled_current)) | Q(Exists(enabled_linked)))
    )


# --- Checking one learner ----------------------------------------------------------------------


def _problems(learner_pk: int, values: dict, file_date: datetime.date) -> list[dict]:
    try:
        findings = rules.check_learner(values, file_date=file_date)
    except Exception as error:  # one learner's record must never stop the others' export
        logger.exception("ILR record of learner %s could not be checked", learner_pk)
        findings = [rules.unchecked(error)]
    name = f"{values.get('GivenNames', '')} {values.get('FamilyName', '')}".strip()
    return [
        {
            "learner": learner_pk,
            "learn_ref_number": values.get("LearnRefNumber", ""),
            "name": name or values.get("LearnRefNumber", ""),
            "rule": f.rule,
            "field": f"LearningDelivery[{f.aim}]/{f.field}" if f.aim else f.field,
            "message": f.message,
            # Aims are edited from the ILR's Admin tab, the learner's own fields from its User tab.
            "tab": "admin" if f.aim else "user",
        }
        for f in findings
        if f.is_error
    ]


@dataclass
class SingleResult:
    file_name: str = ""
    content: bytes = b""
    problems: list[dict] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)


def export_learner(ilr: IlrLearner) -> SingleResult:
    """One learner's ILR as a file, or the rule and schema problems that stop it.

    The single file is not a submission: it takes serial 01 and is not recorded as an export.
    """
    fmt = FORMATS[ilr.collection_year]
    ilr = with_ilr_children(IlrLearner.objects.filter(pk=ilr.pk)).select_related("learner").get()
    values = learner_values(ilr)
    info = file_info(fmt, serial=1)
    problems = _problems(ilr.learner_id, values, info.prepared_at.date())
    if problems:
        return SingleResult(problems=problems)
    with tempfile.SpooledTemporaryFile(max_size=5_000_000) as handle:
        write_file(handle, info, [values])
        handle.seek(0)
        errors = schema_errors(handle, fmt)
        handle.seek(0)
        content = handle.read()
    if errors:
        return SingleResult(schema_errors=errors)
    return SingleResult(file_name=info.name, content=content)


# --- The batch export job -------------------------------------------------------------------


class SerialsExhausted(Exception):
    pass


def next_serial(fmt: IlrFormat = CURRENT) -> int:
    """The next serial for this UKPRN and year: one more than any file produced or in progress.

    Exports that ended without a file (Learners need fixing, Failed) give their number back.
    """
    prefix = f"ILR-{settings.PROVIDER_UKPRN}-{fmt.year}-"
    last = (
        IlrExport.objects.filter(collection_year=fmt.year, file_name__startswith=prefix)
        .exclude(status__in=[IlrExport.Status.INVALID, IlrExport.Status.FAILED])
        .aggregate(last=models.Max("serial_no"))["last"]
        or 0
    )
    if last >= 99:
        raise SerialsExhausted(
            f"All 99 file serial numbers for {fmt.label} have been used for UKPRN "
            f"{settings.PROVIDER_UKPRN}."
        )
    return last + 1


def export_start(*, viewer: User, year: str, remote_addr: str | None = None) -> IlrExport:
    """Record a batch export and run it: in a thread started once the request's transaction
    commits, or right here when settings.ILR_EXPORT_IN_BACKGROUND is False."""
    fmt = FORMATS[year]
    info = file_info(fmt, serial=next_serial(fmt))
    export = IlrExport.objects.create(
        collection_year=year,
        serial_no=info.serial,
        file_name=info.name,
        created_by=viewer,
        total=ilrs_in_scope(viewer, year).count(),
    )
    if not getattr(settings, "ILR_EXPORT_IN_BACKGROUND", True):
        return export_run(export.pk, viewer=viewer, info=info, remote_addr=remote_addr)
    transaction.on_commit(
        lambda: threading.Thread(
            target=_run_in_thread,
            args=(export.pk, viewer.pk, info, remote_addr),
            daemon=True,
            name=f"ilr-export-{export.pk}",
        ).start()
    )
    return export


def _run_in_thread(export_pk: int, viewer_pk: int, info: FileInfo, remote_addr) -> None:
    from auditlog.context import set_actor

    try:
        viewer = User.objects.get(pk=viewer_pk)
        with set_actor(viewer, remote_addr=remote_addr):
            export_run(export_pk, viewer=viewer, info=info, remote_addr=remote_addr)
    finally:
        connection.close()


def export_run(
    export_pk: int, *, viewer: User, info: FileInfo, remote_addr: str | None = None
) -> IlrExport:
    """Check every learner in scope, write the file, validate it, store it and mark them.

    Learners are loaded in chunks with all their ILR children (a fixed number of queries a
    chunk) and written to a temporary file as they are checked, so memory stays flat.
    """
    export = IlrExport.objects.get(pk=export_pk)
    export.status = IlrExport.Status.RUNNING
    export.save(update_fields=["status"])
    fd, temp_path = tempfile.mkstemp(suffix=".xml", prefix="ilr-export-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pks = list(
                ilrs_in_scope(viewer, info.fmt.year)
                .order_by("learn_ref_number", "pk")
                .values_list("pk", flat=True)
            )
            export.total = len(pks)
            export.save(update_fields=["total"])
            problems: list[dict] = []
            write_file(handle, info, _checked_values(export, pks, info, problems))
        if not pks:
            return _finish(export, IlrExport.Status.FAILED, error="No learners are in scope.")
        if problems:
            return _finish(export, IlrExport.Status.INVALID, problems=problems)
        errors = schema_errors(temp_path, info.fmt)
        if errors:
            return _finish(export, IlrExport.Status.FAILED, error="\n".join(errors))
        _store(export, temp_path)
        _mark_exported(pks, info.name, viewer, remote_addr)
        return _finish(export, IlrExport.Status.READY)
    except Exception as error:  # the job must end in a state the page can show
        logger.exception("ILR export %s failed", export_pk)
        return _finish(export, IlrExport.Status.FAILED, error=f"{type(error).__name__}: {error}")
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def _checked_values(
    export: IlrExport, pks: list[int], info: FileInfo, problems: list[dict]
) -> Iterator[dict]:
    file_date = info.prepared_at.date()
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        learner_of = dict(IlrLearner.objects.filter(pk__in=chunk).values_list("pk", "learner_id"))
        values_of = many_learner_values(chunk)
        for pk in chunk:
            values = values_of[pk]
            problems += _problems(learner_of[pk], values, file_date)
            if not problems:  # once a learner fails no file is kept: stop writing
                yield values
        export.done = start + len(chunk)
        export.save(update_fields=["done"])


def _store(export: IlrExport, temp_path: str) -> None:
    digest = hashlib.sha256()
    with open(temp_path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        source.seek(0)
        export.file.name = default_storage.save(f"ilr-exports/{export.file_name}", File(source))
    export.sha256 = digest.hexdigest()
    export.save(update_fields=["file", "sha256"])


def _mark_exported(pks: list[int], file_name: str, actor: User | None, remote_addr=None) -> None:
    """Record on each ILR which file carried it, with one audit entry per learner.

    A per-object save took over two minutes for 10,000 learners, so each chunk goes through
    the audit app's bulk writer: one UPDATE plus one INSERT of the entries those saves would
    have written. This is a background job, not request code, so the trail stays complete.
    """
    now = timezone.now()
    values = {"last_exported_at": now, "last_export_file": file_name}
    for start in range(0, len(pks), CHUNK):
        chunk = IlrLearner.objects.filter(pk__in=pks[start : start + CHUNK])
        bulk_log_changes(chunk, values, actor=actor, remote_addr=remote_addr, timestamp=now)


def _finish(export: IlrExport, status: str, *, problems=None, error: str = "") -> IlrExport:
    export.status = status
    export.problems = problems or []
    export.error = error
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "problems", "error", "finished_at"])
    return export


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


def import_file(
    *, upload, group: Group, programme: Programme | None, actor: User
) -> tuple[IlrFormat, list[ImportRow]]:
    """Create or update a learner and their ILR for every Learner in the file.

    Each learner is saved in its own savepoint: a rejected learner leaves nothing behind, and
    the others are still imported.
    """
    fmt, learners = read_file(upload)
    visible = User.objects.visible_to(actor)
    may_qa = actor.has_perm("programmes.qa_verify_ilr")
    rows = []
    for values in learners:
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
                    match = _existing_learner(values, fmt, visible, row)
                    if match is None:
                        ilr = _create(values, fmt, group, programme, actor, row)
                        row.outcome = "created"
                    else:
                        ilr = _attach(match, values, fmt, programme, actor)
                        row.outcome = "matched"
                else:
                    if not visible.filter(pk=existing.learner_id).exists():
                        raise Rejected(
                            [
                                f"LearnRefNumber {ref} belongs to a learner outside your groups; "
                                "it was not changed."
                            ]
                        )
                    if existing.is_qa_verified and not may_qa:
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
        rows.append(row)
    return fmt, rows


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
                    f"{user.full_name} already has a {fmt.year} ILR with LearnRefNumber "
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
