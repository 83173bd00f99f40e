"""Long forms in titled parts: a form declares its ``layout`` and one partial renders it.

A form with ``FieldsetsMixin`` lists its parts in order as ``layout = [(title, [field names]),
...]``; ``components/_fieldsets.html`` renders each part as a <fieldset> with a <legend>, after
an index of jump links to them (the one partial every long form uses; ``components/_form.html``
uses it for any form with a layout). Every visible field belongs to exactly one part:
tests/aptem/test_fieldsets.py checks every form with this mixin, and a field that is in no part
still shows, in a last "Other details" part, rather than vanish from the page.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from django import forms
from django.utils.text import slugify

LEFT_OVER_TITLE = "Other details"


@dataclass
class Fieldset:
    title: str
    fields: list[forms.BoundField] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The id of the part's <fieldset>, for the index's jump links."""
        return f"fieldset-{slugify(self.title)}"

    @property
    def error_count(self) -> int:
        return sum(1 for bound in self.fields if bound.errors)


class FieldsetsMixin:
    """A form laid out in titled parts (see the module docstring)."""

    # (title, field names) in the order the form shows them. A name the form drops for some
    # viewers (a choice they may not make) is skipped; a part left with no field is not shown.
    layout: ClassVar[Sequence[tuple[str, Sequence[str]]]] = ()
    # Visible fields the page shows elsewhere, outside the parts (a confirmation box above them).
    outside_fieldsets: ClassVar[Sequence[str]] = ()

    def unplaced_fields(self) -> list[str]:
        """Visible fields in no part of the layout: each is a field the layout forgot."""
        placed = {name for _, names in self.layout for name in names}
        return [
            name
            for name, form_field in self.fields.items()
            if not form_field.widget.is_hidden
            and name not in placed
            and name not in self.outside_fieldsets
        ]

    @property
    def fieldsets(self) -> list[Fieldset]:
        """The parts to show, each with its bound fields, in the layout's order."""
        parts = [
            Fieldset(title, [self[name] for name in names if name in self.fields])
            for title, names in self.layout
        ]
        left_over = self.unplaced_fields()
        if left_over:
            parts.append(Fieldset(LEFT_OVER_TITLE, [self[name] for name in left_over]))
        return [part for part in parts if part.fields]


def layout_problems(form: forms.BaseForm) -> list[str]:
    """What is wrong with a form's layout, in words for a failing test: a visible field in no
    part or in two, or a part naming a field the form class does not have."""
    problems = [f"{name} is in no part of the layout" for name in form.unplaced_fields()]
    seen: set[str] = set()
    for title, names in form.layout:
        for name in names:
            if name in seen:
                problems.append(f"{name} is in more than one part (again in {title!r})")
            seen.add(name)
            if name not in form.base_fields:
                problems.append(f"{title!r} names {name}, which is no field of the form")
    return problems
