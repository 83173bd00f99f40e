"""A user's audit trail: which entries belong to it, and how each one is shown.

The page, its CSV export and the profile section all read entries through ``trail_for`` and
turn them into plain rows through ``present``, so the three agree on wording and on masking.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from .models import AuditEntry

MASK = "•••• (hidden)"
SENSITIVE_FIELDS = frozenset({"ni_number", "uln", "date_of_birth"})
SENSITIVE_PARTS = ("ethnicity", "disab", "lldd")
SENSITIVE_PERMISSION = "users.view_sensitive_data"

ACTION_LABELS = {
    AuditEntry.Action.CREATE: "created",
    AuditEntry.Action.UPDATE: "updated",
    AuditEntry.Action.DELETE: "deleted",
    AuditEntry.Action.ACCESS: "access",
}
M2M_OPERATIONS = {"add": "added", "delete": "removed", "remove": "removed", "clear": "cleared"}
EMPTY = "\u2013"  # an en dash


def trail_for(subject: AbstractBaseUser) -> QuerySet:
    """Every entry of ``subject``'s trail, newest first, with actor and kind fetched alongside.

    A learner's trail is everything linked to them (their own record and every record they own)
    through the indexed ``learner`` column; anyone else's is the entries about their own record.
    """
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if subject.is_learner:
        entries = entries.filter(learner_id=subject.pk)
    else:
        entries = entries.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
    return entries.order_by("-timestamp", "-pk")


def is_sensitive(field_name: str) -> bool:
    name = field_name.lower()
    return name in SENSITIVE_FIELDS or any(part in name for part in SENSITIVE_PARTS)


def kind_label(content_type: ContentType) -> str:
    """The record's kind as its model's verbose name ("user", "enrolment")."""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


def action_label(entry: AuditEntry) -> str:
    return ACTION_LABELS.get(entry.action, str(entry.action))


def actor_label(entry: AuditEntry) -> str:
    # The actor is fetched by select_related; a deleted actor comes back as None.
    if entry.actor is not None:
        return entry.actor.full_name
    return entry.actor_email or "System"


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    # For many-to-many changes: "added", "removed" or "cleared" and the objects concerned.
    operation: str = ""
    objects: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        if self.operation:
            return f"{self.label}: {self.operation} {', '.join(self.objects) or EMPTY}"
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class Row:
    entry: AuditEntry
    when: str
    who: str
    record: str
    kind: str
    action: str
    changes: list[Change]
    reason: str
    ip: str


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_reverse(model_field) -> bool:
    # auditlog lists reverse relations (a learner's notes, say) on a create, with placeholder
    # values such as "crm.Note.None": they say nothing about the record, so they are left out.
    return isinstance(model_field, models.ForeignObjectRel)


def _label(model_field, name: str) -> str:
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return capfirst(str(model_field.verbose_name))
    return capfirst(name.replace("_", " "))


def _is_fk(model_field) -> bool:
    return isinstance(model_field, models.ForeignKey)


def _format_value(model_field, value, related: dict) -> str:
    """One stored value (auditlog keeps them as strings, "None" for null) in display form."""
    if value is None or value == "None" or value == "":
        return EMPTY
    if model_field is None:
        return str(value)
    if _is_fk(model_field):
        key = _related_key(model_field, value)
        found = related.get(model_field.related_model, {}).get(key)
        return str(found) if found is not None else f"#{value}"
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return {"True": "Yes", "False": "No"}.get(str(value), str(value))
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_naive(moment):
            # auditlog stores date-times as naive UTC.
            moment = moment.replace(tzinfo=datetime.UTC)
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    if isinstance(model_field, models.DateField):
        try:
            return datetime.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def _related_key(model_field, value):
    try:
        return model_field.related_model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _related_objects(entries: list[AuditEntry]) -> dict:
    """The records that foreign-key changes on these entries point at, in one query per kind of
    record (so a page costs at most one query per related model, however many entries it has)."""
    wanted: dict = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            model_field = _model_field(model, name)
            if not _is_fk(model_field) or isinstance(values, dict) or is_sensitive(name):
                continue
            for value in values:
                if value not in (None, "None", ""):
                    key = _related_key(model_field, value)
                    if key is not None:
                        wanted[model_field.related_model].add(key)
    return {
        model: model._base_manager.in_bulk(sorted(keys)) for model, keys in wanted.items() if keys
    }


def _changes(entry: AuditEntry, may_see_sensitive: bool, related: dict) -> list[Change]:
    model = entry.content_type.model_class()
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        model_field = _model_field(model, name)
        if _is_reverse(model_field):
            continue
        label = _label(model_field, name)
        if isinstance(values, dict) and values.get("type") == "m2m":
            operation = M2M_OPERATIONS.get(values.get("operation", ""), values.get("operation"))
            objects = [str(o) for o in values.get("objects", [])]
            if is_sensitive(name) and not may_see_sensitive:
                objects = [MASK]
            changes.append(Change(label, operation=operation, objects=objects))
            continue
        old, new = [*values, None, None][:2]
        shown = (
            _format_value(model_field, old, related),
            _format_value(model_field, new, related),
        )
        # A create lists every field; the ones left empty say nothing.
        if shown == (EMPTY, EMPTY):
            continue
        if is_sensitive(name) and not may_see_sensitive:
            # Mask what was there, but let an empty side still read as empty.
            shown = tuple(EMPTY if value == EMPTY else MASK for value in shown)
        changes.append(Change(label, *shown))
    return changes


def present(entries: list[AuditEntry], viewer: AbstractBaseUser) -> list[Row]:
    """Display rows for ``entries``, with sensitive values masked unless the viewer may see them."""
    may_see_sensitive = viewer.has_perm(SENSITIVE_PERMISSION)
    related = _related_objects(entries)
    rows = []
    for entry in entries:
        reason = (entry.additional_data or {}).get("reason", "")
        rows.append(
            Row(
                entry=entry,
                when=timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M"),
                who=actor_label(entry),
                record=entry.object_repr,
                kind=kind_label(entry.content_type),
                action=action_label(entry),
                changes=_changes(entry, may_see_sensitive, related),
                reason=str(reason) if reason else "",
                ip=entry.remote_addr or "",
            )
        )
    return rows


def field_labels(entry: AuditEntry) -> list[str]:
    """The changed fields' names only, for the profile summary (no values, so nothing to mask
    and no related records to fetch)."""
    model = entry.content_type.model_class()
    fields = ((_model_field(model, name), name) for name in (entry.changes_dict or {}))
    return [_label(f, name) for f, name in fields if not _is_reverse(f)]
