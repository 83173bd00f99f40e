"""A user's audit trail: which entries belong to it, and how each one is shown.

The page, its CSV export and the profile section all read entries through ``trail_for`` and
turn them into plain rows through ``present``, so the three agree on wording and on masking.
"""

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from .display import StructuredField, display_for, is_hidden
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
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Entries without a correlation id (written outside a request and a service) belong to one save
# when the same actor wrote them for the same learner this close together.
SAME_SAVE = datetime.timedelta(seconds=1)


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


def section_label(content_type: ContentType) -> str:
    """The profile section the record is edited in ("Programme", "Notes"), as the profile names
    it; records outside any section fall back to their kind."""
    section = display_for(content_type.model_class()).section
    return section or capfirst(kind_label(content_type))


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
    # For a creation or a deletion: the one value the record had, shown without an arrow.
    value: str = ""

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
    section: str = ""
    # Every change, bookkeeping fields included, with old and new values: the CSV export's.
    all_changes: list[Change] = field(default_factory=list)


@dataclass
class Group:
    """The entries one save wrote (one request, or one service run): shown together."""

    rows: list[Row]

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def reasons(self) -> list[str]:
        return list(dict.fromkeys(row.reason for row in self.rows if row.reason))

    @property
    def ips(self) -> list[str]:
        return list(dict.fromkeys(row.ip for row in self.rows if row.ip))


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


def _changes(
    entry: AuditEntry, may_see_sensitive: bool, related: dict, *, everything: bool = False
) -> list[Change]:
    """The entry's changes, labelled and formatted. For the page (the default) bookkeeping
    fields are left out, structured fields are opened into their changed keys, and a creation or
    deletion lists the values the record had; ``everything`` keeps every field, old and new, for
    the CSV export."""
    model = entry.content_type.model_class()
    single = "" if everything else _single_side(entry)
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        model_field = _model_field(model, name)
        if _is_reverse(model_field) or (not everything and is_hidden(model, name)):
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
        structured = display_for(model).structured.get(name)
        if not everything and isinstance(model_field, models.JSONField):
            opened = _structured_changes(
                structured or StructuredField(), old, new, may_see_sensitive, single
            )
            if opened is not None:
                changes.extend(opened)
                continue
        shown = (
            _format_value(model_field, old, related),
            _format_value(model_field, new, related),
        )
        # A create lists every field; the ones left empty say nothing. A value that reads the
        # same before and after (a time re-stamped within the minute) says nothing either.
        if shown == (EMPTY, EMPTY) or (not everything and shown[0] == shown[1]):
            continue
        if is_sensitive(name) and not may_see_sensitive:
            # Mask what was there, but let an empty side still read as empty.
            shown = tuple(EMPTY if value == EMPTY else MASK for value in shown)
        change = _one_change(label, shown, single, model_field)
        if change is not None:
            changes.append(change)
    return changes


def _single_side(entry: AuditEntry) -> str:
    # A creation has only new values and a deletion only old ones: show that side alone. An
    # access event (a download, an export) records what happened as a "new" value.
    sides = {
        AuditEntry.Action.CREATE: "new",
        AuditEntry.Action.ACCESS: "new",
        AuditEntry.Action.DELETE: "old",
    }
    return sides.get(entry.action, "")


def _one_change(label: str, shown: tuple, single: str, model_field=None) -> Change | None:
    if not single:
        return Change(label, *shown)
    value = shown[1] if single == "new" else shown[0]
    # An empty field or an unticked box on a new record is the form's default, not an entry.
    if value == EMPTY or (isinstance(model_field, models.BooleanField) and value == "No"):
        return None
    return Change(label, *shown, value=value)


def _json(value):
    if value is None or value in ("None", ""):
        return {}
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


def _format_json_value(value, choices: Mapping[str, str] | None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_format_json_value(v, choices) for v in value)
    if choices and str(value) in choices:
        return str(choices[str(value)])
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _structured_changes(
    spec: StructuredField, old, new, may_see_sensitive: bool, single: str
) -> list[Change] | None:
    """A JSON field's changed keys as changes of their own, labelled as the form labels them;
    None when the values are not objects (then the field is shown as one value)."""
    before, after = _json(old), _json(new)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    keys = [k for k in spec.labels if k in before or k in after]
    keys += sorted(k for k in {*before, *after} if k not in spec.labels)
    changes = []
    for key in keys:
        if key in spec.hidden or is_hidden(None, key) or before.get(key) == after.get(key):
            continue
        choices = spec.choices.get(key)
        shown = (
            _format_json_value(before.get(key), choices),
            _format_json_value(after.get(key), choices),
        )
        if shown[0] == shown[1]:
            continue
        if is_sensitive(key) and not may_see_sensitive:
            shown = tuple(EMPTY if value == EMPTY else MASK for value in shown)
        label = spec.labels.get(key) or capfirst(key.replace("_", " "))
        change = _one_change(label, shown, single)
        if change is not None:
            changes.append(change)
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
                section=section_label(entry.content_type),
                all_changes=_changes(entry, may_see_sensitive, related, everything=True),
            )
        )
    return rows


def _same_save(entry: AuditEntry, first: AuditEntry) -> bool:
    if entry.cid or first.cid:
        return entry.cid == first.cid
    return (
        entry.actor_id == first.actor_id
        and entry.actor_email == first.actor_email
        and entry.learner_id == first.learner_id
        and abs(first.timestamp - entry.timestamp) <= SAME_SAVE
    )


def grouped(rows: list[Row]) -> list[Group]:
    """``rows`` (newest first) with the entries of one save together: the same correlation id
    (one request or one service run), or, for entries without one, the same actor within a
    second."""
    groups: list[Group] = []
    for row in rows:
        if groups and _same_save(row.entry, groups[-1].first.entry):
            groups[-1].rows.append(row)
        else:
            groups.append(Group([row]))
    return groups


def field_labels(entry: AuditEntry) -> list[str]:
    """The changed fields' names only, for the profile summary (no values, so nothing to mask
    and no related records to fetch)."""
    return list(dict.fromkeys(c.label for c in _changes(entry, False, {})))
