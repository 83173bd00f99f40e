"""The review schedule's and the reviews' CSV exports: the Reviews due page's rows, and review
data (one row per review and question), for one learner or portal-wide.

Both stream through ``aptem.csv_export`` (formula-neutralised cells, the row count as the last
line) and read their rows in chunks, so memory stays flat however many there are.
"""

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone

from aptem.csv_export import csv_date
from aptem.pagination import capped_count
from reporting.exports import ExportKind, ExportRefused, register
from signing.models import Signer
from users.access import uses_admin_pages
from users.models import User

from .due_models import ReviewDue
from .models import Answer, Review
from .schedule import Due

CHUNK = 500

DUE_COLUMNS = [
    "Learner",
    "Reference",
    "Programme",
    "Case owner",
    "Last progress review",
    "Next review due",
    "Status",
]


def due_export_rows(rows: QuerySet) -> Iterator[list]:
    """The header, then one row per ``ReviewDue`` of ``rows`` (the Reviews due page's search)."""
    yield DUE_COLUMNS
    today = timezone.localdate()
    row: ReviewDue
    for row in rows.iterator(chunk_size=CHUNK):
        due = Due(
            today=today,
            due_on=row.due_on,
            paused_since=row.paused_since,
            last_review_on=row.last_review_on,
        )
        owner = row.learner.case_owner
        yield [
            row.learner.full_name,
            row.learner.reference_number,
            row.enrolment.programme.name,
            owner.full_name if owner else "",
            csv_date(row.last_review_on),
            csv_date(row.due_on),
            due.status_text,
        ]


REVIEW_COLUMNS = [
    "Learner",
    "Reference",
    "Programme",
    "Template",
    "Template version",
    "Meeting type",
    "Conducted by",
    "Date",
    "Duration (minutes)",
    "Status",
    "Question",
    "Answer",
    "Signed by",
    "Signed at",
]


def reviews_for_export(reviews: QuerySet) -> QuerySet:
    """``reviews`` with everything the export reads, fetched per chunk (a few queries each)."""
    answers = Answer.objects.select_related("question__section").order_by(
        "question__section__position", "question__position", "question__pk"
    )
    signers = Signer.objects.order_by("position", "pk")
    return reviews.select_related(
        "learner", "enrolment__programme", "template", "conductor", "envelope"
    ).prefetch_related(
        Prefetch("answers", queryset=answers),
        Prefetch("envelope__signers", queryset=signers),
    )


def _signatures(review: Review) -> tuple[str, str]:
    if review.envelope is None:
        return "", ""
    signed = [s for s in review.envelope.signers.all() if s.signed_at]
    zone = timezone.get_current_timezone()
    return (
        "; ".join(s.name for s in signed),
        "; ".join(f"{s.signed_at.astimezone(zone):%d/%m/%Y %H:%M}" for s in signed),
    )


def review_export_rows(reviews: Iterable[Review]) -> Iterator[list]:
    """The header, then one row per review and answered question (a review with no answers
    yet, planned or just started, still has its one row, with the question left empty)."""
    yield REVIEW_COLUMNS
    meeting_types = dict(Review.MeetingType.choices)
    statuses = dict(Review.Status.choices)
    for review in reviews:
        template = review.template
        signed_by, signed_at = _signatures(review)
        common = [
            review.learner.full_name,
            review.learner.reference_number,
            review.enrolment.programme.name,
            template.name if template else "",
            template.number if template else "",
            meeting_types.get(review.meeting_type, ""),
            review.conductor.full_name if review.conductor else "",
            csv_date(review.held_on or review.planned_for),
            review.duration_minutes if review.duration_minutes is not None else "",
            statuses.get(review.status, review.status),
        ]
        answers = list(review.answers.all())
        if not answers:
            yield [*common, "", "", signed_by, signed_at]
        for answer in answers:
            yield [*common, answer.question.text, answer.value, signed_by, signed_at]


def export_row_keys(reviews: QuerySet) -> QuerySet:
    """One item per row ``review_export_rows`` writes for ``reviews`` (each answer, or the review
    alone when it has none: the LEFT JOIN gives exactly that), for counting them."""
    return reviews.order_by().values_list("pk", "answers__pk")


def review_export(reviews: QuerySet) -> Iterator[list]:
    """``review_export_rows`` over ``reviews`` read in chunks of ``CHUNK``."""
    ordered = reviews_for_export(reviews).order_by("learner__last_name", "learner_id", "held_on")
    return review_export_rows(ordered.iterator(chunk_size=CHUNK))


# --- Exports too large to stream: made by a task (reporting.tasks), as their creator --------

PERMISSION = "users.export_data"


def _due_search(viewer: User, parameters: dict):
    from .due_filters import DueFilter, due_rows, sort_key, sorted_rows

    if not uses_admin_pages(viewer):
        raise ExportRefused("You no longer have access to the Reviews due page.")
    query = QueryDict(parameters.get("query", ""))
    due_filter = DueFilter(query, queryset=due_rows(viewer), viewer=viewer)
    if not due_filter.is_valid():
        raise ExportRefused(
            "The filters no longer apply (a group or programme may have gone): filter the "
            "Reviews due page again and export from there."
        )
    return sorted_rows(due_filter.qs, sort_key(query.get("sort")))


def _review_search(viewer: User, parameters: dict) -> QuerySet:
    from .due_filters import ReviewExportFilter, review_rows

    if not uses_admin_pages(viewer):
        raise ExportRefused("You no longer have access to the administration pages.")
    query = QueryDict(parameters.get("query", ""))
    export_filter = ReviewExportFilter(query, queryset=review_rows(viewer), viewer=viewer)
    if not export_filter.is_valid():
        raise ExportRefused("The export's dates or filters no longer apply: export it again.")
    return export_filter.qs


register(
    ExportKind(
        kind="reviews_due",
        label="Reviews due",
        permission=PERMISSION,
        rows=lambda viewer, parameters: due_export_rows(_due_search(viewer, parameters)),
        count=lambda viewer, parameters, cap: capped_count(_due_search(viewer, parameters), cap),
        # The list spans many learners: the access is noted on the exporter's own trail.
        access_record=lambda viewer, parameters: viewer,
        file_prefix=lambda parameters: "reviews-due",
    )
)
register(
    ExportKind(
        kind="reviews",
        label="Review data",
        permission=PERMISSION,
        rows=lambda viewer, parameters: review_export(_review_search(viewer, parameters)),
        count=lambda viewer, parameters, cap: capped_count(
            export_row_keys(_review_search(viewer, parameters)), cap
        ),
        access_record=lambda viewer, parameters: viewer,
        file_prefix=lambda parameters: "reviews",
    )
)
