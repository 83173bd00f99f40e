"""The Users page and audit trail CSV exports: their rows, and their registration as export
kinds of the reporting app (an export above settings.EXPORT_INLINE_MAX_ROWS is written to a
file by a task, running as its creator; see reporting.tasks).

These gather from users, audit and programmes, which only the top floor may import together.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.db import connections
from django.db.models import CharField, F, Func, Value
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone

from aptem.csv_export import csv_date
from aptem.ordered_chunks import keyset_order, ordered_chunks
from aptem.pagination import capped_count
from audit.filters import AuditFilter
from audit.trail import present, trail_for
from programmes.models import Enrolment
from reporting.exports import ExportKind, ExportRefused, register
from reporting.tasks import file_export_start
from users.access import uses_admin_pages
from users.models import User

from .filters import SORTS, UserFilter, with_current_programme

EXPORT_PERMISSION = "users.export_data"


def start_file_export(
    request: HttpRequest, kind: str, label: str, parameters: dict, back_url: str
) -> HttpResponse:
    """An export with too many rows to stream within a request: a task writes its file.

    Only a POST makes the job, so a reload or a link prefetch never makes two; a GET goes back
    to the page, whose Export button posts.
    """
    if request.method != "POST":
        messages.info(
            request,
            f"This export has more than {settings.EXPORT_INLINE_MAX_ROWS:,} rows: press Export "
            "CSV to have its file made in the background.",
        )
        return redirect(back_url)
    job = file_export_start(actor=request.user, kind=kind, label=label, parameters=parameters)
    messages.success(request, "The export has started: its file is made in the background.")
    return redirect("reporting:detail", pk=job.pk)


# --- The Users page -----------------------------------------------------------------------------

# The columns the Users page and its export show; fetching only these keeps the rows that a name
# search sorts narrow.
LISTED_FIELDS = [
    "user_type",
    "subscription_status",
    "first_name",
    "last_name",
    "email",
    "reference_number",
    "ni_number",
    "subscription_end",
    "created_at",
    "case_owner",
]

USER_COLUMNS = [
    "ID",
    "First name",
    "Surname",
    "Type",
    "Status",
    "Email",
    "Programme",
    "Programme status",
    "Case owner",
    "Reference number",
    "NI number",
    "Subscription end",
    "Created",
]


def search_users(viewer: User, query: QueryDict) -> tuple[UserFilter, str]:
    """The filtered, sorted search behind the Users page and its export, for ``viewer``'s scope.

    Takes the query string, not the request, so an export task can run the same search later as
    the administrator who asked for it.
    """
    base = with_current_programme(
        User.objects.visible_to(viewer)
        .select_related("case_owner")
        .only(*LISTED_FIELDS, "case_owner__first_name", "case_owner__last_name")
    )
    user_filter = UserFilter(query, queryset=base, viewer=viewer)
    sort = query.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    return user_filter, sort


# What the export fetches, in USER_COLUMNS order: tuples of just these columns rather than
# model instances, so a million rows stream in seconds (issue 13). The programme columns are
# with_current_programme's annotations.
EXPORTED_VALUES = (
    "pk",
    "first_name",
    "last_name",
    "user_type",
    "subscription_status",
    "email",
    "programme_name",
    "programme_status",
    "case_owner__first_name",
    "case_owner__last_name",
    "reference_number",
    "ni_number",
    "subscription_end",
    "created_at",
)
# Rows per query (or per fetch from a server-side cursor): large enough that round trips do
# not count, small enough that memory stays flat.
EXPORT_FETCH_ROWS = 5000


def _as_text(field: str, shape: str, zone: str | None = None) -> Func:
    """PostgreSQL's to_char of a date or timestamp (in ``zone``): the export's text for it."""
    value = F(field)
    if zone is not None:
        value = Func(value, Value(zone), template="(%(expressions)s)", arg_joiner=" AT TIME ZONE ")
    return Func(value, Value(shape), function="to_char", output_field=CharField())


def _exported_values(queryset) -> Iterator[tuple]:
    values = EXPORTED_VALUES
    if connections[queryset.db].vendor == "postgresql":
        # Turning each timestamp into a Python object and back into text cost more than the
        # query itself (about 12 us a row); PostgreSQL writes the text directly. YYYY keeps
        # four digits for years before 1000, as csv_date does.
        zone = timezone.get_current_timezone_name()
        queryset = queryset.annotate(
            _end_text=_as_text("subscription_end", "DD/MM/YYYY"),
            _created_text=_as_text("created_at", "DD/MM/YYYY HH24:MI", zone),
        )
        values = (*EXPORTED_VALUES[:-2], "_end_text", "_created_text")
    # In keyset chunks when the order is plain columns of the user (each chunk starts on the
    # ordering's index where the last stopped; see aptem.ordered_chunks). An order no index
    # supplies (a name search's expressions, the case owner's name) must sort every row
    # before the first comes out anyway, so one query through a server-side cursor is best.
    if keyset_order(queryset) is not None:
        return ordered_chunks(queryset, values, EXPORT_FETCH_ROWS)
    return queryset.values_list(*values).iterator(chunk_size=EXPORT_FETCH_ROWS)


def user_rows(queryset) -> Iterator[list]:
    """The header, then one row per user of ``queryset`` (a Users search), ready for csv_chunks."""
    yield USER_COLUMNS
    type_labels = dict(User.Type.choices)
    status_labels = dict(User.Status.choices)
    programme_statuses = {**dict(Enrolment.Status.choices), None: ""}
    zone = timezone.get_current_timezone()
    rows = _exported_values(queryset)
    for (
        pk,
        first_name,
        last_name,
        user_type,
        status,
        email,
        programme,
        programme_status,
        owner_first,
        owner_last,
        reference,
        ni_number,
        subscription_end,
        created_at,
    ) in rows:
        if created_at.__class__ is not str:  # not already text from the database
            created = created_at.astimezone(zone)
            created_at = (
                f"{created.day:02d}/{created.month:02d}/{created.year:04d} "
                f"{created.hour:02d}:{created.minute:02d}"
            )
        yield [
            pk,
            first_name,
            last_name,
            type_labels[user_type],
            status_labels[status],
            email or "",
            programme or "",
            programme_statuses.get(programme_status, ""),
            # User.full_name of the case owner, without a model instance.
            "" if owner_first is None else f"{owner_first} {owner_last}".strip(),
            reference,
            ni_number,
            subscription_end if subscription_end.__class__ is str else csv_date(subscription_end),
            created_at,
        ]


def users_label(user_filter: UserFilter) -> str:
    """What a Users export holds, in words: "Users: user name smith, status Full user"."""
    chips = [f"{chip['label'].lower()} {chip['value']}" for chip in user_filter.active_filters()]
    return f"Users: {', '.join(chips) or 'default search'}"


def _valid_search(viewer: User, parameters: dict) -> tuple[UserFilter, str]:
    if not uses_admin_pages(viewer):
        raise ExportRefused("You no longer have access to the Users page.")
    user_filter, sort = search_users(viewer, QueryDict(parameters.get("query", "")))
    if not user_filter.is_valid():
        raise ExportRefused(
            "The search's filters no longer apply (a group or programme may have gone): "
            "search again on the Users page and export from there."
        )
    return user_filter, sort


def _users_rows(viewer: User, parameters: dict) -> Iterator[list]:
    user_filter, sort = _valid_search(viewer, parameters)
    return user_rows(user_filter.sorted(sort))


def _users_count(viewer: User, parameters: dict, cap: int | None) -> int:
    return capped_count(_valid_search(viewer, parameters)[0].qs, cap)


# --- A user's audit trail --------------------------------------------------------------------

AUDIT_BATCH = 500
# The export keeps everything the page leaves out: every field (bookkeeping included), the
# record's kind beside its section, and the correlation id that ties one save's entries.
AUDIT_COLUMNS = [
    "When",
    "Who",
    "Record",
    "Record type",
    "Section",
    "Action",
    "Changes",
    "Reason",
    "IP address",
    "Request id",
]


def audit_rows(entries, viewer: User) -> Iterator[list]:
    yield AUDIT_COLUMNS
    # Batches keep memory flat and the related-record look-ups to one query per batch.
    stream = entries.iterator(chunk_size=AUDIT_BATCH)
    while batch := list(islice(stream, AUDIT_BATCH)):
        for row in present(batch, viewer):
            yield [
                row.when,
                row.who,
                row.record,
                row.kind,
                row.section,
                row.action,
                "; ".join(change.as_text() for change in row.all_changes),
                row.reason,
                row.ip,
                row.entry.cid or "",
            ]


def audit_label(subject: User, trail_filter: AuditFilter) -> str:
    """What an audit trail export holds: "Audit trail of John Smith: from 01/09/2025"."""
    parts = []
    for name, field in trail_filter.form.fields.items():
        value = trail_filter.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        shown = dict(getattr(field, "choices", [])).get(value, value)
        if hasattr(shown, "strftime"):
            shown = shown.strftime("%d/%m/%Y")
        parts.append(f"{field.label.lower()} {shown}")
    return f"Audit trail of {subject.full_name}: {', '.join(parts) or 'all entries'}"


def _audit_subject(viewer: User, parameters: dict) -> User:
    # The viewer's scope now, not when the export was asked for: a learner moved out of their
    # groups is no longer theirs to export.
    subject = User.objects.visible_to(viewer).filter(pk=parameters.get("learner")).first()
    if subject is None or not uses_admin_pages(viewer):
        raise ExportRefused("You no longer see this user, so their audit trail was not exported.")
    return subject


def _valid_trail(viewer: User, parameters: dict) -> AuditFilter:
    subject = _audit_subject(viewer, parameters)
    trail_filter = AuditFilter(QueryDict(parameters.get("query", "")), queryset=trail_for(subject))
    if not trail_filter.is_valid():
        raise ExportRefused("The audit trail's filters no longer apply: export it again.")
    return trail_filter


def _audit_rows(viewer: User, parameters: dict) -> Iterator[list]:
    return audit_rows(_valid_trail(viewer, parameters).qs, viewer)


def _audit_count(viewer: User, parameters: dict, cap: int | None) -> int:
    return capped_count(_valid_trail(viewer, parameters).qs, cap)


register(
    ExportKind(
        kind="users",
        label="Users",
        permission=EXPORT_PERMISSION,
        rows=_users_rows,
        count=_users_count,
        # The list spans many users: the access is noted on the exporter's own trail.
        access_record=lambda viewer, parameters: viewer,
        file_prefix=lambda parameters: "users",
    )
)
register(
    ExportKind(
        kind="audit",
        label="Audit trail",
        permission=EXPORT_PERMISSION,
        rows=_audit_rows,
        count=_audit_count,
        access_record=_audit_subject,
        file_prefix=lambda parameters: f"audit-trail-{parameters.get('learner')}",
    )
)
