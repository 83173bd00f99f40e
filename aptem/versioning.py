"""Edits that never get lost (DESIGN.md §8): the one edit-conflict machinery.

A versioned record carries a ``version`` bumped by every edit; each form carries the version it
was opened on; a save based on an older version is refused with ``EditConflict``, naming who
changed what since, and the view shows the refused form again with ``refuse_stale``: what was
typed, now based on the current version, the one message, and the changes
(``components/_conflict.html``). Saving again is then a deliberate overwrite.

An edit view runs its service call through ``save_unless_stale``, which gives back the form to
show (the refused one when stale), the conflict and the service's result; the view then either
says what was saved and redirects, or renders with ``conflict_status(conflict)``. Its docstring
shows the pattern a new edit view copies. An action posted from a list or summary page has no
form: it runs its service call through ``act_unless_stale`` and, when stale, shows that page
again with the conflict. A view whose refused form is built from the conflict's record, or
whose service refuses in other ways too, catches ``EditConflict`` itself and calls
``refuse_stale`` or ``refuse_stale_action`` directly.

Most service calls take the record and data plus the form's version and the viewer as actor:
``update_unless_stale`` and ``act_on_posted_version`` pass those two the one way, given the
service function with the rest already bound (``functools.partial``).

This module sits below ``audit`` and ``users`` and imports neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from auditlog import get_logentry_model
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models

CONFLICT_MESSAGE = (
    "Someone else saved this {what} after you opened the form, so your changes were not saved. "
    "Their changes are listed below; check your entries and save again to keep yours."
)
# The HTTP status of a refused stale save: the page is shown again, but nothing was saved.
CONFLICT_STATUS = 409
# How many of a record's latest audit entries are searched for the changes since a version.
RECENT_ENTRIES = 50


def audit_entries_since(record: models.Model, version: int) -> list:
    """The audit entries of ``record`` written after it was saved as ``version``, oldest first.

    Read through auditlog's swappable entry model (the configured AUDITLOG_LOGENTRY_MODEL, as
    get_user_model() is for users) rather than ``audit``'s own, which sits above this module;
    ``Versioned.get_additional_data`` puts the version into every entry.
    """
    entries = (
        get_logentry_model()
        .objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:RECENT_ENTRIES]
    )
    later = [e for e in entries if (e.additional_data or {}).get("version", 0) > version]
    return list(reversed(later))


class Versioned(models.Model):
    """A record edited through forms: every edit bumps ``version``, auditlog stores it with
    each entry, and a form opened on an older version is refused with who changed what since."""

    # Bumped by every edit through the portal; a form based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        # auditlog stores this with each entry: it tells a stale form what changed since.
        return {"version": self.version}

    def changes_since(self, version: int) -> list:
        """Who changed what after ``version`` was saved. A hook on the record rather than an
        argument of each stale check, so a record edited together with its children (an ILR)
        lists the children's changes on every page that checks it, not just some."""
        return audit_entries_since(self, version)


class EditConflict(Exception):
    """The record changed after the form was opened; ``changes`` says who changed what."""

    def __init__(self, record: Versioned, changes: list):
        super().__init__("The record was changed by someone else.")
        self.record = record
        self.current_version = record.version
        self.changes = changes


def lock_unless_stale(record: Versioned, based_on_version: int) -> Versioned:
    """``record``'s current row, locked until the transaction ends, unless someone saved it
    after ``based_on_version``: then ``EditConflict`` with who changed what since."""
    current = type(record).objects.select_for_update().get(pk=record.pk)
    if current.version != based_on_version:
        raise EditConflict(current, current.changes_since(based_on_version))
    return current


def versioned_update(record: Versioned, data: dict, based_on_version: int) -> Versioned:
    """Apply ``data`` (field name -> value) to ``record``'s locked current row and bump its
    version, unless it changed since ``based_on_version``. An edit that changes nothing is not
    a new version, so no later form is refused over it. Call inside a transaction."""
    current = lock_unless_stale(record, based_on_version)
    changed = [name for name, value in data.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, data[name])
    current.version += 1
    current.save()
    return current


def save_as_new_version(
    record: Versioned, values: dict, *, reason: str | None = None, only_values: bool = False
) -> Versioned:
    """Set ``values`` (field name -> value) on ``record``, a row this transaction has locked
    (``lock_unless_stale``), and save it as its next version even when no value changed: an
    action such as a status change is a version in its own right, where ``versioned_update``
    skips an edit that changes nothing. ``reason`` goes into the audit entry; ``only_values``
    writes just those fields and the version (no other column, not even an ``auto_now``)."""
    for name, value in values.items():
        setattr(record, name, value)
    record.version += 1
    if reason is not None:
        record.audit_reason = reason
    record.save(update_fields=[*values, "version"] if only_values else None)
    return record


class VersionField(forms.IntegerField):
    """The hidden version a form was opened on. Missing, garbled or negative reads as 0,
    "opened on no version", which every saved record refuses as stale: never a form error on
    a field nobody can see, never a 500."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> int:
        try:
            number = super().to_python(value)
        except forms.ValidationError:
            return 0
        return number if number is not None and number >= 0 else 0

    def validate(self, value) -> None:
        pass

    def run_validators(self, value) -> None:
        pass


class VersionForm(forms.Form):
    """A form that carries the version of the record it was opened on: on its own for a
    confirmation or decision page, or as the base of a form with fields of its own.
    ``version=`` says which version, when the record is not the form's own instance."""

    version = VersionField()

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["version"].initial = version
        # Locked forms disable their fields; the version must still be sent.
        self.fields["version"].disabled = False

    def based_on_version(self) -> int:
        if not self.is_bound:
            return 0
        self.is_valid()
        return self.cleaned_data.get("version") or 0


class VersionedForm(VersionForm, forms.ModelForm):
    """A model form on a versioned record: carries the instance's version when it edits one
    (a new record has no version to be stale against)."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        if version is None:
            if self.instance.pk is None:
                del self.fields["version"]
            else:
                self.fields["version"].initial = self.instance.version

    def changed_values(self) -> dict:
        """The model fields' cleaned values, for ``versioned_update``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


F = TypeVar("F", bound=forms.BaseForm)


def conflict_status(conflict: EditConflict | None) -> int:
    """The status of a page that may show a refused stale save."""
    return CONFLICT_STATUS if conflict else 200


def resubmit_data(form: forms.BaseForm, conflict: EditConflict):
    """What was typed into ``form``, now based on the version saved since."""
    data = form.data.copy()
    data[form.add_prefix("version")] = conflict.current_version
    return data


def refuse_stale(form: F, conflict: EditConflict, what: str, rebuild=None, **form_kwargs) -> F:
    """``form`` again after a save was refused as stale: everything typed, now based on the
    current version (so saving again is a deliberate overwrite), with the one message.

    The form is rebuilt on the record as it is now (its choices and checks may depend on it):
    ``form_kwargs`` are the form's own arguments, or ``rebuild(data)`` builds it. The page shows
    ``conflict`` with ``components/_conflict.html`` and answers ``CONFLICT_STATUS``.
    """
    data = resubmit_data(form, conflict)
    if rebuild is not None:
        refused = rebuild(data)
    else:
        if isinstance(form, forms.BaseModelForm) and "instance" not in form_kwargs:
            form_kwargs["instance"] = _current(form.instance, conflict)
        refused = type(form)(data, form.files or None, **form_kwargs)
    refused.is_valid()
    refused.add_error(None, CONFLICT_MESSAGE.format(what=what))
    return refused


class Saved(NamedTuple, Generic[F]):
    """What ``save_unless_stale`` gives back: the form to show (the refused one when the save
    was stale), the ``EditConflict`` (or None) and what the save returned (None when stale)."""

    form: F
    conflict: EditConflict | None
    result: Any

    @property
    def ok(self) -> bool:
        return self.conflict is None


def save_unless_stale(
    form: F, save: Callable[[], Any], what: str, rebuild=None, **form_kwargs
) -> Saved[F]:
    """Run ``save()`` (the service call); a stale save comes back refused instead of raising.

    THE pattern for an edit view on a versioned record::

        form = ThingForm(request.POST or None, instance=thing)
        conflict = None
        if request.method == "POST" and form.is_valid():
            saved = save_unless_stale(form, lambda: services.thing_update(...), "thing")
            if saved.ok:
                messages.success(request, f"Your changes to {thing} were saved.")
                return redirect(...)
            form, conflict = saved.form, saved.conflict
        context = {"form": form, ..., "conflict": conflict}
        return render(request, template, context, status=conflict_status(conflict))

    On ``EditConflict`` the form is ``refuse_stale(form, conflict, what, rebuild, **form_kwargs)``
    (what was typed, based on the current version, with the one message) and ``conflict.record``
    is the record as it is now. Other refusals of the service still raise, for the view to catch.
    """
    try:
        result = save()
    except EditConflict as exc:
        refused = refuse_stale(form, exc, what, rebuild=rebuild, **form_kwargs)
        return Saved(refused, exc, None)
    return Saved(form, None, result)


def _current(instance: models.Model, conflict: EditConflict) -> models.Model:
    # The form's instance holds the typed values by now; show the record as it is saved.
    if type(instance) is type(conflict.record) and instance.pk == conflict.record.pk:
        return conflict.record
    if instance.pk is None:
        return instance
    return type(instance)._default_manager.get(pk=instance.pk)


def refuse_stale_action(request, what: str) -> None:
    """An action posted from a list or summary page (Verify, an episode status) has no form
    of its own: the view shows that page again with ``conflict`` at ``CONFLICT_STATUS``, under
    the same message a refused form gets."""
    messages.error(request, CONFLICT_MESSAGE.format(what=what))


def act_unless_stale(request, save: Callable[[], Any], what: str) -> Saved[None]:
    """Run ``save()`` for an action posted from a list or summary page (Verify); when stale,
    the one message via ``refuse_stale_action`` and the conflict instead of raising.

    THE pattern for such an action::

        saved = act_unless_stale(request, lambda: services.thing_verify(...), "thing")
        if not saved.ok:
            return _thing_list_page(request, ..., conflict=saved.conflict)  # CONFLICT_STATUS
        messages.success(request, "The thing is verified.")
        return redirect(...)

    ``saved.form`` is always None: the action has no form to show again.
    """
    try:
        result = save()
    except EditConflict as exc:
        refuse_stale_action(request, what)
        return Saved(None, exc, None)
    return Saved(None, None, result)


def update_unless_stale(
    request, form: F, update: Callable[..., Any], what: str, **form_kwargs
) -> Saved[F]:
    """``save_unless_stale`` for the usual service call: ``update`` is the service function
    with its record and data already given (``functools.partial``); this passes what every such
    call passes the same way, the version ``form`` was opened on and the viewer as actor::

        saved = update_unless_stale(
            request, form, partial(services.thing_update, thing=thing, data=...), "thing"
        )
    """
    return save_unless_stale(
        form,
        lambda: update(based_on_version=form.based_on_version(), actor=request.user),
        what,
        **form_kwargs,
    )


def act_on_posted_version(request, update: Callable[..., Any], what: str) -> Saved[None]:
    """``act_unless_stale`` for the usual service call: ``update`` is the service function with
    its record already given; this passes the version the page posted and the viewer as actor."""
    return act_unless_stale(
        request,
        lambda: update(
            based_on_version=VersionForm(request.POST).based_on_version(), actor=request.user
        ),
        what,
    )
