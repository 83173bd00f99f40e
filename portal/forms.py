"""The top floor's own small forms (the Users search lives in filters.py)."""

from django import forms


class SectionStateForm(forms.Form):
    """Whether a profile section is to stay collapsed for the viewer."""

    collapsed = forms.TypedChoiceField(
        choices=[("1", "Collapsed"), ("0", "Open")],
        coerce=lambda value: value == "1",
        error_messages={
            "required": "Say whether the section is collapsed: collapsed=1 or collapsed=0.",
            "invalid_choice": "Send collapsed=1 to collapse the section or collapsed=0 to open it.",
        },
    )
