"""The learner profile's Programme section."""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest

from aptem.sections import Section
from users.models import User

from .ilr import codes
from .ilr.models import IlrLearner
from .learning.sections import learning_summary
from .models import Enrolment

# The section shows the current programmes and this many earlier ones, newest first; the
# learner's programmes page lists them all.
LATEST_OTHERS = 10


def shown_enrolments(subject: User) -> tuple[list[Enrolment], int]:
    """The enrolments the section shows (up to LATEST_OTHERS current ones, then as many of the
    latest earlier ones) and how many the learner has, in one query, however many that is."""
    # The model's ordering within each part, so the section shows the first rows of the
    # programmes page.
    ordering = [F("start_date").desc(), F("pk").desc()]
    enrolments = list(
        subject.enrolments.select_related("programme")
        .annotate(
            # Numbered within current and earlier separately, so a long history never pushes
            # a current programme (and its actions) off the profile.
            rank=Window(RowNumber(), partition_by=F("is_current"), order_by=ordering),
            # Counted over every row before the filter below, which Django applies outside.
            total=Window(Count("pk")),
        )
        .filter(rank__lte=LATEST_OTHERS)
    )
    return enrolments, enrolments[0].total if enrolments else 0


def _programmes(request: HttpRequest, subject: User) -> dict:
    enrolments, count = shown_enrolments(subject)
    # The current collection year's ILR only: one query however many years the learner has.
    ilr = (
        IlrLearner.objects.filter(learner=subject, collection_year=codes.COLLECTION_YEAR)
        .select_related("qa_verified_by")
        .first()
    )
    context = {
        "enrolments": enrolments,
        "enrolment_count": count,
        "current": [e for e in enrolments if e.is_current],
        "may_enrol": request.user.has_perm("programmes.edit_programme_details"),
        "ilr": ilr,
        "ilr_year": codes.COLLECTION_YEAR,
        "may_create_ilr": ilr is None and request.user.has_perm("programmes.manage_ilrs"),
    }
    # --- Learning plan, OTJ hours and onboarding wizard (programmes/learning) ---------------
    context.update(learning_summary(request, subject, enrolments))
    # --- end learning plan ---------------------------------------------------------------
    return context


PROGRAMMES = Section(
    key="programmes",
    title="Programme",
    template="users/sections/_programmes.html",
    summary=_programmes,
    count=lambda c: str(c["enrolment_count"]),
)
