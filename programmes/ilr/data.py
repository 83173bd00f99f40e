"""One learner's ILR as plain values keyed by ILR element names.

``learner_values(ilr)`` is what the rule engine (``rules.check_learner``) reads and what the XML
export writes, so both see exactly the same data. Use ``with_ilr_children(queryset)`` first: it
prefetches every child entity, so turning any number of learners into values costs a fixed
number of queries.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch

from .models import IlrLearner, LearnerEmploymentStatus, LearningDelivery

# Every relation learner_values() follows, for prefetch_related.
ILR_PREFETCH = (
    "prior_attainments",
    "lldd_health_problems",
    "learner_fams",
    "provider_monitorings",
    Prefetch(
        "employment_statuses",
        queryset=LearnerEmploymentStatus.objects.prefetch_related("monitorings"),
    ),
    Prefetch(
        "deliveries",
        queryset=LearningDelivery.objects.select_related("delivery_he").prefetch_related(
            "fams", "work_placements", "app_fin_records", "provider_monitorings"
        ),
    ),
)


def with_ilr_children(queryset: models.QuerySet[IlrLearner]) -> models.QuerySet[IlrLearner]:
    # LearnerHE is one-to-one: a join, not a query, but its financial support is a list.
    return queryset.select_related("learner_he").prefetch_related(
        *ILR_PREFETCH, "learner_he__financial_supports"
    )


def _blank(value) -> bool:
    return value is None or value == "" or value is False


def record_values(record: models.Model) -> dict:
    """A record's own elements (not its children), blanks left out."""
    values = {}
    for element, field in record.ILR_ELEMENTS:
        value = getattr(record, field)
        if not _blank(value):
            values[element] = 1 if value is True else value
    return values


def _related(record: models.Model, related_name: str, single: bool):
    if single:
        try:
            return getattr(record, related_name)
        except models.ObjectDoesNotExist:
            return None
    return list(getattr(record, related_name).all())


def tree_values(record: models.Model) -> dict:
    """A record's elements followed by its children's, recursively, in schema order.

    A repeated child is a list under its element name; a single one (LearnerHE,
    LearningDeliveryHE) is a dict, or absent.
    """
    values = record_values(record)
    for element, related_name, single in getattr(record, "ILR_CHILDREN", ()):
        related = _related(record, related_name, single)
        if single:
            if related is not None:
                values[element] = tree_values(related)
        elif related:
            values[element] = [tree_values(child) for child in related]
    return values


def learner_values(ilr: IlrLearner) -> dict:
    """The learner's ILR for ``rules.check_learner`` and the XML export."""
    return tree_values(ilr)


def _child_model(model: type[models.Model], related_name: str) -> tuple[type[models.Model], str]:
    """The child model behind ``related_name`` and the name of its foreign key to ``model``."""
    relation = model._meta.get_field(related_name)
    return relation.related_model, relation.field.name


def build_tree(
    model: type[models.Model], values: dict, *, path: str = "", **parent
) -> tuple[models.Model, list[tuple[str, str, list[dict]]], dict[str, list[str]]]:
    """An unsaved record from ILR values (strings as read from XML, or Python values).

    Returns the record; its children still as values, as (related name, element name, list of
    values) for each child element present; and the validation errors keyed by element path
    (``LearningDelivery[2]/AFinAmount``). Values are converted
    with each field's own ``to_python`` and checked with ``full_clean``, so the schema limits
    on the models apply to imported data exactly as to typed data.
    """
    errors: dict[str, list[str]] = {}
    record = model(**parent)
    field_of = dict(model.ILR_ELEMENTS)
    for element, value in values.items():
        if element not in field_of:
            continue
        field = model._meta.get_field(field_of[element])
        try:
            converted = field.to_python(value)
        except ValidationError as error:
            errors.setdefault(f"{path}{element}", []).extend(error.messages)
            continue
        if converted is None and not field.null:
            converted = "" if isinstance(field, models.CharField) else converted
        setattr(record, field.attname, converted)
    exclude = list(parent) + [f"{name}_id" for name in parent]
    exclude += [f.name for f in model._meta.fields if f.name not in field_of.values()]
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        element_of = {field: element for element, field in model.ILR_ELEMENTS}
        for field, messages in error.message_dict.items():
            errors.setdefault(f"{path}{element_of.get(field, field)}", []).extend(messages)
    children = []
    for element, related_name, single in getattr(model, "ILR_CHILDREN", ()):
        items = values.get(element)
        if items is None:
            continue
        items = [items] if single or isinstance(items, dict) else items
        children.append((related_name, element, items))
    return record, children, errors


def save_tree(model: type[models.Model], values: dict, *, path: str = "", **parent):
    """Validate and save a record and all its children; raise ``ValidationError`` with every
    problem (keyed by element path) and save nothing if any part is invalid.

    Call inside a transaction: children are saved as their parents get primary keys.
    """
    errors: dict[str, list[str]] = {}
    record = _save(model, values, path, parent, errors)
    if errors:
        raise ValidationError(errors)
    return record


def _save(model, values, path, parent, errors):
    record, children, record_errors = build_tree(model, values, path=path, **parent)
    errors.update(record_errors)
    if record_errors:
        return record
    record.save()
    for related_name, element, items in children:
        child_model, fk_name = _child_model(model, related_name)
        for position, item in enumerate(items, start=1):
            _save(child_model, item, f"{path}{element}[{position}]/", {fk_name: record}, errors)
    return record
