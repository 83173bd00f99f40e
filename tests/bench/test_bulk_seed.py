"""The benchmark's bulk seeder (bench/seed.py): seed_demo's cast plus learners written as plain
rows (COPY on PostgreSQL), which must look to the portal exactly like saved learners."""

import pytest
from django.db import transaction
from django.db.models import Count

from activity.models import ActivityEvent
from audit.models import AuditEntry
from bench.seed import DEMO_LEARNERS, ensure_heavy_profile, seed
from crm.models import LearnerContact, Note
from programmes.current import current_programme_mismatches
from programmes.models import Enrolment
from tests.shared_load import finish_load
from users.models import Group, User
from users.scope import group_scope_mismatches

LEARNERS = DEMO_LEARNERS + 200


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seeded once for the module (several seconds each time) in a transaction rolled back
    after its last test; each test runs in a savepoint inside it, so a test's own changes are
    undone as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed(LEARNERS, log=lambda line: None)
        finish_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(db, _seeded_once):
    return None


def bulk_learners():
    return User.objects.filter(user_type=User.Type.LEARNER, reference_number__gt="REF000300")


def test_the_bulk_seed_holds_the_demo_cast_and_the_requested_learners(seeded):
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == LEARNERS
    assert bulk_learners().count() == LEARNERS - DEMO_LEARNERS
    assert User.objects.filter(email="supervisor@example.org").exists()
    assert User.objects.filter(email="learner@example.org").exists()
    # One cohort each, and a current enrolment for about nine in ten.
    memberships = bulk_learners().annotate(n=Count("groups")).values_list("n", flat=True)
    assert set(memberships) == {1}
    enrolled = Enrolment.objects.filter(learner__in=bulk_learners(), is_current=True).count()
    assert 0.8 * 200 <= enrolled <= 200
    assert not bulk_learners().filter(case_owner=None).exists()
    assert bulk_learners().values("ni_number").distinct().count() == 200


def test_bulk_learners_carry_the_derived_columns_a_save_would_write(seeded):
    for learner in bulk_learners()[:50]:
        assert learner.search_name == User.build_search_name(
            learner.first_name, learner.middle_name, learner.last_name, learner.preferred_name
        )
        assert learner.email == learner.email.lower()
        # A save changes nothing the bulk load wrote (the derived columns already agree).
        before = (learner.search_name, learner.email, learner.ni_number, learner.postcode)
        learner.save()
        learner.refresh_from_db()
        assert (learner.search_name, learner.email, learner.ni_number, learner.postcode) == before


def test_bulk_learners_carry_their_current_programme_as_the_enrolments_say(seeded):
    assert current_programme_mismatches() == []
    assert User.objects.filter(current_programme__isnull=False).count() > LEARNERS // 2


def test_the_bench_seeder_writes_the_scope_with_each_row(seeded):
    # The group scope (users.scope) of every learner, demo and bulk, as the memberships say.
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == LEARNERS
    assert group_scope_mismatches() == []


def test_the_tutor_sees_only_the_north_learners_of_the_bulk_seed(seeded, client):
    tutor = User.objects.get(email="tutor@example.org")
    north = Group.objects.get(depth=2, name="North")
    visible = User.objects.visible_to(tutor).filter(pk__in=bulk_learners())
    in_north = (
        bulk_learners()
        .filter(groups__path__startswith=north.path)
        .exclude(subscription_status=User.Status.ARCHIVED)
    )
    assert set(visible) == set(in_north)
    # seed_demo's round-robin over its 16 cohorts: a region holds a quarter of the learners.
    assert 0.2 * 200 <= in_north.count() <= 0.3 * 200


def test_the_users_page_finds_a_bulk_learner_by_name_ni_number_and_reference(seeded, client):
    client.force_login(User.objects.get(email="supervisor@example.org"))
    learner = bulk_learners().filter(subscription_status=User.Status.FULL_USER).last()
    for params in (
        {"name": f"{learner.last_name} {learner.first_name}"},
        {"ni_number": learner.ni_number.lower()},
        {"reference_number": learner.reference_number},
    ):
        response = client.get("/users/", params)
        assert response.status_code == 200
        assert learner in response.context["page"].object_list, params


def test_the_heavy_profile_learner_gets_rows_in_every_section_once(seeded, client):
    learner = bulk_learners().first()
    ensure_heavy_profile(learner, rows=30)
    ensure_heavy_profile(learner, rows=30)  # reused: tops up, never doubles
    assert Note.objects.filter(learner=learner).count() == 30
    assert AuditEntry.objects.filter(learner_id=learner.pk).count() == 30
    assert ActivityEvent.objects.filter(user=learner).count() == 30
    assert LearnerContact.objects.filter(learner=learner).count() == 30
    assert Enrolment.objects.filter(learner=learner, is_current=True).count() <= 1
    client.force_login(User.objects.get(email="supervisor@example.org"))
    assert client.get(f"/users/{learner.pk}/").status_code == 200
