"""Parts the apps above programmes add to the Manage Programmes form, without programmes
importing them (compliance adds the compliance documents a programme requires).

A part gives the form extra fields for a programme and saves their values after the programme
is saved; it is registered from the app's ``AppConfig.ready``.
"""

from typing import Protocol

from django import forms

from users.models import User

from .models import Programme


class ProgrammeFormPart(Protocol):
    def fields(self, programme: Programme | None) -> dict[str, forms.Field]: ...

    def save(self, programme: Programme, cleaned_data: dict, *, actor: User) -> None:
        raise NotImplementedError(actor)


_parts: list[ProgrammeFormPart] = []


def add_programme_form_part(part: ProgrammeFormPart) -> None:
    """Register ``part``; registering it again (a second ``ready()``) changes nothing."""
    if part not in _parts:
        _parts.append(part)


def programme_form_parts() -> list[ProgrammeFormPart]:
    return list(_parts)
