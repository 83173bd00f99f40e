"""Reading a large ordered queryset a chunk at a time, each chunk a fresh, index-friendly query.

Why not ``QuerySet.iterator()``: outside a transaction Django declares PostgreSQL's server-side
cursor WITH HOLD, and PostgreSQL then computes and stores the whole result before the first row
comes back (the first 100,000 rows of a million-row export paid for all of them). Here each
chunk is a plain ``WHERE <after the last row> ORDER BY ... LIMIT n`` (keyset reading), which
needs no cursor, no long transaction, and walks the ordering's index from where it stopped.

NULLs sort last ascending on PostgreSQL and first on SQLite (``nulls_order_largest``) unless the
ordering places them (``keyset_order``), so "after
the last row" is not one comparison: it is a list of ranges, in output order, each made of
equalities on the leading keys and one condition on the next key (``> v``, ``IS NULL`` or
``IS NOT NULL``), which an index on the ordering serves. A chunk takes rows from the first
range that still has some, so the rows and their order are those of the plain queryset.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy


def keyset_order(queryset: QuerySet) -> tuple[list[str], bool, bool] | None:
    """The ordering of ``queryset`` as (local field names ending with the pk, descending, NULLs
    largest), or None when it cannot be read by keyset: expressions, related fields, mixed
    directions or NULL placements, no pk at the end.

    NULLs are largest (after every value ascending, before them descending) where the ordering
    says so (the Users page's keyset_ordering does, on every database) or, where it says
    nothing, where the database puts them so (PostgreSQL; SQLite puts them smallest)."""
    meta = queryset.model._meta
    names, directions, placements = [], set(), set()
    for part in queryset.query.order_by:
        if isinstance(part, str):
            name, descending = part.lstrip("-"), part.startswith("-")
        elif isinstance(part, OrderBy) and type(part.expression) is F:
            name, descending = part.expression.name, part.descending
            if part.nulls_first or part.nulls_last:
                # Largest: last ascending, first descending.
                placements.add(bool(part.nulls_last) != descending)
        else:
            return None
        if "__" in name:
            return None
        name = meta.pk.name if name == "pk" else name
        names.append(name)
        directions.add(descending)
    if len(directions) != 1 or not names or names[-1] != meta.pk.name:
        return None
    default = connections[queryset.db].features.nulls_order_largest
    if len(placements) > 1 or (placements and placements != {default} and _unplaced(queryset)):
        return None
    nulls_largest = placements.pop() if placements else default
    return names, directions.pop(), nulls_largest


def _unplaced(queryset: QuerySet) -> bool:
    """Whether some part of the ordering leaves the NULL placement to the database."""
    return any(
        isinstance(part, str) or not (part.nulls_first or part.nulls_last)
        for part in queryset.query.order_by
    )


def _nullable(queryset: QuerySet, name: str) -> bool:
    return queryset.model._meta.get_field(name).null


def _ranges_after(
    queryset: QuerySet, keys: list[str], last: Sequence, descending: bool, nulls_largest: bool
) -> list[Q]:
    """The conditions, in output order, that together hold every row after ``last``."""
    # Whether NULLs come after every value in this output order.
    nulls_after = nulls_largest != descending
    beyond = "lt" if descending else "gt"
    ranges = []
    for depth in range(len(keys) - 1, -1, -1):
        same = Q()
        for key, value in zip(keys[:depth], last[:depth], strict=True):
            same &= Q(**{f"{key}__isnull": True}) if value is None else Q(**{key: value})
        key, value = keys[depth], last[depth]
        if value is None:
            if not nulls_after:
                ranges.append(same & Q(**{f"{key}__isnull": False}))
            continue
        ranges.append(same & Q(**{f"{key}__{beyond}": value}))
        if nulls_after and _nullable(queryset, key):
            ranges.append(same & Q(**{f"{key}__isnull": True}))
    return ranges


def ordered_chunks(queryset: QuerySet, fields: Sequence[str], size: int) -> Iterator[tuple]:
    """``queryset.values_list(*fields)`` in the queryset's order, ``size`` rows per query.

    The ordering must satisfy ``keyset_order``. Rows written while the reading goes on may or
    may not be included, as with any read spread over several statements.
    """
    order = keyset_order(queryset)
    if order is None:
        raise ValueError("The queryset's ordering cannot be read by keyset.")
    keys, descending, nulls_largest = order
    asked = len(fields)
    fields = list(fields)
    # Each row's key values tell where the next chunk starts: taken from the asked columns when
    # they are there, fetched beside them (and cut off again) otherwise.
    positions = []
    for key in keys:
        name = "pk" if key == queryset.model._meta.pk.name and "pk" in fields else key
        if name not in fields:
            fields.append(name)
        positions.append(fields.index(name))
    rows = list(queryset.values_list(*fields)[:size])
    complete = len(rows) < size
    while rows:
        for row in rows:
            yield row if len(row) == asked else row[:asked]
        if complete:
            return
        last = [rows[-1][i] for i in positions]
        ranges = _ranges_after(queryset, keys, last, descending, nulls_largest)
        rows = []
        for n, condition in enumerate(ranges, 1):
            rows = list(queryset.filter(condition).values_list(*fields)[:size])
            if rows:
                # A short chunk of the broadest range is the end of the rows.
                complete = n == len(ranges) and len(rows) < size
                break
