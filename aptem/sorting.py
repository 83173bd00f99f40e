"""Sortable list columns: ``?sort=<key>`` (``-<key>`` descending) read safely, applied to a
queryset, and each column header's link (clicking the sorted column again reverses it).
Headers render with ``components/_sort_header.html``."""

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Sorting:
    # key -> (column label, model fields to order by)
    columns: dict[str, tuple[str, tuple[str, ...]]]
    default: str

    def key(self, value: str | None) -> str:
        """The ``?sort=`` value if it names a column, else the default."""
        value = value or self.default
        return value if value.lstrip("-") in self.columns else self.default

    def apply(self, rows: QuerySet, sort: str) -> QuerySet:
        """``rows`` in the order of ``sort``, empty values last either way, then by pk."""
        key, descending = sort.lstrip("-"), sort.startswith("-")
        ordering = []
        for field in self.columns[key][1]:
            expression = F(field)
            ordering.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        ordering.append("-pk" if descending else "pk")
        return rows.order_by(*ordering)

    def headers(self, request: HttpRequest, sort: str) -> dict[str, dict]:
        headers = {}
        for key, (label, _) in self.columns.items():
            query = request.GET.copy()
            query.pop("page", None)
            aria = None
            if sort == key:
                query["sort"], aria = f"-{key}", "ascending"
            elif sort == f"-{key}":
                query["sort"], aria = key, "descending"
            else:
                query["sort"] = key
            headers[key] = {"label": label, "query": query.urlencode(), "aria": aria}
        return headers
