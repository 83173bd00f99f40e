"""Form widgets every app uses, so a date field looks and behaves the same on every page."""

from django import forms

from .validators import EARLIEST_DATE, LATEST_DATE


class DateInput(forms.DateInput):
    """The browser's native date picker. It sends ISO dates; dd/mm/yyyy typed where there is no
    picker also works (DATE_INPUT_FORMATS)."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None, **kwargs):
        # The picker then offers only dates the server accepts (aptem.validators.sensible_date).
        attrs = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat(), **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d", **kwargs)
