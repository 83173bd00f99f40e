import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from compliance.models import ComplianceDocument
from documents.models import Document
from portal.management.commands.seed_demo import DEMO_LEARNER, DEMO_PASSWORD
from programmes.current import current_programme_mismatches
from programmes.ilr import rules
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.models import IlrLearner
from programmes.learning.models import LearnerComponent
from programmes.models import (
    Course,
    Enrolment,
    FunctionalSkillAssessment,
    LearnerCourse,
    Milestone,
    Programme,
)
from reviews.models import Review, ReviewDue, ReviewTemplate
from reviews.schedule import LEARNING_STATUSES
from tests.shared_load import finish_load
from users.models import User
from users.scope import group_scope_mismatches


def _seeded_learners(seed: int) -> list[tuple]:
    """Seed inside a savepoint, read the learners back, then roll the savepoint back."""

    class Rollback(Exception):
        pass

    rows = []
    try:
        with transaction.atomic():
            call_command("seed_demo", learners=30, seed=seed)
            rows = list(
                User.objects.filter(user_type=User.Type.LEARNER)
                .order_by("pk")
                .values_list("first_name", "last_name", "ni_number", "uln", "date_of_birth")
            )
            raise Rollback
    except Rollback:
        pass
    return rows


# Seeds an empty database of its own, so it stays above the first test that asks for the shared
# load below (pytest runs a module's tests in file order; the load then stays until the last).
def test_the_same_seed_gives_the_same_learners(db):
    first = _seeded_learners(11)
    assert first == _seeded_learners(11)
    assert first != _seeded_learners(12)


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo's 300 learners (seed 7), loaded once for the tests below that only read them,
    in a transaction rolled back after the module's last test; each test runs in a savepoint
    inside it. Gives what the command printed."""
    # The files the demo writes (a sealed review PDF, a Commitment Statement) kept out of the
    # working tree.
    overrides = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    printed = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic(), overrides:
        call_command("seed_demo", learners=300, seed=7, stdout=printed)
        finish_load()
        yield printed.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(db, _demo_once) -> str:
    return _demo_once


def test_seed_demo_loads_every_status_and_is_repeatable(demo):
    assert "supervisor@example.org" in demo
    learners = User.objects.filter(user_type=User.Type.LEARNER)
    assert learners.count() == 300
    assert set(learners.values_list("subscription_status", flat=True)) >= {
        User.Status.FULL_USER,
        User.Status.PROSPECT,
        User.Status.INVITED,
    }
    assert User.objects.filter(user_type=User.Type.EMPLOYER).exists()
    assert User.objects.filter(user_type=User.Type.REFERRER).exists()
    for learner in learners[:5]:
        learner.full_clean(exclude=["password"])

    again = io.StringIO()
    call_command("seed_demo", learners=300, seed=7, if_empty=True, stdout=again)
    assert "already has users" in again.getvalue()
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 300


def test_demo_logins_work_with_their_roles_and_scope(demo, client):
    assert client.login(
        request=HttpRequest(), username="tutor@example.org", password="Demo-portal-2026!"
    )
    tutor = User.objects.get(email="tutor@example.org")
    assert tutor.has_perm("users.create_users")
    assert not tutor.has_perm("users.view_all_groups")
    supervisor = User.objects.get(email="supervisor@example.org")
    assert supervisor.has_perm("users.view_all_groups")
    colleague = User.objects.get(email="colleague@example.org")
    assert not colleague.has_perm("users.edit_user_details")
    visible = User.objects.visible_to(tutor).filter(user_type=User.Type.LEARNER).count()
    assert 0 < visible < User.objects.filter(user_type=User.Type.LEARNER).count()


def test_demo_learners_have_recent_activity(demo):
    from activity.models import ActivityEvent

    assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.SIGN_IN).exists()
    assert ActivityEvent.objects.exclude(area="").exists()


def test_demo_programmes_have_their_delivery_details(demo):
    from programmes.models import Programme

    ba = Programme.objects.get(code="BA3")
    assert (ba.level, ba.duration_months, ba.ilr_enabled) == (3, 18, True)


def test_demo_ilrs_pass_the_dfe_rules(demo):
    ilrs = list(with_ilr_children(IlrLearner.objects.all()))
    assert len(ilrs) >= 20
    for ilr in ilrs:
        findings = rules.check_learner(learner_values(ilr), file_date=datetime.date(2026, 7, 31))
        assert [f.message for f in findings if f.is_error] == [], ilr.learn_ref_number


def test_demo_apprentices_have_otj_hours_some_behind_plan_and_verified_ilrs_name_their_verifier(
    demo,
):
    from programmes.learning.models import OtjEntry
    from programmes.learning.progress import otj_summary

    assert OtjEntry.objects.filter(verified_by__isnull=False).exists()
    enrolments = {entry.enrolment for entry in OtjEntry.objects.select_related("enrolment")}
    today = timezone.localdate()
    behind = [
        otj_summary(e, OtjEntry.objects.filter(enrolment=e).totals(), today).is_behind
        for e in enrolments
    ]
    assert any(behind)
    assert not all(behind)
    verified = IlrLearner.objects.filter(episode_status=IlrLearner.EpisodeStatus.QA_VERIFIED)
    assert verified.exists()
    assert not verified.filter(qa_verified_by__isnull=True).exists()
    assert not verified.filter(qa_verified_at__isnull=True).exists()


def test_demo_addresses_fit_one_line_each(demo):
    # A newline in a one-line field would be stripped, and so silently changed, by the next save
    # of the learner's edit form.
    assert not User.objects.filter(address_line_1__contains="\n").exists()


# Derived data the seed writes in bulk, checked on the shared load: each must agree with what a
# save through the portal would have written.


def test_seed_demo_leaves_every_group_scope_right(demo):
    assert User.objects.filter(user_type=User.Type.LEARNER).exclude(scope_ids=[]).exists()
    assert group_scope_mismatches() == []


def test_seed_demo_leaves_every_current_programme_column_right(demo):
    assert User.objects.exclude(current_programme=None).exists()
    assert current_programme_mismatches() == []


def test_seed_demo_gives_every_learning_enrolment_its_next_review_due(demo):
    learning = Enrolment.objects.filter(is_current=True, status__in=LEARNING_STATUSES)
    assert learning.exists()
    assert set(ReviewDue.objects.values_list("enrolment_id", flat=True)) == set(
        learning.values_list("pk", flat=True)
    )


# The demo's features, each checked on the shared load rather than on a seeding of its own.


def test_seed_demo_adds_templates_and_the_demo_learners_reviews(demo):
    # A Progress review template on every programme, and the demo learner with a signed review
    # (its sealed PDF in Review documents) and a planned one.
    assert ReviewTemplate.objects.count() == Programme.objects.count()
    learner = User.objects.get(email="learner@example.org")
    statuses = sorted(Review.objects.filter(learner=learner).values_list("status", flat=True))
    assert statuses == [Review.Status.PLANNED, Review.Status.SIGNED]
    filed = Document.objects.filter(learner=learner, folder=Document.Folder.REVIEWS)
    assert filed.filter(review_filing__isnull=False).count() == 1


def test_seed_demo_fills_the_catalogue_and_the_first_apprentices_records(demo):
    assert Course.objects.filter(is_active=True).count() == 6
    assert Milestone.objects.exists()
    assert FunctionalSkillAssessment.objects.exists()
    for record in [*Milestone.objects.all()[:10], *LearnerCourse.objects.all()[:10]]:
        record.full_clean()


def test_seeding_gives_every_programme_components_and_every_enrolment_its_copy(demo):
    # So the demo shows real progress rather than "no components yet".
    for programme in Programme.objects.annotate(n=Count("components")):
        assert 6 <= programme.n <= 12, programme
        assert programme.components.values("code").distinct().count() == programme.n
    for enrolment in Enrolment.objects.select_related("programme")[:40]:
        copies = LearnerComponent.objects.filter(enrolment=enrolment, learner=enrolment.learner)
        assert copies.count() == enrolment.programme.components.count()
    for component in LearnerComponent.objects.filter(status="COMPLETED")[:20]:
        component.full_clean()
        assert component.completed_on is not None


def test_some_learners_show_progress_and_none_shows_no_components(demo, client):
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


def test_seed_demo_makes_a_compliance_document_waiting(demo):
    # A Commitment Statement waiting for signatures for the demo learner.
    doc = ComplianceDocument.objects.get()
    assert doc.learner.email == "learner@example.org"
    assert doc.status == "CREATED"
    assert doc.envelope.signers.count() >= 2


def test_the_demo_learner_signs_in_and_sees_their_own_page(demo, client):
    # The activated learner login (issue 11, point 3): printed with the other demo logins,
    # signs in with the demo password and lands on their own page with a programme and a task.
    assert DEMO_LEARNER in demo
    response = client.post("/login/", {"username": DEMO_LEARNER, "password": DEMO_PASSWORD})
    assert response["Location"] == "/me/"
    body = client.get("/me/").content.decode()
    assert '<h1 class="h2">John Smith</h1>' in body
    assert "Your programmes" in body
    assert "You are not on a programme yet." not in body
    assert "Upload your signed apprenticeship agreement" in body


def test_demo_logins_work_with_the_default_settings(demo, client):
    # Two-factor sign-in is optional unless the settings make it mandatory
    # (tests/users/test_two_factor.py), so a demo login goes straight in.
    response = client.post(
        "/login/", {"username": "supervisor@example.org", "password": "Demo-portal-2026!"}
    )
    assert response["Location"] == "/users/"
    assert client.get("/users/").status_code == 200
