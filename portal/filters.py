import datetime

import django_filters
from django import forms
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import cached_property

from aptem.pagination import keyset_ordering
from aptem.validators import fold_for_search, normalise_ni_number
from programmes.lists import PROGRAMME_CHOICES
from programmes.models import Enrolment
from users.lists import CASE_OWNERS
from users.models import Group, User

EXPIRING = "EXPIRING"
EXPIRING_DAYS = 30

SORTS = {
    "name": ("last_name", "first_name"),
    "type": ("user_type",),
    "status": ("subscription_status",),
    "email": ("email",),
    # The columns themselves, not with_current_programme's names, so the sort uses their index.
    "programme": ("current_programme_name", "current_programme_status"),
    "case_owner": ("case_owner__last_name", "case_owner__first_name"),
    "reference": ("reference_number",),
    "created": ("created_at",),
}
PAGE_SIZES = (10, 25, 50, 100)
# pg_trgm's unit: a LIKE fragment shorter than this yields no trigram to look up.
TRIGRAM = 3
DEFAULT_PAGE_SIZE = 25


def with_current_programme(queryset: QuerySet) -> QuerySet:
    """Name each user's current programme and its status as the page shows them: the columns
    programmes keeps on the user row (programmes/current.py), so no subquery per row."""
    return queryset.annotate(
        programme_name=F("current_programme_name"),
        programme_status=F("current_programme_status"),
    )


class UserFilter(django_filters.FilterSet):
    """The Users page search. Every filter is a GET parameter, so a search is a shareable URL."""

    name = django_filters.CharFilter(
        label="User name",
        method="filter_name",
        help_text="Any part of the first, last or preferred name, in any order.",
    )
    # Groups, programme and case owner are plain choice filters whose choices come from the
    # cache (aptem/shared_lists.py; a tutor's groups from one query), so validating and
    # rendering the form costs no further queries. Groups are drawn as a tree of checkboxes
    # (aptem's tree_checkboxes tag), not a Ctrl-click select.
    groups = django_filters.MultipleChoiceFilter(
        label="Groups",
        method="filter_groups",
        widget=forms.CheckboxSelectMultiple,
        help_text="Each group ticked includes its sub-groups.",
    )
    email = django_filters.CharFilter(label="Email", method="filter_email")
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=[*User.Status.choices, (EXPIRING, f"Expiring within {EXPIRING_DAYS} days")],
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        help_text="With none ticked, Prospect, Invited and Full user are shown.",
    )
    user_type = django_filters.ChoiceFilter(
        label="Type", choices=User.Type.choices, empty_label="All types"
    )
    programme = django_filters.ChoiceFilter(
        label="Programme", method="filter_noop", empty_label="Any programme"
    )
    programme_status = django_filters.ChoiceFilter(
        label="Programme status",
        choices=Enrolment.Status.choices,
        method="filter_noop",
        empty_label="Any programme status",
    )
    ni_number = django_filters.CharFilter(label="NI number", method="filter_ni_number")
    case_owner = django_filters.ChoiceFilter(
        label="Case owner", field_name="case_owner_id", empty_label="Any case owner"
    )
    reference_number = django_filters.CharFilter(
        label="Reference number", field_name="reference_number", lookup_expr="istartswith"
    )

    class Meta:
        model = User
        fields: list[str] = []

    _form_class: type[forms.Form] | None = None

    def get_form_class(self) -> type[forms.Form]:
        # Made once, from the first search's filters: its fields are the same for every search
        # (the viewer's own choices go on each search's form, in __init__), and every form
        # still deep-copies them for itself, as Django forms do.
        cls = type(self)
        if cls.__dict__.get("_form_class") is None:  # a subclass has filters of its own
            cls._form_class = super().get_form_class()
        return cls._form_class

    def __init__(self, data=None, *args, viewer: User, **kwargs):
        # What the administrator asked for, before the default statuses are filled in: only
        # these are shown as removable active filters.
        self.requested = data.copy() if data is not None else None
        data = data.copy() if data is not None else None
        if data is not None and not data.getlist("status"):
            data.setlist("status", list(User.DEFAULT_LIST_STATUSES))
        super().__init__(data, *args, **kwargs)
        self.viewer = viewer
        # This viewer's choices go on the fields of the form made for this search, not on the
        # filters: the form is made by deep-copying the filters' fields, and copying these
        # lists was a good part of the page's time. Each list is read when first wanted (to
        # draw the search panel, or to check a value asked for), so the results alone, which
        # htmx asks for as the administrator searches, mostly read none of them.
        fields = self.form.fields
        fields["groups"].choices = lambda: [(g.pk, g.name) for g in self.visible_groups.values()]
        fields["programme"].choices = lambda: self.programme_choices
        fields["case_owner"].choices = lambda: self.case_owner_choices
        if not viewer.has_perm("users.supervise_admins"):
            fields["user_type"].choices = [
                c for c in User.Type.choices if c[0] != User.Type.ADMINISTRATOR
            ]

    @cached_property
    def visible_groups(self) -> dict[int, Group]:
        """The viewer's groups by pk, in path order, so the tree picker can nest each group
        under its parent."""
        return {g.pk: g for g in self.viewer.visible_groups()}

    @cached_property
    def programme_choices(self) -> list[tuple[int, str]]:
        return PROGRAMME_CHOICES.get()

    @cached_property
    def case_owner_choices(self) -> list[tuple[int, str]]:
        return CASE_OWNERS.get()

    def order_keys(self, sort: str) -> list[str]:
        """The fields of ``sort`` (a SORTS key, "-" for descending) and the pk, as ``order_by``
        takes them: the keys of the page cursors (aptem.pagination.paginate_capped)."""
        key, descending = sort.lstrip("-"), sort.startswith("-")
        return [f"-{field}" if descending else field for field in (*SORTS[key], "pk")]

    def sorted(self, sort: str) -> QuerySet:
        """The filtered users in the order of ``sort`` (a SORTS key, "-" for descending)."""
        ordering = keyset_ordering(self.order_keys(sort))
        if self.searches_by_trigram(sort):
            # Matches of a name search can cluster in name order ("smith"), so PostgreSQL's
            # guess that walking the name index finds 25 of them quickly can be badly wrong.
            # Sorting by an expression the index cannot supply makes it find the matches
            # through the trigram index and sort just those.
            for order in ordering[:-1]:
                order.set_source_expressions([Concat(order.expression, Value(""))])
        return self.qs.order_by(*ordering)

    def searches_by_trigram(self, sort: str) -> bool:
        """Whether this is a name search in name order with a word long enough for the trigram
        index: then every match is collected and sorted, whatever the page.

        pg_trgm draws no trigram from a word of one or two letters, so for "an" the trigram
        "plan" reads every row and sorts every match (226,458 at a million learners); walking
        the name index and keeping matching rows fills a page after a few hundred rows
        instead, since such short fragments match all through the alphabet.
        """
        if sort.lstrip("-") != "name":
            return False
        words = fold_for_search(self.form.cleaned_data.get("name") or "").split()
        return any(len(word) >= TRIGRAM for word in words)

    def filter_name(self, queryset, name, value):
        for word in fold_for_search(value).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    def filter_groups(self, queryset, name, value):
        if not value:
            return queryset
        chosen = {int(pk) for pk in value}
        roots = {g.pk for g in self.viewer.visible_group_roots()}
        if not self.viewer.has_perm("users.view_all_groups") and chosen >= roots:
            # Every group ticked is visible, so ticking all of the viewer's top groups asks for
            # exactly the scope visible_to has applied already. A second copy of that condition
            # would only make PostgreSQL think it twice as selective (a region: 6 % instead of
            # 25 %) and pick a plan for a narrow result.
            return queryset
        # Each user's scope_ids holds their groups and every ancestor (users/scope.py), so the
        # ticked groups' subtrees are one indexed condition on the user row, as in visible_to.
        return queryset.filter(scope_ids__overlap=sorted(chosen))

    def filter_email(self, queryset, name, value):
        return queryset.filter(email__contains=value.strip().lower())

    def filter_status(self, queryset, name, value):
        statuses = [v for v in value if v != EXPIRING]
        if statuses:
            queryset = queryset.filter(subscription_status__in=statuses)
        if EXPIRING in value:
            today = timezone.localdate()
            queryset = queryset.filter(
                subscription_end__gte=today,
                subscription_end__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
            )
        return queryset

    def filter_ni_number(self, queryset, name, value):
        return queryset.filter(ni_number__startswith=normalise_ni_number(value))

    def filter_noop(self, queryset, name, value):
        # Programme and programme status are applied together in filter_queryset, so both
        # conditions hold for the same current enrolment.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        programme = self.form.cleaned_data.get("programme")
        status = self.form.cleaned_data.get("programme_status")
        # Both on the one current programme the page shows, as two indexed columns.
        if programme:
            queryset = queryset.filter(current_programme_id=programme)
        if status:
            queryset = queryset.filter(current_programme_status=status)
        return queryset

    def active_filters(self) -> list[dict]:
        """Each chosen value with the query string that removes just that value."""
        if not self.is_bound or not self.form.is_valid():
            return []
        chips = []
        for name, field in self.form.fields.items():
            raw_values = [v for v in self.requested.getlist(name) if v]
            if not raw_values:
                continue
            labels = {str(k): str(v).strip() for k, v in getattr(field, "choices", [])}
            for raw in raw_values:
                remaining = self.requested.copy()
                remaining.setlist(name, [v for v in raw_values if v != raw])
                remaining.pop("page", None)
                remaining.pop("cursor", None)
                chips.append(
                    {
                        "label": field.label,
                        "value": labels.get(raw, raw),
                        "query": remaining.urlencode(),
                    }
                )
        return chips
