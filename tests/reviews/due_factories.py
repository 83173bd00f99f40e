"""Building reviews, breaks and learners for the review schedule's tests (reviews are made
with the model directly: the conducting services are another piece of work)."""

import datetime

from programmes.models import LearningBreak
from reviews.models import Review, ReviewTemplate
from reviews.signals import review_changed
from tests.factories import EnrolmentFactory, UserFactory

START = datetime.date(2026, 1, 5)


def template(programme, purpose=ReviewTemplate.Purpose.PROGRESS) -> ReviewTemplate:
    return ReviewTemplate.objects.create(
        programme=programme, name=f"{ReviewTemplate.Purpose(purpose).label}", purpose=purpose
    )


def held_review(
    enrolment,
    held_on: datetime.date,
    *,
    purpose=ReviewTemplate.Purpose.PROGRESS,
    status=Review.Status.SIGNED,
    notify: bool = True,
    **fields,
) -> Review:
    review = Review.objects.create(
        learner=enrolment.learner,
        enrolment=enrolment,
        template=template(enrolment.programme, purpose),
        status=status,
        held_on=held_on,
        **fields,
    )
    if notify:  # what the conducting services do
        review_changed.send(sender=Review, review=review)
    return review


def a_break(enrolment, started_on, ended_on=None) -> LearningBreak:
    return LearningBreak.objects.create(
        learner=enrolment.learner, enrolment=enrolment, started_on=started_on, ended_on=ended_on
    )


def learning(learner=None, *, groups=None, start_date=START, **fields):
    """A current, Active enrolment (of a new learner in ``groups`` unless one is given)."""
    if learner is None:
        learner = UserFactory(groups=groups or [])
    fields.setdefault("is_current", True)
    return EnrolmentFactory(learner=learner, start_date=start_date, **fields)
