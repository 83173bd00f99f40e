"""The demo data: a Progress review template on every programme, and the demo learner with a
signed review (its sealed PDF in Review documents) and a planned one."""

import io

from django.core.management import call_command

from documents.models import Document
from programmes.models import Enrolment, Programme
from reviews.models import Review, ReviewDue, ReviewTemplate
from reviews.schedule import LEARNING_STATUSES
from users.models import User


def test_seed_demo_adds_templates_and_the_demo_learners_reviews(db):
    call_command("seed_demo", learners=5, seed=3, stdout=io.StringIO())
    assert ReviewTemplate.objects.count() == Programme.objects.count()
    learner = User.objects.get(email="learner@example.org")
    statuses = sorted(Review.objects.filter(learner=learner).values_list("status", flat=True))
    assert statuses == [Review.Status.PLANNED, Review.Status.SIGNED]
    filed = Document.objects.filter(learner=learner, folder=Document.Folder.REVIEWS)
    assert filed.filter(review_filing__isnull=False).count() == 1


def test_seed_demo_gives_every_learning_enrolment_its_next_review_due(db):
    call_command("seed_demo", learners=20, seed=3, stdout=io.StringIO())
    learning = Enrolment.objects.filter(is_current=True, status__in=LEARNING_STATUSES)
    assert learning.exists()
    assert set(ReviewDue.objects.values_list("enrolment_id", flat=True)) == set(
        learning.values_list("pk", flat=True)
    )
