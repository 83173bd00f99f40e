"""The filters of a learner's Activities page and of the portal-wide Activities page. Every
choice is a GET parameter, so a filtered list (and its export) is a link that can be shared.

A day or a period is a London calendar day or run of days: the filter turns it into a range of
``occurred_at`` instants (midnight to midnight, Europe/London, whatever the clock change), so
the database compares the indexed column itself rather than a date computed from each row.
"""

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet

from aptem.sorting import Sorting
from aptem.validators import sensible_date
from aptem.widgets import DateInput
from users.models import Group, User

from .forms import london_datetime
from .models import CrmActivity

# Newest first unless a column header says otherwise.
SECTION_SORTING = Sorting(
    columns={
        "when": ("Date and time", ("occurred_at",)),
        "type": ("Type", ("activity_type",)),
        "subject": ("Subject", ("subject",)),
        "author": ("Author", ("created_by__last_name", "created_by__first_name")),
    },
    default="-when",
)
PORTAL_SORTING = Sorting(
    columns={
        "when": SECTION_SORTING.columns["when"],
        "learner": ("Learner", ("learner__last_name", "learner__first_name")),
        **{k: v for k, v in SECTION_SORTING.columns.items() if k != "when"},
    },
    default="-when",
)


def day_start(day: datetime.date) -> datetime.datetime:
    return london_datetime(day, datetime.time())


class ActivityFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("date_from"), cleaned.get("date_to")
        if day and (start or end):
            self.add_error("day", "Search by a day or by a period (from and to), not both.")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period must be on or after its start.")
        return cleaned


class ActivityFilter(django_filters.FilterSet):
    """A learner's activities: a day or a period, the type and the direction."""

    day = django_filters.DateFilter(
        label="On the day", method="filter_day", widget=DateInput(), validators=[sensible_date]
    )
    date_from = django_filters.DateFilter(
        label="From", method="filter_from", widget=DateInput(), validators=[sensible_date]
    )
    date_to = django_filters.DateFilter(
        label="To", method="filter_to", widget=DateInput(), validators=[sensible_date]
    )
    activity_type = django_filters.ChoiceFilter(
        label="Type", choices=CrmActivity.Type.choices, empty_label="Any type"
    )
    direction = django_filters.ChoiceFilter(
        label="Direction", choices=CrmActivity.Direction.choices, empty_label="Either direction"
    )

    class Meta:
        model = CrmActivity
        fields: list[str] = []
        form = ActivityFilterForm

    def filter_day(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(
            occurred_at__gte=day_start(value),
            occurred_at__lt=day_start(value + datetime.timedelta(days=1)),
        )

    def filter_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(occurred_at__gte=day_start(value))

    def filter_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        # Up to the end of the day: the next London midnight, exclusive.
        return queryset.filter(occurred_at__lt=day_start(value + datetime.timedelta(days=1)))

    def described(self) -> str:
        """The active filters in words, for an export's label: "on 01/12/2026, type Email"."""
        parts = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            shown = dict(getattr(field, "choices", [])).get(value, value)
            if hasattr(shown, "strftime"):
                shown = shown.strftime("%d/%m/%Y")
            parts.append(f"{field.label.lower()} {shown}")
        return ", ".join(parts) or "all"


class PortalActivityFilter(ActivityFilter):
    """The Activities page: the section's filters, the author and the learner's group."""

    author = django_filters.ChoiceFilter(
        label="Author",
        method="filter_author",
        choices=[("me", "Logged by me")],
        empty_label="Anyone",
    )
    group = django_filters.ChoiceFilter(
        label="Group", method="filter_group", empty_label="Any group"
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.filters["group"].extra["choices"] = [
            (g.pk, g.name) for g in Group.objects.visible_to(viewer)
        ]

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(created_by=self.viewer) if value == "me" else queryset

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        groups = Group.objects.subtrees_of(Group.objects.filter(pk=value))
        return queryset.filter(learner__in=User.objects.filter(groups__in=groups))
