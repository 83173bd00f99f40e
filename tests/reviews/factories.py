"""A review template with one section of each kind of question, and the programme's learner."""

import datetime

from django.contrib.auth.models import Group as Role

from reviews.models import Question, ReviewTemplate, TemplateSection
from tests.factories import EnrolmentFactory

Kind = Question.Kind


def grant(user, *roles: str):
    user.roles.add(*Role.objects.filter(name__in=roles))
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def review_template(programme, name="Progress review", **fields) -> ReviewTemplate:
    fields.setdefault("checklist", "Read the last review\nCheck the OTJ log")
    template = ReviewTemplate.objects.create(programme=programme, name=name, **fields)
    talk = TemplateSection.objects.create(template=template, title="How it is going", position=1)
    Question.objects.create(
        section=talk, position=1, kind=Kind.LONG_TEXT, text="What went well?", required=True
    )
    Question.objects.create(
        section=talk, position=2, kind=Kind.RATING, text="Confidence", required=True
    )
    Question.objects.create(section=talk, position=3, kind=Kind.YES_NO, text="Any concerns?")
    Question.objects.create(section=talk, position=4, kind=Kind.DATE, text="Next milestone date")
    Question.objects.create(
        section=talk,
        position=5,
        kind=Kind.CHOICE,
        text="Wellbeing",
        options="Good\nOkay\nStruggling",
    )
    record = TemplateSection.objects.create(template=template, title="The record", position=2)
    Question.objects.create(section=record, position=1, kind=Kind.PROGRESS_BLOCK, text="Progress")
    Question.objects.create(
        section=record, position=2, kind=Kind.OTJ_BLOCK, text="Off-the-job hours"
    )
    Question.objects.create(section=record, position=3, kind=Kind.TARGETS_BLOCK, text="Targets")
    return template


def current_enrolment(learner, **fields):
    fields.setdefault("start_date", datetime.date(2025, 9, 1))
    fields.setdefault("planned_end_date", datetime.date(2027, 7, 5))
    return EnrolmentFactory(learner=learner, is_current=True, **fields)


def questions(template) -> dict[str, Question]:
    return {q.text: q for q in Question.objects.filter(section__template=template)}


def answers_post(template, **extra) -> dict:
    """A complete, valid POST of the review form for ``template``."""
    q = questions(template)
    data = {
        f"q_{q['What went well?'].pk}": "Finished the unit on safety",
        f"q_{q['Confidence'].pk}": "4",
        f"q_{q['Any concerns?'].pk}": "No",
        f"q_{q['Next milestone date'].pk}": "2026-05-01",
        f"q_{q['Wellbeing'].pk}": "Good",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "20",
        "actions-0-text": "Log this week's OTJ hours",
        "actions-0-due": "2026-04-10",
        "actions-1-text": "",
        "actions-1-due": "",
        "actions-2-text": "",
        "actions-2-due": "",
    }
    data.update(extra)
    return data
