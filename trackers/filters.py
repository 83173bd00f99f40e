"""The filters of a learner's Trackers page and of the portal-wide Trackers page; every choice
is a GET parameter, so a filtered list is a link that can be shared."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from aptem.sorting import Sorting
from aptem.validators import sensible_date
from aptem.widgets import DateInput
from users.models import Group, User

from .models import Tracker, TrackerType

# Newest first unless a column header says otherwise.
SECTION_SORTING = Sorting(
    columns={
        "type": ("Type", ("tracker_type__name",)),
        "description": ("Description", ("description",)),
        "programme": ("Programme", ("enrolment__programme__name",)),
        "assignee": ("Assignee", ("assignee__last_name", "assignee__first_name")),
        "status": ("Status", ("status",)),
        "created": ("Raised", ("created_at",)),
    },
    default="-created",
)
PORTAL_SORTING = Sorting(
    columns={
        "learner": ("Learner", ("learner__last_name", "learner__first_name")),
        **SECTION_SORTING.columns,
    },
    default="-created",
)


class TrackerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Keyword", method="filter_keyword")
    tracker_type = django_filters.ModelChoiceFilter(
        label="Type", queryset=TrackerType.objects.all(), empty_label="Any type"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Tracker.Status.choices, empty_label="Any status"
    )

    class Meta:
        model = Tracker
        fields: list[str] = []

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Words found in the description, the type, the programme or the assignee's name."""
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(description__icontains=word)
                | Q(tracker_type__name__icontains=word)
                | Q(enrolment__programme__name__icontains=word)
                | Q(assignee__last_name__icontains=word)
                | Q(assignee__first_name__icontains=word)
            )
        return queryset


class PortalTrackerForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("raised_from"), cleaned.get("raised_to")
        if start and end and end < start:
            self.add_error("raised_to", "The end date must be on or after the start date.")
        return cleaned


class PortalTrackerFilter(TrackerFilter):
    """The Trackers page: the section's filters and the group, assignee and raised-on dates."""

    group = django_filters.ChoiceFilter(
        label="Group", method="filter_group", empty_label="Any group"
    )
    assignee = django_filters.ChoiceFilter(
        label="Assignee", method="filter_assignee", empty_label="Anyone"
    )
    raised_from = django_filters.DateFilter(
        label="Raised from",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=DateInput(),
        validators=[sensible_date],
    )
    raised_to = django_filters.DateFilter(
        label="Raised to",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=DateInput(),
        validators=[sensible_date],
    )

    class Meta(TrackerFilter.Meta):
        form = PortalTrackerForm

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.filters["group"].extra["choices"] = [
            (g.pk, g.name) for g in Group.objects.visible_to(viewer)
        ]
        self.filters["assignee"].extra["choices"] = [
            ("me", "Assigned to me"),
            ("none", "Unassigned"),
        ] + [
            (u.pk, u.full_name)
            for u in User.objects.filter(
                user_type=User.Type.ADMINISTRATOR, assigned_trackers__isnull=False
            )
            .distinct()
            .order_by("last_name", "first_name")
        ]

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        groups = Group.objects.subtrees_of(Group.objects.filter(pk=value))
        return queryset.filter(learner__in=User.objects.filter(groups__in=groups))

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "me":
            return queryset.filter(assignee=self.viewer)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)
