"""The entity sets of the OData feed: what each one reads, which properties it has and what they
mean. The feed, its $metadata and the dictionary (page and CSV) are all made from these
definitions, so they cannot drift apart.

reporting imports no section app, so the entity sets reading their models are declared and
registered from portal (portal/odata.py), the way portal registers the export kinds. Adding one
is a few declarative lines::

    register(EntitySet(
        name="Notes", model=Note, description="Notes written on learners' profiles.",
        rows=learner_owned,  # or any function of the viewer returning a queryset
        properties=[
            Property("Id", "id", "The note's number."),
            Property("LearnerId", "learner_id", "The learner (Users.Id)."),
            Property("Text", "text", "What the note says."),
        ],
    ))

Each property names a model field path (``ilr__learner_id`` reaches through a foreign key);
its EDM type, length, precision and nullability come from the model field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet

from users.models import User

# The permission that shows special-category data (NI number, ULN, date of birth, ethnicity,
# LLDD and health); without it such properties are null and cannot be filtered or sorted on.
SENSITIVE_PERMISSION = "users.view_sensitive_data"

EDM_INT64 = "Edm.Int64"
EDM_INT32 = "Edm.Int32"
EDM_STRING = "Edm.String"
EDM_BOOLEAN = "Edm.Boolean"
EDM_DATE = "Edm.Date"
EDM_DATETIME = "Edm.DateTimeOffset"
EDM_DECIMAL = "Edm.Decimal"

_INTEGER_TYPES = {
    "BigAutoField": EDM_INT64,
    "BigIntegerField": EDM_INT64,
    "PositiveBigIntegerField": EDM_INT64,
    "AutoField": EDM_INT32,
    "IntegerField": EDM_INT32,
    "PositiveIntegerField": EDM_INT32,
    "SmallIntegerField": EDM_INT32,
    "PositiveSmallIntegerField": EDM_INT32,
    "SmallAutoField": EDM_INT32,
}

EXAMPLES = {
    EDM_INT64: "1042",
    EDM_INT32: "3",
    EDM_STRING: "Text",
    EDM_BOOLEAN: "true",
    EDM_DATE: "2026-09-01",
    EDM_DATETIME: "2026-09-01T09:30:00Z",
    EDM_DECIMAL: "37.5",
}


@dataclass(frozen=True)
class Property:
    """One property of an entity set: its OData name, the model field path it reads, and what
    it means (the dictionary's description). ``sensitive`` properties are special-category
    data, shown only to holders of users.view_sensitive_data. ``example`` overrides the
    dictionary's example value, which otherwise comes from the type."""

    name: str
    path: str
    description: str
    sensitive: bool = False
    example: str = ""
    # Only for a code list's properties, which have no model field to read the type from.
    edm_type: str = ""
    max_length: int | None = None


@dataclass
class Column:
    """A property resolved against its model: its EDM type and facets, and how a stored value
    becomes a JSON value."""

    prop: Property
    edm_type: str
    nullable: bool
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    is_json: bool = False

    @property
    def name(self) -> str:
        return self.prop.name

    @property
    def path(self) -> str:
        return self.prop.path

    @property
    def example(self) -> str:
        return self.prop.example or EXAMPLES[self.edm_type]

    @property
    def converter(self) -> Callable[[Any], Any] | None:
        """How a stored value (never None) becomes its JSON value; None when it already is
        one (numbers, text, booleans), which saves a call per value on a million rows."""
        if self.is_json:
            return _json_text
        if self.edm_type == EDM_DATE:
            return _date
        if self.edm_type == EDM_DATETIME:
            return _datetime
        if self.edm_type == EDM_DECIMAL:
            # A JSON number, as OData's JSON format writes Edm.Decimal unless the client asks
            # for IEEE754Compatible strings; the precisions here fit a double exactly.
            return float
        return None

    def to_json(self, value: Any) -> Any:
        convert = self.converter
        return value if value is None or convert is None else convert(value)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _date(value) -> str:
    return value.isoformat()


def _datetime(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


Rows = Callable[[User], QuerySet]


@dataclass
class EntitySet:
    """One entity set: its name (plural, PascalCase), the model it reads, the rows a viewer may
    see (``rows(viewer)``, already limited to the viewer's scope) and its properties. The key is
    the property named ``key`` (default ``Id``), which must read the model's primary key."""

    name: str
    model: type[models.Model] | None
    description: str
    rows: Rows | None
    properties: Sequence[Property]
    key: str = "Id"
    # A code list (a fixed list of codes and their meanings, such as the ILR withdrawal
    # reasons) has no model: ``items()`` gives its rows as dicts keyed by property name.
    items: Callable[[], list[dict]] | None = None
    columns: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.items is not None:
            self.columns = {
                p.name: Column(p, p.edm_type, False, max_length=p.max_length)
                for p in self.properties
            }
        else:
            self.columns = {p.name: _resolve(self.model, p) for p in self.properties}
        if self.key not in self.columns:
            raise ValueError(f"{self.name}: the key {self.key!r} is not one of the properties.")
        if self.items is None and self.columns[self.key].path not in (
            "id",
            "pk",
            self.model._meta.pk.attname,
        ):
            raise ValueError(f"{self.name}: the key must read the primary key.")

    @property
    def is_code_list(self) -> bool:
        return self.items is not None

    @property
    def entity_type(self) -> str:
        """The entity type's name: the set's name in the singular (Users → User)."""
        return _singular(self.name)

    @property
    def key_column(self) -> Column:
        return self.columns[self.key]


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("ses"):
        return name[:-2]
    if name.endswith("s"):
        return name[:-1]
    return name


def _field_at(model: type[models.Model], path: str) -> tuple[models.Field, bool]:
    """The model field at the end of ``path`` and whether a NULL can come back along it (a
    nullable field, or a nullable foreign key on the way)."""
    parts = path.split("__")
    nullable = False
    for part in parts[:-1]:
        relation = model._meta.get_field(part)
        nullable = nullable or relation.null
        model = relation.related_model
    last = parts[-1]
    if last == "pk":
        last = model._meta.pk.name
    try:
        found = model._meta.get_field(last)
    except Exception:
        # A foreign key's column name (learner_id) names the foreign key.
        found = next(f for f in model._meta.concrete_fields if f.attname == last)
    return found, nullable or found.null


def _resolve(model: type[models.Model], prop: Property) -> Column:
    found, nullable = _field_at(model, prop.path)
    if found.is_relation:
        found = found.target_field
    kind = found.get_internal_type()
    if kind in _INTEGER_TYPES:
        return Column(prop, _INTEGER_TYPES[kind], nullable)
    if kind in ("CharField", "TextField", "EmailField", "SlugField", "URLField"):
        return Column(prop, EDM_STRING, nullable, max_length=found.max_length)
    if kind == "BooleanField":
        return Column(prop, EDM_BOOLEAN, nullable)
    if kind == "DateField":
        return Column(prop, EDM_DATE, nullable)
    if kind == "DateTimeField":
        return Column(prop, EDM_DATETIME, nullable)
    if kind == "DecimalField":
        return Column(
            prop, EDM_DECIMAL, nullable, precision=found.max_digits, scale=found.decimal_places
        )
    if kind == "JSONField":
        return Column(prop, EDM_STRING, nullable, is_json=True)
    raise ValueError(f"{model.__name__}.{prop.path}: a {kind} has no OData type here.")


ENTITY_SETS: dict[str, EntitySet] = {}


def register(entity_set: EntitySet) -> EntitySet:
    ENTITY_SETS[entity_set.name] = entity_set
    return entity_set


def entity_sets() -> list[EntitySet]:
    return sorted(ENTITY_SETS.values(), key=lambda s: s.name)


def may_see_sensitive(viewer: User) -> bool:
    return viewer.has_perm(SENSITIVE_PERMISSION)


def learners_of(viewer: User) -> QuerySet:
    """The users ``viewer`` may see, as a subquery for learner-owned rows."""
    return User.objects.visible_to(viewer).values("pk")
