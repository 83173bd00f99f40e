"""The form that makes a personal API token for the reporting feed."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from aptem.widgets import DateInput

from .models import ApiToken
from .odata.tokens import MAX_DAYS


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires_on"]
        labels = {"name": "Token name", "expires_on": "Expires on"}
        help_texts = {
            "name": "What the token is for, such as “Power BI monthly report”.",
            "expires_on": f"The last day the token works: at most {MAX_DAYS} days from today.",
        }
        widgets = {"expires_on": DateInput()}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token.")
        return name

    def clean_expires_on(self) -> datetime.date:
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on < today:
            raise forms.ValidationError("The expiry date is in the past: choose today or later.")
        latest = today + datetime.timedelta(days=MAX_DAYS)
        if expires_on > latest:
            raise forms.ValidationError(
                f"A token lasts at most a year: choose {latest:%d/%m/%Y} or earlier."
            )
        return expires_on
