"""The Reviews and Review documents sections of a learner's profile, each in a fixed number of
queries whatever the learner's data (four and two)."""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from aptem.sections import Section
from documents.models import Document
from users.models import User

from .models import Review
from .schedule import due_for_learner

CONDUCT = "reviews.conduct_reviews"
MANAGE = "reviews.manage_review_templates"
EXPORT = "users.export_data"
NEWEST = 5
OUTSTANDING = (Review.Status.PLANNED, Review.Status.IN_PROGRESS)


def newest_first(queryset):
    """Reviews by the date held (or planned), newest first; one not yet dated first of all."""
    return queryset.annotate(when=Coalesce("held_on", "planned_for")).order_by(
        F("when").desc(nulls_first=True), "-pk"
    )


def review_rows(learner: User):
    return newest_first(
        Review.objects.filter(learner=learner).select_related("template", "conductor")
    )


def _reviews(request: HttpRequest, subject: User) -> dict:
    counts = Review.objects.filter(learner=subject).aggregate(
        total=Count("pk"), outstanding=Count("pk", filter=Q(status__in=OUTSTANDING))
    )
    last = (
        Review.objects.filter(learner=subject, status__in=Review.HELD_STATUSES)
        .select_related("template", "conductor")
        .order_by(F("held_on").desc(nulls_last=True), "-pk")
        .first()
    )
    return {
        "reviews": list(review_rows(subject)[:NEWEST]),
        "review_count": counts["total"],
        "outstanding_count": counts["outstanding"],
        "last_review": last,
        "may_conduct": request.user.has_perm(CONDUCT),
        "may_export": request.user.has_perm(EXPORT),
        # The stored next due date: one query, whatever the learner's history.
        "due": due_for_learner(subject.pk),
    }


REVIEWS = Section(
    key="reviews",
    title="Reviews",
    template="reviews/sections/_reviews.html",
    summary=_reviews,
    count=lambda c: str(c["review_count"]),
)


def review_documents(learner: User):
    """The learner's review PDFs (Documents in folder Reviews), newest first, each with the
    envelope it was sealed in when it was signed electronically."""
    return (
        learner.documents.live()
        .filter(folder=Document.Folder.REVIEWS)
        .select_related("review_filing__envelope")
        .order_by("-created_at", "-pk")
    )


def _review_documents(request: HttpRequest, subject: User) -> dict:
    return {
        "review_documents": list(review_documents(subject)[:NEWEST]),
        # Always counted, even when fewer came back, so the query count stays fixed.
        "review_document_count": review_documents(subject).count(),
    }


REVIEW_DOCUMENTS = Section(
    key="review-documents",
    title="Review documents",
    template="reviews/sections/_review_documents.html",
    summary=_review_documents,
    count=lambda c: str(c["review_document_count"]),
)
