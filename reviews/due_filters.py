"""The Reviews due page's rows and filters: the stored next due date (``ReviewDue``) of every
learner in the viewer's scope, so a page is one query however many learners there are."""

import datetime

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils import timezone

from aptem.validators import sensible_date
from aptem.widgets import DateInput
from programmes.models import Programme
from users.models import Group, User

from .due_models import ReviewDue
from .models import Review

# Sortable columns: key → the fields it orders by (the pk last keeps pages stable).
SORTS = {
    "learner": ("learner__last_name", "learner__first_name"),
    "programme": ("enrolment__programme__name",),
    "due": ("due_on",),
    "last_review": ("last_review_on",),
}
DEFAULT_SORT = "due"
# The "when" filter: key → (label, days ahead; None for overdue only).
WHEN = {
    "overdue": "Overdue",
    "14": "Due within 14 days",
    "30": "Due within 30 days",
}


def due_rows(viewer: User) -> QuerySet:
    """The Reviews due rows of the learners ``viewer`` may see."""
    return ReviewDue.objects.filter(
        learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER)
    ).select_related("learner", "learner__case_owner", "enrolment__programme")


def sort_key(value: str | None) -> str:
    """The ``?sort=`` value if it names a column (``-`` for descending), else the default."""
    value = value or DEFAULT_SORT
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def sorted_rows(rows: QuerySet, sort: str) -> QuerySet:
    """``rows`` in the order of ``sort``; rows with no due date (paused) come last either way."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    ordering = []
    for field in (*SORTS[key], "pk"):
        expression = F(field)
        ordering.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    return rows.order_by(*ordering)


class LearnerFilter(django_filters.FilterSet):
    """The filters the Reviews due page and the review data export share: the learner's group
    (and its sub-groups), case owner and programme."""

    group = django_filters.ChoiceFilter(
        label="Group", method="filter_group", empty_label="Any group"
    )
    case_owner = django_filters.ChoiceFilter(
        label="Case owner", method="filter_case_owner", empty_label="Any case owner"
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=Programme.objects.all(),
        field_name="enrolment__programme",
        empty_label="Any programme",
    )

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].extra["choices"] = [
            (g.pk, g.name) for g in Group.objects.visible_to(viewer)
        ]
        self.filters["case_owner"].extra["choices"] = [
            (u.pk, u.full_name)
            for u in User.objects.filter(user_type=User.Type.ADMINISTRATOR, caseload__isnull=False)
            .distinct()
            .order_by("last_name", "first_name")
        ]

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        groups = Group.objects.subtrees_of(Group.objects.filter(pk=value))
        return queryset.filter(learner__in=User.objects.filter(groups__in=groups))

    def filter_case_owner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(learner__case_owner_id=value)


class DueFilter(LearnerFilter):
    when = django_filters.ChoiceFilter(
        label="When", choices=list(WHEN.items()), method="filter_when", empty_label="All"
    )

    class Meta:
        model = ReviewDue
        fields: list[str] = []

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_when(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "overdue":
            return queryset.filter(due_on__lt=self.today)
        # Due from today to that many days ahead (the overdue have their own choice).
        ahead = self.today + datetime.timedelta(days=int(value))
        return queryset.filter(due_on__gte=self.today, due_on__lte=ahead)


class ReviewExportForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("held_from"), cleaned.get("held_to")
        if start and end and end < start:
            self.add_error(
                "held_to", f"The end date must be on or after the start date, {start:%d/%m/%Y}."
            )
        return cleaned


class ReviewExportFilter(LearnerFilter):
    """The portal-wide review data export: reviews held between two dates (either may be left
    empty), of learners matching the Reviews due page's filters."""

    held_from = django_filters.DateFilter(
        label="Held from",
        field_name="held_on",
        lookup_expr="gte",
        widget=DateInput(),
        help_text="dd/mm/yyyy",
        validators=[sensible_date],
    )
    held_to = django_filters.DateFilter(
        label="Held to",
        field_name="held_on",
        lookup_expr="lte",
        widget=DateInput(),
        help_text="dd/mm/yyyy, inclusive",
        validators=[sensible_date],
    )

    class Meta:
        model = Review
        form = ReviewExportForm
        fields: list[str] = []


def review_rows(viewer: User) -> QuerySet:
    """The reviews of the learners ``viewer`` may see."""
    return Review.objects.filter(
        learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER)
    )
