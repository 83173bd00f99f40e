"""The one streamed-CSV helper: a trailer that counts the data rows, written only at the end."""

import csv
import io
from itertools import islice

import pytest

from aptem.csv_export import _safe_row, csv_chunks, csv_lines, csv_response, row_count_trailer


def parse(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


def test_the_last_line_counts_the_data_rows_after_the_header():
    rows = parse(csv_lines([["Name", "Age"], ["Ann", 30], ["Bob", 41], ["Cy", 7]]))
    assert rows[0] == ["Name", "Age"]
    assert rows[-1] == ["# 3 rows"]
    assert len(rows[1:-1]) == 3


def test_one_row_and_no_rows_read_naturally():
    assert parse(csv_lines([["Name"], ["Ann"]]))[-1] == ["# 1 row"]
    assert parse(csv_lines([["Name"]])) == [["Name"], ["# 0 rows"]]
    assert parse(csv_lines([])) == [["# 0 rows"]]


def test_the_trailer_is_one_cell_starting_with_a_hash():
    assert row_count_trailer(215133) == "# 215133 rows"
    line = list(csv_lines([["Name"], ["Ann"]]))[-1]
    assert line == "# 1 row\r\n"


def test_the_trailer_comes_only_after_the_last_row():
    def rows():
        yield ["Name"]
        yield ["Ann"]
        yield ["Bob"]

    lines = csv_lines(rows())
    head = list(islice(lines, 3))  # header and both rows: the source is not yet exhausted
    assert not any(line.startswith("#") for line in head)
    assert list(lines) == ["# 2 rows\r\n"]


def test_a_stream_that_fails_midway_ends_without_a_trailer():
    def rows():
        yield ["Name"]
        yield ["Ann"]
        raise RuntimeError("database went away")

    lines = csv_lines(rows())
    written = list(islice(lines, 2))
    with pytest.raises(RuntimeError):
        next(lines)
    assert written == ["Name\r\n", "Ann\r\n"]
    assert list(lines) == []  # the generator is finished: no trailer follows the failure


def test_cells_that_a_spreadsheet_would_run_are_still_neutralised():
    rows = parse(csv_lines([["A", "B"], ["=1+1", "+44"], ["-2", "@SUM(A1)"]]))
    assert rows[1:3] == [["'=1+1", "'+44"], ["'-2", "'@SUM(A1)"]]


def test_a_first_cell_starting_with_a_hash_cannot_pass_for_the_trailer():
    rows = parse(csv_lines([["Reference"], ["# 5 rows"], ["#tag"]]))
    assert rows[1:] == [["'# 5 rows"], ["'#tag"], ["# 2 rows"]]


def test_the_response_streams_the_same_lines_as_an_attachment():
    response = csv_response([["Name"], ["Ann"]], filename_prefix="people")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    assert b"".join(response.streaming_content) == b"Name\r\nAnn\r\n# 1 row\r\n"


@pytest.mark.parametrize(
    "unsafe",
    ["=SUM(A1)", "+1", "-1", "@here", "=a, quoted", "line one\n=line two", "# 3 rows"],
)
def test_one_unsafe_cell_deep_in_a_piece_of_safe_rows_is_still_neutralised(unsafe):
    safe = [[n, "Smith-Brown", "a-b@example.org", "01/02/2025 10:00", "x, -y"] for n in range(50)]
    rows = [["ID", "Name", "Email", "Created", "Note"], *safe[:30], [unsafe, unsafe], *safe[30:]]
    text = "".join(csv_chunks(rows))
    reference = io.StringIO()
    csv.writer(reference).writerows(_safe_row(row) for row in rows)
    assert text.startswith(reference.getvalue())
    assert text == reference.getvalue() + "# 51 rows\r\n"
