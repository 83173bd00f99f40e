"""ILR XML files: the format of each collection year, writing a file and checking it against
the year's XSD. ``export_job`` writes with it; ``importing`` reads with ``safe_parser``.

The format of each collection year (namespace, year code, schema) is kept in ``FORMATS``; the
rest reads it from there. Elements come from ``data.learner_values`` in schema order with
blanks already left out, so the writer never emits an empty element.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from lxml import etree

from . import codes

LONDON = ZoneInfo("Europe/London")
SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class IlrFormat:
    year: str
    namespace: str
    xsd: Path

    @property
    def label(self) -> str:
        return codes.year_label(self.year)


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
