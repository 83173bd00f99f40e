"""The demo data gives every programme its components and every learner their copy, with some
completed, so the demo shows real progress rather than "no components yet"."""

from django.core.management import call_command
from django.db.models import Count, Q

from programmes.learning.models import LearnerComponent
from programmes.models import Enrolment, Programme
from users.models import User


def test_seeding_gives_every_programme_components_and_every_enrolment_its_copy(db):
    call_command("seed_demo", learners=60, seed=4)
    for programme in Programme.objects.annotate(n=Count("components")):
        assert 6 <= programme.n <= 12, programme
        assert programme.components.values("code").distinct().count() == programme.n
    for enrolment in Enrolment.objects.select_related("programme")[:40]:
        copies = LearnerComponent.objects.filter(enrolment=enrolment, learner=enrolment.learner)
        assert copies.count() == enrolment.programme.components.count()
    for component in LearnerComponent.objects.filter(status="COMPLETED")[:20]:
        component.full_clean()
        assert component.completed_on is not None


def test_some_learners_show_progress_and_none_shows_no_components(db, client):
    call_command("seed_demo", learners=60, seed=4)
    client.force_login(User.objects.get(email="supervisor@example.org"))
    started = (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE)
        .annotate(done=Count("components", filter=Q(components__status="COMPLETED")))
        .filter(done__gt=0)
    )
    assert started.count() >= 5
    shown = []
    for enrolment in started[:5]:
        content = client.get(f"/users/{enrolment.learner_id}/").content.decode()
        assert "no components yet" not in content
        shown.append("actual 0%" not in content)
    assert any(shown)
