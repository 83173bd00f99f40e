"""The Functional Skills, Milestones and Course progress sections of a learner's profile.

Each runs a fixed number of queries however many records the learner has.
"""

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest

from aptem.sections import Section
from users.models import User

from .models import FunctionalSkillAssessment, Milestone

LATEST_MILESTONES = 10
LATEST_COURSES = 10
PER_SUBJECT = 3

EDIT_MILESTONES = "programmes.edit_milestones"
RECORD_COURSES = "programmes.record_course_progress"
RECORD_FUNCTIONAL_SKILLS = "programmes.record_functional_skills"


def _milestones(request: HttpRequest, subject: User) -> dict:
    milestones = list(subject.milestones.select_related("enrolment__programme")[:LATEST_MILESTONES])
    # Always counted, so the query count does not depend on how many came back; the achieved
    # ones come in the same query, for the profile's index ("5/8").
    counts = subject.milestones.aggregate(
        total=Count("pk"), achieved=Count("pk", filter=Q(status__in=Milestone.ACHIEVED_STATUSES))
    )
    return {
        "milestones": milestones,
        "milestone_count": counts["total"],
        "milestones_achieved": counts["achieved"],
        "may_edit_milestones": request.user.has_perm(EDIT_MILESTONES),
    }


def _courses(request: HttpRequest, subject: User) -> dict:
    courses = list(subject.learner_courses.select_related("course")[:LATEST_COURSES])
    return {
        "courses": courses,
        "course_count": subject.learner_courses.count(),
        "may_record_courses": request.user.has_perm(RECORD_COURSES),
    }


def subjects_with_assessments(assessments) -> list[dict]:
    """Assessments grouped by subject in the subjects' order, each group newest first."""
    groups: dict[str, list] = {s.value: [] for s in FunctionalSkillAssessment.Subject}
    for assessment in assessments:
        groups[assessment.subject].append(assessment)
    return [
        {
            "key": key.lower(),
            "subject": FunctionalSkillAssessment.Subject(key).label,
            "assessments": items,
            "count": len(items),
        }
        for key, items in groups.items()
    ]


def _functional_skills(request: HttpRequest, subject: User) -> dict:
    # One query: each subject's latest PER_SUBJECT with the subject's total beside them, so a
    # learner with hundreds of assessments costs no more to load than one with a handful.
    latest = (
        subject.functional_skills.select_related("assessor")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("subject"),
                order_by=[F("assessed_on").desc(), F("pk").desc()],
            ),
            subject_total=Window(Count("pk"), partition_by=F("subject")),
        )
        .filter(rank__lte=PER_SUBJECT)
        .order_by("subject", "-assessed_on", "-pk")
    )
    groups = subjects_with_assessments(latest)
    for group in groups:
        group["shown"] = group["assessments"]
        group["count"] = group["assessments"][0].subject_total if group["assessments"] else 0
    return {
        "subjects": groups,
        "assessment_count": sum(g["count"] for g in groups),
        "may_record_functional_skills": request.user.has_perm(RECORD_FUNCTIONAL_SKILLS),
    }


FUNCTIONAL_SKILLS = Section(
    key="functional-skills",
    title="Functional Skills",
    template="programmes/progress/sections/_functional_skills.html",
    summary=_functional_skills,
    count=lambda c: str(c["assessment_count"]),
)
MILESTONES = Section(
    key="milestones",
    title="Milestones",
    template="programmes/progress/sections/_milestones.html",
    summary=_milestones,
    # Achieved (or verified) of all, as a claims officer reads them.
    count=lambda c: f"{c['milestones_achieved']}/{c['milestone_count']}",
)
COURSES = Section(
    key="courses",
    title="Course progress",
    template="programmes/progress/sections/_courses.html",
    summary=_courses,
    count=lambda c: str(c["course_count"]),
)
