import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.http import HttpRequest, QueryDict

# Far beyond any real list, and small enough that an offset computed from it fits every
# database's integers (SQLite and PostgreSQL both stop at 2**63 - 1).
MAX_PAGE = 2**31

# The ``?page=`` value of the last page of a list too large to count (see keyset_page).
LAST = "last"
CURSOR_SALT = "aptem.pagination.cursor"
AFTER, BEFORE = "a", "b"


def page_number(value) -> int:
    """The page a ``?page=`` value asks for: 1 for anything that is not a positive whole
    number, and never more than ``MAX_PAGE``, so a hostile value cannot overflow an offset."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(queryset: QuerySet, number, per_page: int, *, count_with_rows: bool) -> Page:
    """One page of ``queryset``, like ``Paginator.get_page``.

    With ``count_with_rows`` the total comes from a ``COUNT(*) OVER ()`` on the page's own rows
    instead of a separate COUNT query. That pays off when the database must collect and sort
    every match anyway (a search it cannot answer in index order): the count is then free,
    where a separate query would repeat the whole search. An empty or out-of-range page falls
    back to the ordinary count.
    """
    paginator = Paginator(queryset, per_page)
    if count_with_rows:
        wanted = page_number(number)
        offset = (wanted - 1) * per_page
        rows = list(queryset.annotate(match_count=Window(Count("pk")))[offset : offset + per_page])
        if rows:
            paginator.count = rows[0].match_count  # Paginator.count is a cached property.
            return Page(rows, wanted, paginator)
    return paginator.get_page(page_number(number))


def collected_page(queryset: QuerySet, number, per_page: int) -> Page:
    """One numbered page of a search the database must collect and sort in full, with its exact
    count, like ``paginate(count_with_rows=True)`` but in two steps.

    The count (``COUNT(*) OVER ()``) and the sort run over narrow rows, the pk and the sort keys
    only; the page's own columns and joins are then read for its rows alone. Carrying every
    column of every match through the window and the sort made them spill to disk: for "smith"
    at a million learners (20,000 matches) that halved the query time (168 to 89 ms).
    """
    paginator = Paginator(queryset, per_page)
    wanted = page_number(number)
    offset = (wanted - 1) * per_page
    keys = list(
        queryset.annotate(match_count=Window(Count("pk"))).values_list("pk", "match_count")[
            offset : offset + per_page
        ]
    )
    if not keys:
        return paginator.get_page(wanted)
    paginator.count = keys[0][1]  # Paginator.count is a cached property.
    position = {pk: n for n, (pk, _) in enumerate(keys)}
    # Put in the page's order here, so the database need not sort them (nor Django compile the
    # sort, which for a name search is an expression per key).
    rows = sorted(queryset.filter(pk__in=position).order_by(), key=lambda row: position[row.pk])
    return Page(rows, wanted, paginator)


def capped_count(queryset: QuerySet, cap: int | None) -> int:
    """How many rows ``queryset`` holds, counting no further than ``cap + 1``: a COUNT over a
    ``LIMIT cap + 1`` subquery, which stops as soon as it passes the cap, where a plain COUNT
    of a broad search would visit every match. No cap counts them all."""
    if cap is None:
        return queryset.count()
    return queryset.order_by()[: cap + 1].count()


@dataclass
class KeysetPage:
    """One page of a list too large to count exactly or to number.

    It is reached from the first page (Next) or the last (Last, Previous) by cursors: the sort
    key of the row on its edge. Each page is then an index walk from that key, as cheap deep in
    the list as on its first page, where ``OFFSET`` would read every row before it.
    """

    object_list: list
    # The list holds more rows than this (the capped count stopped here).
    more_than: int
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""
    is_keyset = True

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def __len__(self) -> int:
        return len(self.object_list)


def paginate_capped(
    queryset: QuerySet,
    params: QueryDict,
    per_page: int,
    *,
    keys: Sequence[str],
    cap: int | None = None,
    collects_all: bool = False,
) -> Page | KeysetPage:
    """One page of the ordered ``queryset``, counting at most ``cap`` rows.

    Up to ``cap`` (settings.LIST_COUNT_CAP) the count is exact and pages are numbered: OFFSET is
    cheap that far. Beyond it the page is a KeysetPage. ``keys`` are the fields ``queryset`` is
    ordered by, as in ``order_by`` ("-created_at"), ending with a unique one (the pk); the order
    must place NULLs after every value ascending and before them descending (keyset_ordering),
    as PostgreSQL does by default, so its indexes serve both directions.

    ``collects_all`` says the database must collect and sort every match to find any page (a
    search it cannot answer in index order): counting them separately would read every match
    twice, so the count comes with the rows (``paginate(count_with_rows=True)``), exact, and
    pages stay numbered, since OFFSET adds nothing to a sort of every match.
    """
    if collects_all:
        return collected_page(queryset, params.get("page"), per_page)
    cap = settings.LIST_COUNT_CAP if cap is None else cap
    total = capped_count(queryset, cap)
    if total <= cap:
        paginator = Paginator(queryset, per_page)
        paginator.count = total  # Paginator.count is a cached property: no second COUNT.
        # "Last" means the same whichever way the result is paged (a shared link keeps working
        # when the result shrinks below the cap).
        wanted = params.get("page")
        return paginator.get_page(MAX_PAGE if wanted == LAST else page_number(wanted))
    return keyset_page(queryset, params, per_page, keys=keys, more_than=cap)


def keyset_ordering(keys: Sequence[str]) -> list:
    """``order_by`` expressions for ``keys`` with NULLs where paginate_capped needs them."""
    return [
        F(key[1:]).desc(nulls_first=True) if key.startswith("-") else F(key).asc(nulls_last=True)
        for key in keys
    ]


def keyset_page(
    queryset: QuerySet, params: QueryDict, per_page: int, *, keys: Sequence[str], more_than: int
) -> KeysetPage:
    """The page a ``?cursor=`` (or ``?page=``) asks for in a list of more than ``more_than``
    rows: ``page=last``, a numbered page, or else the first. A cursor that does not verify
    (edited, made for another sort, or signed with an old key) gives the first page."""
    cursor = _read_cursor(params.get("cursor", ""), keys)
    page = params.get("page", "")
    if cursor is not None:
        direction, values = cursor
        try:
            if direction == AFTER:
                return _after(queryset, per_page, keys, values, more_than)
            return _before(queryset, per_page, keys, values, more_than)
        except (ValidationError, ValueError, TypeError):
            pass  # a value its column cannot hold: start again at the first page
    elif str(page).strip() == LAST:
        return _last(queryset, per_page, keys, more_than)
    elif page and page_number(page) > 1:
        # A numbered page (a link saved while the result was smaller): OFFSET within what was
        # counted, which stays cheap; past it, like Paginator.get_page past the end, the last.
        offset = (page_number(page) - 1) * per_page
        if offset + per_page > more_than:
            return _last(queryset, per_page, keys, more_than)
        rows = list(queryset[offset : offset + per_page + 1])
        return _page(rows, per_page, keys, more_than, has_previous=True)
    return _first(queryset, per_page, keys, more_than)


def _first(queryset, per_page, keys, more_than) -> KeysetPage:
    return _page(list(queryset[: per_page + 1]), per_page, keys, more_than, has_previous=False)


def _last(queryset, per_page, keys, more_than) -> KeysetPage:
    # The reversed order's first page, shown in the normal order.
    rows = list(queryset.reverse()[: per_page + 1])
    page = _page(rows, per_page, keys, more_than, has_previous=False)
    page.object_list.reverse()
    page.has_previous, page.has_next = page.has_next, False
    return _with_cursors(page, keys)


def _after(queryset, per_page, keys, values, more_than) -> KeysetPage:
    rows = list(queryset.filter(_beyond(queryset, keys, values))[: per_page + 1])
    return _page(rows, per_page, keys, more_than, has_previous=True)


def _before(queryset, per_page, keys, values, more_than) -> KeysetPage:
    reversed_keys = [key[1:] if key.startswith("-") else f"-{key}" for key in keys]
    rows = list(queryset.reverse().filter(_beyond(queryset, reversed_keys, values))[: per_page + 1])
    if len(rows) < per_page:
        # Fewer rows before the cursor than a page (pages counted back from the last page do
        # not line up with the first): show the first page rather than a short one.
        return _first(queryset, per_page, keys, more_than)
    page = _page(rows, per_page, keys, more_than, has_previous=False)
    page.object_list.reverse()
    page.has_previous, page.has_next = page.has_next, True
    return _with_cursors(page, keys)


def _page(rows: list, per_page: int, keys, more_than: int, *, has_previous: bool) -> KeysetPage:
    page = KeysetPage(
        rows[:per_page], more_than, has_previous=has_previous, has_next=len(rows) > per_page
    )
    return _with_cursors(page, keys)


def _with_cursors(page: KeysetPage, keys) -> KeysetPage:
    if page.object_list:
        page.previous_cursor = _make_cursor(BEFORE, keys, page.object_list[0])
        page.next_cursor = _make_cursor(AFTER, keys, page.object_list[-1])
    return page


def _beyond(queryset: QuerySet, keys: Sequence[str], values: list) -> Q:
    """The rows after ``values`` in the order of ``keys``: (a, b, pk) > (x, y, z) spelt out
    column by column, because NULLs sort after every value ascending (before, descending) and a
    row comparison does not know that. Columns that cannot be NULL skip the NULL branches, and
    the first key also gets a plain range condition, which an index can use."""
    condition = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        descending, name = key.startswith("-"), key.lstrip("-")
        nullable = _nullable(queryset, name)
        if value is None:
            # NULLs come last ascending: nothing follows them in this column.
            beyond = Q(**{f"{name}__isnull": False}) if descending else Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nullable and not descending:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition = beyond if condition is None else beyond | (same & condition)
    first_key, first_value = keys[0], values[0]
    if first_value is not None and not _nullable(queryset, first_key.lstrip("-")):
        lookup = "lte" if first_key.startswith("-") else "gte"
        condition &= Q(**{f"{first_key.lstrip('-')}__{lookup}": first_value})
    return condition


def _nullable(queryset: QuerySet, name: str) -> bool:
    """Whether ``name`` can be NULL in a row: anything but a non-null column of the model
    itself (a related field through a nullable key, an annotation) is taken to be nullable."""
    if name == "pk":
        return False
    try:
        field = queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return field.null or not field.concrete


def _value(row, key: str):
    value = row
    for part in key.lstrip("-").split("__"):
        value = getattr(value, part, None) if value is not None else None
    if isinstance(value, datetime.date):
        return value.isoformat()  # the JSON of the cursor; the lookup parses it back
    return value


def _make_cursor(direction: str, keys: Sequence[str], row) -> str:
    return signing.dumps(
        {"d": direction, "k": list(keys), "v": [_value(row, key) for key in keys]},
        salt=CURSOR_SALT,
        compress=True,
    )


def _read_cursor(token: str, keys: Sequence[str]) -> tuple[str, list] | None:
    """(direction, values) from a cursor made for ``keys``, or None for any other string."""
    if not token:
        return None
    try:
        cursor = signing.loads(token, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(cursor, dict) or cursor.get("k") != list(keys):
        return None  # made for another sort: it says nothing about this order
    values = cursor.get("v")
    if cursor.get("d") not in (AFTER, BEFORE) or not isinstance(values, list):
        return None
    if len(values) != len(keys) or not all(
        v is None or isinstance(v, str | int | float) for v in values
    ):
        return None
    return cursor["d"], values


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page`` or ``cursor``: what
    components/_pagination.html keeps in each page link (``query``), so moving between pages
    keeps the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return query.urlencode()
