"""Job outcome milestones: a job tracker's start date projects the learner's sustained-employment
milestones in the Milestones section (13 and 26 weeks in work; 26 weeks self-employed), with the
earnings the hours and rate project by then.

The milestones are ordinary ``programmes.Milestone`` rows (so they are claimed and verified like
any other), linked to the tracker by ``TrackerMilestone`` so a later edit moves them instead of
adding more. An end date before a milestone marks it At risk; moving the end date past it (or
clearing it) projects it again. A milestone already achieved or claimed is never touched.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from programmes.models import Enrolment
from programmes.progress.models import Milestone
from users.models import User

from .models import Tracker, TrackerMilestone, TrackerType

WEEKS = {
    TrackerType.Outcome.JOB: (13, 26),
    TrackerType.Outcome.SELF_EMPLOYMENT: (26,),
}
# Statuses this projection may set; anything else was decided by a person.
OURS = (Milestone.Status.PROJECTED, Milestone.Status.AT_RISK)


def projected_earnings(tracker: Tracker, weeks: int) -> Decimal | None:
    if tracker.weekly_hours is None or tracker.hourly_rate is None:
        return None
    return (Decimal(weeks) * tracker.weekly_hours * tracker.hourly_rate).quantize(Decimal("0.01"))


def _enrolment(tracker: Tracker) -> Enrolment | None:
    if tracker.enrolment_id:
        return tracker.enrolment
    return Enrolment.objects.filter(learner_id=tracker.learner_id).for_learning_plan()


def _description(tracker: Tracker, weeks: int) -> str:
    kind = "self-employment" if tracker.tracker_type.outcome == "SELF_EMPLOYMENT" else "employment"
    text = f"Sustained {kind}: {weeks} weeks ({tracker.reference})"
    earnings = projected_earnings(tracker, weeks)
    if earnings is not None:
        text += f", projected earnings £{earnings:,}"
    return text[:200]


def project_milestones(tracker: Tracker, *, actor: User | None) -> list[Milestone]:
    """Create or move the tracker's milestones (call inside the tracker's transaction)."""
    weeks_list = WEEKS.get(tracker.tracker_type.outcome, ())
    if not weeks_list or tracker.start_date is None:
        return []
    enrolment = _enrolment(tracker)
    if enrolment is None:
        return []
    links = {
        link.weeks: link
        for link in TrackerMilestone.objects.filter(tracker=tracker).select_related("milestone")
    }
    projected = []
    for weeks in weeks_list:
        day = tracker.start_date + datetime.timedelta(weeks=weeks)
        at_risk = tracker.end_date is not None and tracker.end_date < day
        status = Milestone.Status.AT_RISK if at_risk else Milestone.Status.PROJECTED
        values = {"date": day, "status": status, "description": _description(tracker, weeks)}
        link = links.get(weeks)
        if link is None:
            milestone = Milestone.objects.create(
                learner_id=tracker.learner_id, enrolment=enrolment, created_by=actor, **values
            )
            TrackerMilestone.objects.create(tracker=tracker, milestone=milestone, weeks=weeks)
        else:
            milestone = link.milestone
            if milestone.status not in OURS:
                continue
            changed = {k: v for k, v in values.items() if getattr(milestone, k) != v}
            if changed:
                for name, value in changed.items():
                    setattr(milestone, name, value)
                milestone.version += 1
                milestone.audit_reason = f"Job tracker {tracker.reference} changed"
                milestone.save()
        projected.append(milestone)
    return projected
