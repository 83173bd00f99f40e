"""The learner profile's Programme section."""

from django.http import HttpRequest

from aptem.sections import Section
from users.models import User

from .ilr import codes
from .ilr.models import IlrLearner
from .learning.sections import learning_summary


def _programmes(request: HttpRequest, subject: User) -> dict:
    enrolments = list(subject.enrolments.select_related("programme"))
    # The current collection year's ILR only: one query however many years the learner has.
    ilr = (
        IlrLearner.objects.filter(learner=subject, collection_year=codes.COLLECTION_YEAR)
        .select_related("qa_verified_by")
        .first()
    )
    context = {
        "enrolments": enrolments,
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
    count=lambda c: str(len(c["enrolments"])),
)
