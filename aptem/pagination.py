from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest

# Far beyond any real list, and small enough that an offset computed from it fits every
# database's integers (SQLite and PostgreSQL both stop at 2**63 - 1).
MAX_PAGE = 2**31


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


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page``: what components/_pagination.html keeps in
    each page link (``query``), so moving between pages keeps the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
