"""Model fields shared by the apps."""

import json
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.lookups import FieldGetDbPrepValueMixin, Lookup


def _sorted_set(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values})


class IntegerSetField(models.Field):
    """A set of integers, stored sorted: ``integer[]`` on PostgreSQL, where a GIN index serves
    ``overlap`` (``&&``); a JSON list in a text column elsewhere (SQLite), where ``overlap``
    reads it with ``json_each``. The GIN index is PostgreSQL-only, so it lives in a migration
    guarded by the database vendor (DESIGN.md §2). ``integer`` elements: the ids it holds
    (groups) number in the hundreds; SQL that computes them from ``bigint`` keys casts."""

    description = "A set of integers"

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_prep_value(self, value):
        return None if value is None else _sorted_set(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(value) if isinstance(value, str) else list(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, str):
            return json.loads(value)
        return _sorted_set(value)


@IntegerSetField.register_lookup
class Overlap(FieldGetDbPrepValueMixin, Lookup):
    """``field__overlap=[ids]``: the set shares at least one of ``ids``."""

    lookup_name = "overlap"

    def get_prep_lookup(self):
        return _sorted_set(self.rhs)

    def process_rhs(self, compiler, connection):
        if not self.rhs:
            # As ``__in=[]`` does: nothing can match (the condition is false, and a query with
            # nothing else to return is not sent).
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && ({rhs})::integer[]", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        self.process_rhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) AS element "
            f"WHERE element.value IN ({placeholders}))",
            (*lhs_params, *self.rhs),
        )
