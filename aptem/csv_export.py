"""Streamed CSV downloads, shared by every export in the portal.

Every export ends with a trailer line, ``# <n> rows`` (``# 1 row`` for one), counting the data
rows after the header. It is written only once the last row is out, so a file cut short (a
worker timeout, a dropped connection) visibly lacks it even when it arrived as HTTP 200.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import timezone

# A data row's first cell starting with this is escaped like a formula, so no value can pass
# for the trailer.
TRAILER_MARK = "#"
_ESCAPED = frozenset("=+-@")
# Rows in each piece csv_chunks yields: a response or file gets one write per this many rows
# rather than one tiny string per row, which at a million rows cost more than the rows.
CHUNK_ROWS = 1000
# What the text of a cell starting with a formula character (or a line starting with the
# trailer mark) begins with, after the line break or comma before it, perhaps after an opening
# quote. A piece whose text holds none of these needs no cell escaped; plain substring searches
# prove that far faster than looking at every cell (or a regular expression) does.
_UNSAFE_STARTS = (
    *(f"{sep}{quote}{mark}" for sep in ",\n" for quote in ("", '"') for mark in _ESCAPED),
    f"\n{TRAILER_MARK}",
    f'\n"{TRAILER_MARK}',
)


def _may_need_escaping(text: str) -> bool:
    head = "\n" + text[:2]  # the first cell has no line break before it
    return any(start in text or start in head for start in _UNSAFE_STARTS)


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
    never written. ``csv_chunks`` is the same, several lines at a time.
    """
    return csv_chunks(rows, rows_per_chunk=1)


def csv_chunks(rows: Iterable[Iterable], rows_per_chunk: int = CHUNK_ROWS) -> Iterator[str]:
    """``rows`` as CSV text, ``rows_per_chunk`` lines a piece, then the row-count trailer.

    What a response streams and an export task writes to its file. Only one piece is held at a
    time, and the trailer comes alone after the last row, so a source that raises part way
    leaves the text without it (the piece being gathered is lost with the failure).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    source = iter(rows)
    written = 0
    while batch := list(islice(source, rows_per_chunk)):
        writer.writerows(batch)
        if _may_need_escaping(buffer.getvalue()):
            # Some cell may need escaping (or a value merely holds ", -"): write the piece
            # again, every cell through _safe_row.
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(map(_safe_row, batch))
        written += len(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    writer.writerow([row_count_trailer(max(written - 1, 0))])
    yield buffer.getvalue()


def csv_response(rows: Iterable[Iterable], *, filename_prefix: str) -> StreamingHttpResponse:
    """Stream ``rows`` (header first) as an attachment named ``<prefix>-<yyyymmdd-hhmmss>.csv``.

    Rows are written a chunk at a time, so a large export never sits in memory; the last line
    counts them (see ``csv_chunks``).
    """
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return StreamingHttpResponse(
        csv_chunks(rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename_prefix}-{stamp}.csv"'},
    )
