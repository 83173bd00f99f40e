"""The demo data: a Progress review template on every programme, and the demo learner with a
signed review (its sealed PDF in Review documents) and a planned one."""

import io

from django.core.management import call_command

from documents.models import Document
from programmes.models import Programme
from reviews.models import Review, ReviewTemplate
from users.models import User


def test_seed_demo_adds_templates_and_the_demo_learners_reviews(db):
    call_command("seed_demo", learners=5, seed=3, stdout=io.StringIO())
    assert ReviewTemplate.objects.count() == Programme.objects.count()
    learner = User.objects.get(email="learner@example.org")
    statuses = sorted(Review.objects.filter(learner=learner).values_list("status", flat=True))
    assert statuses == [Review.Status.PLANNED, Review.Status.SIGNED]
    filed = Document.objects.filter(learner=learner, folder=Document.Folder.REVIEWS)
    assert filed.filter(review_filing__isnull=False).count() == 1
