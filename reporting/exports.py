"""The registry of export kinds a FileExport can run.

reporting sits beside the section apps and imports none of them, so the kinds are registered
from above: portal (which may import every app) registers "users" and "audit" when it is ready.
A kind's producer always runs as the export's creator, so a job run later (or started again)
re-applies the creator's current permissions and group scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.db import models

from aptem.pagination import capped_count
from users.models import User

from .models import FileExport

Rows = Iterable[Iterable]
# A kind that makes its own file: ``write(job, out, progress)`` writes it to the binary file
# ``out``, calls ``progress(done)`` after each item (which writes the heartbeat, and raises when a
# later attempt took the job over), and returns how many items the file holds.
Writer = Callable[[FileExport, BinaryIO, Callable[[int], None]], int]


class ExportRefused(Exception):
    """The creator may no longer take this export (a permission gone, a learner out of scope,
    filters no longer valid); the message says why, in plain English."""


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: a CSV file (``rows``), or a file the kind writes itself (``write``).

    - ``rows(viewer, parameters)``: the header row, then every data row the viewer may see;
      raises ExportRefused when the viewer may no longer take it.
    - ``write(job, out, progress)``: instead of ``rows``, for a file that is not a CSV (a ZIP of
      PDFs); runs as ``job.created_by`` and raises ExportRefused like ``rows`` (see Writer).
    - ``count(viewer, parameters, cap)``: the data rows, counting no further than ``cap + 1``
      (None: all of them), so deciding whether to stream never counts a million rows.
    - ``access_record(viewer, parameters)``: the record whose trail notes the download (the
      viewer for the Users list, the learner for their audit trail); may raise ExportRefused.
    - ``file_prefix(parameters)``: the file name's start ("users", "audit-trail-42").
    - ``unit``, ``extension``, ``content_type``: what the count counts and what the file is
      ("users-20261201-1003-5-rows.csv", "mandates-20261201-1003-312-learners.zip").
    """

    kind: str
    label: str
    permission: str
    count: Callable[[User, dict, int | None], int]
    access_record: Callable[[User, dict], models.Model]
    file_prefix: Callable[[dict], str]
    rows: Callable[[User, dict], Rows] | None = None
    write: Writer | None = None
    unit: str = "row"
    extension: str = "csv"
    content_type: str = "text/csv; charset=utf-8"


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    KINDS[kind.kind] = kind


def kind_of(name: str) -> ExportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ExportRefused(f"This portal no longer offers the {name!r} export.") from None


def too_big_to_stream(queryset: models.QuerySet) -> bool:
    """More rows than settings.EXPORT_INLINE_MAX_ROWS: the export must be made by a task."""
    cap = settings.EXPORT_INLINE_MAX_ROWS
    return capped_count(queryset, cap) > cap


def may_export(user: User) -> bool:
    """Whether ``user`` holds the permission of at least one export kind."""
    return any(user.has_perm(kind.permission) for kind in KINDS.values())
