"""The CRM activities CSV: one learner's (their Activities page) or every learner's in the
viewer's scope (the Activities page), for the page's current filters and sort.

Streamed through ``aptem.csv_export`` (formula-neutralised cells, the row count as the last
line); above settings.EXPORT_INLINE_MAX_ROWS a task writes the file, running the same search
again as its creator (reporting.tasks), so the creator's current scope and permissions apply.
"""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from aptem.csv_export import csv_date
from aptem.pagination import capped_count
from reporting.exports import ExportKind, ExportRefused, register
from users.access import uses_admin_pages
from users.models import User

from .filters import PORTAL_SORTING, SECTION_SORTING, ActivityFilter, PortalActivityFilter
from .models import CrmActivity
from .sections import activity_rows

PERMISSION = "users.export_data"
KIND = "crm_activities"
CHUNK = 1000

COLUMNS = [
    "Date and time",
    "Learner",
    "Reference",
    "Type",
    "Direction",
    "With",
    "Person",
    "Subject",
    "Notes",
    "Outcome",
    "Duration (minutes)",
    "Follow-up date",
    "Author",
]


def activity_export_rows(activities: Iterable[CrmActivity]) -> Iterator[list]:
    """The header, then one row per activity."""
    yield COLUMNS
    zone = timezone.get_current_timezone()
    for activity in activities:
        yield [
            f"{activity.occurred_at.astimezone(zone):%d/%m/%Y %H:%M}",
            activity.learner.full_name,
            activity.learner.reference_number,
            activity.get_activity_type_display(),
            activity.get_direction_display(),
            activity.get_with_whom_display(),
            activity.person_name,
            activity.subject,
            activity.notes,
            activity.outcome,
            "" if activity.duration_minutes is None else activity.duration_minutes,
            csv_date(activity.follow_up_on),
            activity.created_by.full_name if activity.created_by else "",
        ]


def search_activities(
    viewer: User, query: QueryDict, learner: User | None = None
) -> tuple[ActivityFilter, QuerySet]:
    """The filtered, sorted activities a list page shows and its export writes: ``learner``'s
    (their Activities page) or, without one, those of every learner ``viewer`` may see. Takes
    the query string, not the request, so a task can run the same search later. The rows are
    empty when the filters are not valid (the form then says why)."""
    if learner is not None:
        found = ActivityFilter(query, queryset=activity_rows(learner.crm_activities.all()))
        sorting = SECTION_SORTING
    else:
        visible = CrmActivity.objects.filter(learner__in=User.objects.visible_to(viewer))
        found = PortalActivityFilter(query, queryset=activity_rows(visible), viewer=viewer)
        sorting = PORTAL_SORTING
    if not found.is_valid():
        return found, CrmActivity.objects.none()
    return found, sorting.apply(found.qs, sorting.key(query.get("sort")))


def export_label(found: ActivityFilter, learner: User | None) -> str:
    whose = f" of {learner.full_name}" if learner is not None else ""
    return f"CRM activities{whose}: {found.described()}"


def _subject(viewer: User, parameters: dict) -> User | None:
    if not uses_admin_pages(viewer):
        raise ExportRefused("You no longer have access to the administration pages.")
    if parameters.get("learner") is None:
        return None
    # The viewer's scope now, not when the export was asked for.
    learner = User.objects.visible_to(viewer).filter(pk=parameters["learner"]).first()
    if learner is None or not learner.is_learner:
        raise ExportRefused(
            "You no longer see this learner, so their activities were not exported."
        )
    return learner


def _search(viewer: User, parameters: dict) -> QuerySet:
    learner = _subject(viewer, parameters)
    found, rows = search_activities(viewer, QueryDict(parameters.get("query", "")), learner)
    if not found.is_valid():
        raise ExportRefused("The export's dates or filters no longer apply: export it again.")
    return rows


register(
    ExportKind(
        kind=KIND,
        label="CRM activities",
        permission=PERMISSION,
        rows=lambda viewer, parameters: activity_export_rows(
            _search(viewer, parameters).iterator(chunk_size=CHUNK)
        ),
        count=lambda viewer, parameters, cap: capped_count(_search(viewer, parameters), cap),
        # One learner's export is noted on their trail; the portal-wide one on the exporter's.
        access_record=lambda viewer, parameters: _subject(viewer, parameters) or viewer,
        file_prefix=lambda parameters: (
            f"crm-activities-{parameters['learner']}"
            if parameters.get("learner") is not None
            else "crm-activities"
        ),
    )
)
