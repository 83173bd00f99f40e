"""Streamed CSV downloads, shared by every export in the portal.

Every export ends with a trailer line, ``# <n> rows`` (``# 1 row`` for one), counting the data
rows after the header. It is written only once the last row is out, so a file cut short (a
worker timeout, a dropped connection) visibly lacks it even when it arrived as HTTP 200.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

# A data row's first cell starting with this is escaped like a formula, so no value can pass
# for the trailer.
TRAILER_MARK = "#"
_ESCAPED = ("=", "+", "-", "@")


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can stream."""

    def write(self, value: str) -> str:
        return value


def _safe_row(row: Iterable) -> list:
    # Spreadsheet programs run cells that start with these characters as formulas.
    cells = [f"'{v}" if isinstance(v, str) and v[:1] in _ESCAPED else v for v in row]
    if cells and isinstance(cells[0], str) and cells[0].startswith(TRAILER_MARK):
        cells[0] = f"'{cells[0]}"
    return cells


def csv_date(value: datetime.date | None) -> str:
    """dd/mm/yyyy with a four-digit year whatever the date (strftime writes year 1 as "1")."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def row_count_trailer(count: int) -> str:
    """The last line's only cell: ``# 215133 rows``."""
    return f"{TRAILER_MARK} {count} row{'' if count == 1 else 's'}"


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """``rows`` as CSV lines (the first row is the header), then the row-count trailer.

    A generator: nothing is held in memory, and if ``rows`` raises part way the trailer is
    never written. A task writing an export to a file uses this as the response does.
    """
    writer = csv.writer(_Echo())
    written = 0
    for row in rows:
        yield writer.writerow(_safe_row(row))
        written += 1
    yield writer.writerow([row_count_trailer(max(written - 1, 0))])


def csv_response(rows: Iterable[Iterable], *, filename_prefix: str) -> StreamingHttpResponse:
    """Stream ``rows`` (header first) as an attachment named ``<prefix>-<yyyymmdd-hhmmss>.csv``.

    Rows are written one at a time, so a large export never sits in memory; the last line
    counts them (see ``csv_lines``).
    """
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return StreamingHttpResponse(
        csv_lines(rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename_prefix}-{stamp}.csv"'},
    )
