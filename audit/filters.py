import datetime
from collections import defaultdict

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from aptem.validators import sensible_date
from aptem.widgets import DateInput

from .trail import section_label

SYSTEM = "system"


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                f"The end date must be on or after the start date, {start:%d/%m/%Y}.",
            )
        return cleaned


def _day_filter(label: str, method: str, help_text: str) -> django_filters.DateFilter:
    """One end of the date range: a date picker that refuses dates no trail can hold."""
    return django_filters.DateFilter(
        label=label,
        method=method,
        widget=DateInput(),
        help_text=help_text,
        validators=[sensible_date],
    )


class AuditFilter(django_filters.FilterSet):
    """Filters for one user's trail. Actor and section choices are the ones present in the trail
    (one query each), so the page's query count does not depend on its data."""

    date_from = _day_filter("From", "filter_from", "dd/mm/yyyy")
    date_to = _day_filter("To", "filter_to", "dd/mm/yyyy, inclusive")
    actor = django_filters.ChoiceFilter(label="Who", method="filter_actor", empty_label="Anyone")
    # The profile's section names ("Programme", "Notes"): one may span several kinds of record.
    section = django_filters.ChoiceFilter(
        label="Section", method="filter_section", empty_label="All sections"
    )

    class Meta:
        form = AuditFilterForm
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        trail = queryset.order_by()
        actors: dict[str, str] = {}
        for actor_id, first, last, email in trail.values_list(
            "actor_id", "actor__first_name", "actor__last_name", "actor_email"
        ).distinct():
            key = str(actor_id) if actor_id is not None else SYSTEM
            if first is not None:
                actors[key] = f"{first} {last}".strip()
            else:
                actors.setdefault(key, email or "System")
        self.filters["actor"].extra["choices"] = sorted(
            actors.items(), key=lambda item: (item[0] == SYSTEM, item[1].lower())
        )
        self._sections: dict[str, list[int]] = defaultdict(list)
        for pk in trail.values_list("content_type_id", flat=True).distinct():
            self._sections[section_label(ContentType.objects.get_for_id(pk))].append(pk)
        self.filters["section"].extra["choices"] = [(name, name) for name in sorted(self._sections)]

    @staticmethod
    def _day_start(day: datetime.date) -> datetime.datetime:
        # Days are UK days: a change at 00:30 BST on 1 June belongs to 1 June.
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def filter_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(timestamp__gte=self._day_start(value))

    def filter_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(timestamp__lt=self._day_start(value + datetime.timedelta(days=1)))

    def filter_section(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(content_type_id__in=self._sections.get(value, []))

    def filter_actor(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value == SYSTEM:
            return queryset.filter(actor_id__isnull=True)
        return queryset.filter(actor_id=int(value))
