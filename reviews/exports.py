"""The review schedule's and the reviews' CSV exports: the Reviews due page's rows, and review
data (one row per review and question), for one learner or portal-wide.

Both stream through ``aptem.csv_export`` (formula-neutralised cells, the row count as the last
line) and read their rows in chunks, so memory stays flat however many there are.
"""

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from aptem.csv_export import csv_date
from signing.models import Signer

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


def review_export(reviews: QuerySet) -> Iterator[list]:
    """``review_export_rows`` over ``reviews`` read in chunks of ``CHUNK``."""
    ordered = reviews_for_export(reviews).order_by("learner__last_name", "learner_id", "held_on")
    return review_export_rows(ordered.iterator(chunk_size=CHUNK))
