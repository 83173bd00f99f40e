"""The learning plan's part of the profile's Programme section: progress, OTJ totals and the
onboarding wizard, in a fixed number of queries (three) whatever the learner's data."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from users.models import User

from ..models import Enrolment, Programme
from . import progress
from .models import LearnerComponent, OtjEntry, WizardProgress


def learning_summary(request: HttpRequest, subject: User, enrolments: list[Enrolment]) -> dict:
    current = [e for e in enrolments if e.is_current]
    # A delivery programme's plan before an onboarding one's, as EnrolmentQuerySet.for_learning_plan
    # does (here over the enrolments the section has already loaded).
    current.sort(key=lambda e: e.programme.kind != Programme.Kind.DELIVERY)
    enrolment = current[0] if current else None
    context: dict = {
        "plan_enrolment": enrolment,
        "wizard_rows": WizardProgress.objects.status_for(subject),
    }
    # The two totals are asked for even without a programme, so the profile's query count is
    # the same whether or not the learner is enrolled (tests/audit/test_audit_section.py).
    enrolment_id = enrolment.pk if enrolment else None
    counts = LearnerComponent.objects.filter(enrolment_id=enrolment_id).aggregate(
        total=Count("pk"), completed=Count("pk", filter=Q(status="COMPLETED"))
    )
    totals = OtjEntry.objects.filter(enrolment_id=enrolment_id).totals()
    if enrolment is None:
        return context
    today = timezone.localdate()
    context["plan_progress"] = progress.plan_progress(
        enrolment, counts["completed"], counts["total"], today
    )
    context["otj"] = progress.otj_summary(enrolment, totals, today)
    return context
