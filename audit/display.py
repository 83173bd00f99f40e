"""How the audit trail names and shows each audited model: its profile section, the fields
that are bookkeeping rather than something a person entered, and the labels of the keys inside
its structured (JSON) fields.

Each app says so for its own models in its ``audit_registry.py``, beside registering them with
auditlog; this module only keeps the answers, so it imports no app. The hidden fields are left
out of the page and the profile summary only: the CSV export keeps every field.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

# Bookkeeping every model may carry: keys, version counters, file storage details, secrets, the
# creation stamp (the entry already says who created the record and when) and the learner link
# (the trail is the learner's own, so it would repeat their name on every record).
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "pk",
        "version",
        "sha256",
        "storage_name",
        "is_superuser",
        "password",
        "created_at",
        "created_by",
        "updated_at",
        "learner",
    }
)
# Raw foreign-key columns ("learner_id"): the relation, where shown, is shown by its name.
HIDDEN_SUFFIXES = ("_id",)


@dataclass(frozen=True)
class StructuredField:
    """The labels of the keys inside one JSON field, and the labels of coded values, as the
    form that fills it shows them."""

    labels: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Display:
    # The profile section the record is edited in ("Programme", "Notes"); empty when none.
    section: str = ""
    hidden: frozenset[str] = frozenset()
    structured: Mapping[str, StructuredField] = field(default_factory=dict)


_DISPLAYS: dict[type[models.Model], Display] = {}
NO_DISPLAY = Display()


def describe(
    *models_: type[models.Model],
    section: str = "",
    hidden: Iterable[str] = (),
    structured: Mapping[str, StructuredField] | None = None,
) -> None:
    """Say how the trail shows ``models_``: called from each app's ``audit_registry.py``."""
    display = Display(section=section, hidden=frozenset(hidden), structured=structured or {})
    for model in models_:
        _DISPLAYS[model] = display


def display_for(model: type[models.Model] | None) -> Display:
    return _DISPLAYS.get(model, NO_DISPLAY) if model is not None else NO_DISPLAY


def is_hidden(model: type[models.Model] | None, name: str) -> bool:
    """Whether a field is bookkeeping, left out of the page (never out of the CSV export)."""
    return (
        name in HIDDEN_FIELDS or name.endswith(HIDDEN_SUFFIXES) or name in display_for(model).hidden
    )
