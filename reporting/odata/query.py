"""Reading one page of an entity set from the system query options of a request.

``$filter`` is parsed by odata-query; every identifier is checked against the entity set's
declared properties and rewritten to its model field path before odata-query's Django visitor
makes the Q object, so only declared properties (and, without the permission, no
special-category one) can be filtered on. Literals are checked against the property's type, so
a mistyped comparison is a 400 rather than a database error.

Server-driven paging is keyset paging: ``$skiptoken`` holds the last row's values of the
ordering (the requested ``$orderby`` with the key as tie-breaker), and the next page is the rows
after it, so page 1,000 costs what page 1 does. A client's own ``$skip`` uses OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import FieldError, ValidationError
from django.db.models import F, Lookup, Q, QuerySet
from django.http import QueryDict
from odata_query import ast
from odata_query import exceptions as odata_errors
from odata_query.django import AstToDjangoQVisitor
from odata_query.grammar import ODataLexer, ODataParser
from odata_query.visitor import NodeTransformer

from users.models import User

from .schema import (
    EDM_BOOLEAN,
    EDM_DATE,
    EDM_DATETIME,
    EDM_DECIMAL,
    EDM_INT32,
    EDM_INT64,
    EDM_STRING,
    Column,
    EntitySet,
    may_see_sensitive,
)

PAGE_SIZE = 1000
MAX_FILTER_LENGTH = 4000
SUPPORTED_OPTIONS = {
    "$select",
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$skiptoken",
    "$format",
}
# The functions $filter may call, each with the property types its first argument may have.
STRING_FUNCTIONS = {"contains", "startswith", "endswith", "tolower", "toupper", "trim", "length"}
DATE_FUNCTIONS = {"year", "month", "day"}
DATETIME_FUNCTIONS = {"hour", "minute", "second", "date"}
ALLOWED_FUNCTIONS = STRING_FUNCTIONS | DATE_FUNCTIONS | DATETIME_FUNCTIONS

# Which literal node types compare with which property types.
LITERALS = {
    EDM_INT64: (ast.Integer,),
    EDM_INT32: (ast.Integer,),
    EDM_DECIMAL: (ast.Integer, ast.Float),
    EDM_STRING: (ast.String,),
    EDM_BOOLEAN: (ast.Boolean,),
    EDM_DATE: (ast.Date,),
    EDM_DATETIME: (ast.DateTime, ast.Date),
}
NUMERIC = (EDM_INT64, EDM_INT32, EDM_DECIMAL)


class BadQuery(Exception):
    """The request's query options cannot be answered; the message says why."""

    def __init__(self, message: str, code: str = "BadRequest", status: int = 400):
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class Query:
    """The parsed query options of one request for an entity set."""

    entity_set: EntitySet
    viewer: User
    columns: list[Column]
    where: Q | None = None
    tree: ast._Node | None = None
    order: list[tuple[Column, bool]] = field(default_factory=list)
    top: int | None = None
    skip: int = 0
    count: bool = False
    after: list | None = None
    sensitive: bool = False

    @property
    def order_keys(self) -> list[tuple[Column, bool]]:
        """The ordering with the key as tie-breaker: what paging walks."""
        key = self.entity_set.key_column
        if any(column is key for column, _ in self.order):
            return self.order
        return [*self.order, (key, False)]


def _integer(options: QueryDict, name: str) -> int | None:
    raw = options.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadQuery(f"{name} must be a whole number of 0 or more, not {raw!r}.")
    return int(raw)


def parse(entity_set: EntitySet, viewer: User, options: QueryDict) -> Query:
    for name in options:
        if name.startswith("$") and name not in SUPPORTED_OPTIONS:
            raise BadQuery(f"The query option {name} is not supported.", code="NotImplemented")
        if name.startswith("$") and len(options.getlist(name)) > 1:
            raise BadQuery(f"The query option {name} is given more than once.")
    if options.get("$format", "json").split(";")[0] not in ("json", "application/json"):
        raise BadQuery("Only $format=json is supported.")
    sensitive = may_see_sensitive(viewer)
    query = Query(entity_set, viewer, _select(entity_set, options.get("$select")))
    query.sensitive = sensitive
    query.top = _integer(options, "$top")
    query.skip = _integer(options, "$skip") or 0
    count = options.get("$count", "false")
    if count not in ("true", "false"):
        raise BadQuery("$count must be true or false.")
    query.count = count == "true"
    if (text := options.get("$filter")) is not None:
        query.tree, query.where = _filter(entity_set, text, sensitive)
    query.order = _orderby(entity_set, options.get("$orderby"), sensitive)
    if (token := options.get("$skiptoken")) is not None:
        query.after = _read_skiptoken(token, len(query.order_keys))
    return query


def _column(entity_set: EntitySet, name: str, sensitive: bool, purpose: str) -> Column:
    column = entity_set.columns.get(name)
    if column is None:
        raise BadQuery(f"{entity_set.name} has no property {name!r}.")
    if column.prop.sensitive and not sensitive and purpose:
        raise BadQuery(
            f"{name} is special-category data: {purpose} on it needs the permission to see "
            "sensitive data.",
            code="Forbidden",
        )
    if column.is_json and purpose:
        raise BadQuery(f"{name} holds structured text and cannot be used for {purpose}.")
    return column


def _select(entity_set: EntitySet, text: str | None) -> list[Column]:
    if text is None or text.strip() in ("", "*"):
        return list(entity_set.columns.values())
    names = [part.strip() for part in text.split(",")]
    columns = [_column(entity_set, name, True, "") for name in names if name]
    # The key always travels, so a client can tell the rows apart.
    if entity_set.key_column not in columns:
        columns.insert(0, entity_set.key_column)
    return _unique(columns)


def _unique(columns: Iterable[Column]) -> list[Column]:
    seen, out = set(), []
    for column in columns:
        if column.name not in seen:
            seen.add(column.name)
            out.append(column)
    return out


def _orderby(entity_set: EntitySet, text: str | None, sensitive: bool) -> list[tuple]:
    if text is None or not text.strip():
        return []
    order = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise BadQuery(f"$orderby cannot read {part.strip()!r}.")
        column = _column(entity_set, words[0], sensitive, "sorting")
        order.append((column, len(words) == 2 and words[1] == "desc"))
    return order


# --- $filter -------------------------------------------------------------------------------------


class _Checker(NodeTransformer):
    """Checks every identifier, function and literal of a parsed $filter against the entity
    set, and rewrites identifiers to model field paths."""

    def __init__(self, entity_set: EntitySet, sensitive: bool):
        self.entity_set = entity_set
        self.sensitive = sensitive

    def _identifier_column(self, node: ast._Node) -> Column | None:
        if isinstance(node, ast.Identifier):
            return _column(self.entity_set, node.name, self.sensitive, "filtering")
        return None

    def visit_Identifier(self, node: ast.Identifier) -> ast.Identifier:
        column = _column(self.entity_set, node.name, self.sensitive, "filtering")
        return ast.Identifier(column.path)

    def visit_Attribute(self, node: ast.Attribute) -> ast._Node:
        raise BadQuery("$filter cannot follow navigation properties (a/b); use the ...Id keys.")

    def visit_CollectionLambda(self, node: ast._Node) -> ast._Node:
        raise BadQuery("$filter does not support any() or all().")

    def visit_Call(self, node: ast.Call) -> ast._Node:
        name = node.func.name
        if name not in ALLOWED_FUNCTIONS:
            raise BadQuery(f"$filter does not support the function {name}().")
        if not node.args:
            raise BadQuery(f"{name}() needs a property.")
        column = self._identifier_column(node.args[0])
        if column is None:
            raise BadQuery(f"The first argument of {name}() must be a property.")
        wanted = (
            (EDM_STRING,)
            if name in STRING_FUNCTIONS
            else (EDM_DATE, EDM_DATETIME)
            if name in DATE_FUNCTIONS
            else (EDM_DATETIME,)
        )
        if column.edm_type not in wanted:
            raise BadQuery(f"{name}() does not apply to {column.name}, a {column.edm_type}.")
        for arg in node.args[1:]:
            if not isinstance(arg, ast.String):
                raise BadQuery(f"{name}() compares with a string in quotes.")
        return ast.Call(node.func, [self.visit(arg) for arg in node.args])

    def visit_Compare(self, node: ast.Compare) -> ast._Node:
        for side, other in ((node.left, node.right), (node.right, node.left)):
            column = self._identifier_column(side)
            if column is None:
                continue
            if isinstance(other, ast.Null):
                if not isinstance(node.comparator, (ast.Eq, ast.NotEq)):
                    raise BadQuery("null compares only with eq and ne.")
                continue
            values = other.val if isinstance(other, ast.List) else [other]
            for value in values:
                if isinstance(value, ast._Literal) and not isinstance(
                    value, LITERALS[column.edm_type]
                ):
                    raise BadQuery(
                        f"{column.name} is a {column.edm_type}: it cannot be compared with "
                        f"{type(value).__name__.lower()} {getattr(value, 'val', '')!r}."
                    )
                if isinstance(value, ast.Identifier):
                    other_column = self._identifier_column(value)
                    if other_column.edm_type != column.edm_type and not (
                        column.edm_type in NUMERIC and other_column.edm_type in NUMERIC
                    ):
                        raise BadQuery(
                            f"{column.name} and {other_column.name} are of different types."
                        )
        if isinstance(node.left, ast._Literal) and isinstance(node.right, ast._Literal):
            raise BadQuery("A comparison in $filter needs a property on one side.")
        return ast.Compare(node.comparator, self.visit(node.left), self.visit(node.right))

    def visit_BinOp(self, node: ast._Node) -> ast._Node:
        raise BadQuery("$filter does not support arithmetic (add, sub, mul, div, mod).")


CONDITION_FUNCTIONS = {"contains", "startswith", "endswith"}


def _is_condition(node: ast._Node) -> bool:
    """Whether ``node`` is true or false for each row: a comparison, a text test, or these
    joined by and, or and not."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.BoolOp):
        return _is_condition(node.left) and _is_condition(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _is_condition(node.operand)
    return isinstance(node, ast.Call) and node.func.name in CONDITION_FUNCTIONS


def _filter(entity_set: EntitySet, text: str, sensitive: bool) -> tuple[ast._Node, Q | None]:
    if not text.strip():
        raise BadQuery("$filter is empty.")
    if len(text) > MAX_FILTER_LENGTH:
        raise BadQuery(f"$filter is longer than {MAX_FILTER_LENGTH} characters.")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except odata_errors.ODataException as error:
        raise BadQuery(f"$filter cannot be read: {error}") from None
    except (RecursionError, ValueError, TypeError, IndexError, AttributeError, KeyError):
        raise BadQuery("$filter cannot be read.") from None
    if tree is None:
        raise BadQuery("$filter cannot be read.")
    if not _is_condition(tree):
        raise BadQuery("$filter must be a condition (true or false for each row).")
    try:
        tree = _Checker(entity_set, sensitive).visit(tree)
        if entity_set.is_code_list:
            if not isinstance(tree, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call)):
                raise BadQuery("$filter must be a condition (true or false for each row).")
            return tree, None
        where = AstToDjangoQVisitor(entity_set.model).visit(tree)
    except BadQuery:
        raise
    except odata_errors.ODataException as error:
        raise BadQuery(f"$filter cannot be applied: {error}") from None
    except (RecursionError, ValueError, TypeError, AttributeError, FieldError, NotImplementedError):
        raise BadQuery("$filter cannot be applied to these properties.") from None
    if isinstance(where, Lookup) and where.conditional:
        where = Q(where)
    if not isinstance(where, Q) or not where.children:
        raise BadQuery("$filter must be a condition (true or false for each row).")
    return tree, where


# --- Paging --------------------------------------------------------------------------------------


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value) if isinstance(value, decimal.Decimal) else value.isoformat()
    raise TypeError(type(value).__name__)


def skiptoken(values: list) -> str:
    text = json.dumps(values, default=_json_default, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _read_skiptoken(token: str, length: int) -> list:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise BadQuery("$skiptoken is not one this feed gave out.") from None
    if not isinstance(values, list) or len(values) != length:
        raise BadQuery("$skiptoken does not belong to this ordering.")
    if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
        raise BadQuery("$skiptoken is not one this feed gave out.")
    return values


def _after(keys: list[tuple[Column, bool]], last: list) -> Q:
    """The rows after ``last`` in the order of ``keys``, where NULLs sort first ascending and
    last descending (as OData specifies): the OR of one range per depth."""
    ranges = Q(pk__in=[])
    for depth in range(len(keys) - 1, -1, -1):
        same = Q()
        for (column, _), value in zip(keys[:depth], last[:depth], strict=True):
            same &= (
                Q(**{f"{column.path}__isnull": True})
                if value is None
                else Q(**{column.path: value})
            )
        column, descending = keys[depth]
        value = last[depth]
        if not descending:
            step = (
                Q(**{f"{column.path}__isnull": False})
                if value is None
                else Q(**{f"{column.path}__gt": value})
            )
        else:
            if value is None:
                continue
            step = Q(**{f"{column.path}__lt": value})
            if column.nullable:
                step |= Q(**{f"{column.path}__isnull": True})
        ranges |= same & step
    return ranges


def _ordering(keys: list[tuple[Column, bool]]) -> list:
    """NULLs first ascending and last descending, said only for columns that may hold NULL:
    on a NOT NULL column the plain order lets PostgreSQL walk its index (the key's, above
    all), where ``NULLS FIRST`` would sort the whole set for every page."""
    out = []
    for column, descending in keys:
        if not column.nullable:
            out.append(F(column.path).desc() if descending else F(column.path).asc())
        elif descending:
            out.append(F(column.path).desc(nulls_last=True))
        else:
            out.append(F(column.path).asc(nulls_first=True))
    return out


@dataclass
class Page:
    rows: list[dict]
    count: int | None
    next_token: str | None
    remaining_top: int | None


def _filtered(query: Query) -> QuerySet:
    rows: QuerySet = query.entity_set.rows(query.viewer)
    if query.where is not None:
        try:
            rows = rows.filter(query.where)
        except (FieldError, TypeError, ValueError, ValidationError, AttributeError):
            raise BadQuery("$filter cannot be applied to these properties.") from None
    return rows


def count_rows(query: Query) -> int:
    if query.entity_set.is_code_list:
        return len(_code_list_rows(query))
    return _run(_filtered(query).count)


_MASKED = object()


def _as_json(query: Query, fetch: list[str], raw: list[tuple]) -> list[dict]:
    """The rows as JSON-ready dicts: special-category values masked unless the reader may see
    them. Each column's converter is looked up once, not once per value."""
    names, plan = [], []
    for column in query.columns:
        names.append(column.name)
        masked = column.prop.sensitive and not query.sensitive
        plan.append((fetch.index(column.path), _MASKED if masked else column.converter))
    out = []
    for row in raw:
        values = []
        for i, convert in plan:
            value = row[i]
            if convert is _MASKED:
                value = None
            elif convert is not None and value is not None:
                value = convert(value)
            values.append(value)
        out.append(dict(zip(names, values, strict=True)))
    return out


def read_one(query: Query, key: int) -> dict | None:
    """The row with this key among those the reader may see, or None."""
    if query.entity_set.is_code_list:
        raise BadQuery("A code list's rows are read by $filter on their code.")
    rows = _filtered(query).filter(pk=key)
    fetch = _unique_paths([c.path for c in query.columns])
    raw = _run(lambda: list(rows.values_list(*fetch)[:1]))
    return _as_json(query, fetch, raw)[0] if raw else None


def read_page(query: Query, page_size: int | None = None) -> Page:
    """One page of rows as JSON-ready dicts, the total count when asked for, and the skiptoken
    of the next page when there are more rows (within $top)."""
    page_size = page_size or PAGE_SIZE
    if query.entity_set.is_code_list:
        return _code_list_page(query, page_size)
    rows = _filtered(query)
    total = None
    if query.count:
        total = _run(rows.count)
    keys = query.order_keys
    ordered = rows.order_by(*_ordering(keys))
    if query.after is not None:
        ordered = ordered.filter(_after(keys, query.after))
    wanted = page_size if query.top is None else min(page_size, query.top)
    paths = [c.path for c in query.columns]
    key_paths = [c.path for c, _ in keys]
    fetch = _unique_paths(paths + key_paths)
    start = query.skip if query.after is None else 0
    raw = _run(lambda: list(ordered.values_list(*fetch)[start : start + wanted + 1]))
    more = len(raw) > wanted
    raw = raw[:wanted]
    out = _as_json(query, fetch, raw)
    remaining = None if query.top is None else query.top - len(raw)
    next_token = None
    if more and raw and (remaining is None or remaining > 0):
        last = raw[-1]
        next_token = skiptoken([last[fetch.index(p)] for p in key_paths])
    return Page(out, total, next_token, remaining)


def _unique_paths(paths: list[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def _run(work):
    """Runs a query; a value the database refuses to compare (a date out of its range, say)
    is the client's bad query, answered 400, in a savepoint so a surrounding transaction
    survives."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            return work()
    except (DatabaseError, ValidationError, ValueError, OverflowError):
        raise BadQuery("$filter compares a property with a value it cannot hold.") from None


# --- Code lists (small fixed lists, read in memory) ----------------------------------------------


def _evaluate(node: ast._Node, row: dict):
    if isinstance(node, ast.Identifier):
        return row[node.name]
    if isinstance(node, ast.List):
        return [_evaluate(item, row) for item in node.val]
    if isinstance(node, ast._Literal):
        return node.py_val
    if isinstance(node, ast.BoolOp):
        left = _evaluate(node.left, row)
        if isinstance(node.op, ast.And):
            return bool(left) and bool(_evaluate(node.right, row))
        return bool(left) or bool(_evaluate(node.right, row))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _evaluate(node.operand, row)
    if isinstance(node, ast.Compare):
        left, right = _evaluate(node.left, row), _evaluate(node.right, row)
        comparator = type(node.comparator)
        if comparator is ast.Eq:
            return left == right
        if comparator is ast.NotEq:
            return left != right
        if comparator is ast.In:
            return left in right
        if left is None or right is None:
            return False
        return {
            ast.Lt: left < right,
            ast.LtE: left <= right,
            ast.Gt: left > right,
            ast.GtE: left >= right,
        }[comparator]
    if isinstance(node, ast.Call):
        args = [_evaluate(arg, row) for arg in node.args]
        text = args[0] or ""
        return {
            "contains": lambda: args[1] in text,
            "startswith": lambda: text.startswith(args[1]),
            "endswith": lambda: text.endswith(args[1]),
            "tolower": lambda: text.lower(),
            "toupper": lambda: text.upper(),
            "trim": lambda: text.strip(),
            "length": lambda: len(text),
        }.get(node.func.name, lambda: _no_function(node.func.name))()
    raise BadQuery("$filter cannot be applied to this code list.")


def _no_function(name: str):
    raise BadQuery(f"{name}() does not apply to a code list.")


def _code_list_rows(query: Query) -> list[dict]:
    rows = query.entity_set.items()
    if query.tree is not None:
        try:
            rows = [row for row in rows if _evaluate(query.tree, row)]
        except (TypeError, KeyError):
            raise BadQuery("$filter compares a property with a value of another type.") from None
    for column, descending in reversed(query.order_keys):
        # None first ascending, last descending, as the database paging does.
        rows.sort(key=lambda row, p=column.path: _sort_key(row[p]), reverse=descending)
    return rows


def _sort_key(value) -> tuple:
    return (value is not None, value if value is not None else 0)


def _code_list_page(query: Query, page_size: int) -> Page:
    rows = _code_list_rows(query)
    total = len(rows) if query.count else None
    start = query.skip
    if query.after is not None:
        start = int(query.after[0]) if str(query.after[0]).isdigit() else 0
    wanted = page_size if query.top is None else min(page_size, query.top)
    chosen = rows[start : start + wanted]
    out = [{c.name: c.to_json(row[c.path]) for c in query.columns} for row in chosen]
    remaining = None if query.top is None else query.top - len(chosen)
    more = start + wanted < len(rows) and (remaining is None or remaining > 0)
    # A code list is small and fixed, so its next page starts at an offset.
    token = skiptoken([start + wanted] + [None] * (len(query.order_keys) - 1)) if more else None
    return Page(out, total, token, remaining)
