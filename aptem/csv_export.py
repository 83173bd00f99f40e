"""Streamed CSV downloads, shared by every export in the portal."""

import csv
import datetime
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils import timezone


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can stream."""

    def write(self, value: str) -> str:
        return value


def _safe_row(row: Iterable) -> list:
    # Spreadsheet programs run cells that start with these characters as formulas.
    return [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row]


def csv_date(value: datetime.date | None) -> str:
    """dd/mm/yyyy with a four-digit year whatever the date (strftime writes year 1 as "1")."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def csv_response(rows: Iterable[Iterable], *, filename_prefix: str) -> StreamingHttpResponse:
    """Stream ``rows`` as a CSV attachment named ``<prefix>-<yyyymmdd-hhmmss>.csv``.

    Rows are written one at a time, so a large export never sits in memory.
    """
    writer = csv.writer(_Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return StreamingHttpResponse(
        (writer.writerow(_safe_row(row)) for row in rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename_prefix}-{stamp}.csv"'},
    )
