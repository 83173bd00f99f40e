import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from programmes.current import current_programme_mismatches
from programmes.ilr import rules
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.models import IlrLearner
from programmes.models import Enrolment
from reviews.models import ReviewDue
from reviews.schedule import LEARNING_STATUSES
from tests.shared_load import analyze_loaded_tables
from users.models import User
from users.scope import group_scope_mismatches


def test_seed_demo_loads_every_status_and_is_repeatable(db, capsys):
    call_command("seed_demo", learners=120, seed=7)
    out = capsys.readouterr().out
    assert "supervisor@example.org" in out
    learners = User.objects.filter(user_type=User.Type.LEARNER)
    assert learners.count() == 120
    assert set(learners.values_list("subscription_status", flat=True)) >= {
        User.Status.FULL_USER,
        User.Status.PROSPECT,
        User.Status.INVITED,
    }
    assert User.objects.filter(user_type=User.Type.EMPLOYER).exists()
    assert User.objects.filter(user_type=User.Type.REFERRER).exists()
    for learner in learners[:5]:
        learner.full_clean(exclude=["password"])

    call_command("seed_demo", learners=120, seed=7, if_empty=True)
    assert "already has users" in capsys.readouterr().out
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 120


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


def test_the_same_seed_gives_the_same_learners(db):
    first = _seeded_learners(11)
    assert first == _seeded_learners(11)
    assert first != _seeded_learners(12)


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """seed_demo's 300 learners (seed 7), loaded once for the tests below that only read them,
    in a transaction rolled back after the module's last test; each test runs in a savepoint
    inside it."""
    # The tests' fast password hasher (conftest's _fast_passwords is per test, set up after this).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        call_command("seed_demo", learners=300, seed=7, stdout=io.StringIO())
        analyze_loaded_tables()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(db, _demo_once):
    return None


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
