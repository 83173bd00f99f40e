"""The learner's current programme columns on users_user (the Users page's programme filter and
sort) stay equal to what their enrolments say through every path that changes enrolments, and
as derived data they write no audit entry and bump no version."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from programmes.current import current_programme_mismatches, current_programmes_refresh
from programmes.models import Enrolment, Programme
from tests.factories import AdminFactory, EnrolmentFactory, ProgrammeFactory, UserFactory
from users.models import User

S = Enrolment.Status


def stored(user: User) -> tuple:
    user.refresh_from_db()
    return user.current_programme_id, user.current_programme_name, user.current_programme_status


def assert_consistent() -> None:
    assert current_programme_mismatches() == []


def learner_entries(learner: User) -> int:
    """Audit entries about the user record itself (not its enrolments)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=learner.pk
    ).count()


@pytest.fixture
def superuser_client(client, db):
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    return client


def admin_post(client, url: str, **changes):
    """Post a Django admin form as shown, with ``changes``."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


def test_enrolling_through_the_form_sets_the_columns_without_audit_or_version(
    as_user, supervisor, learner
):
    programme = ProgrammeFactory(name="Data Analyst")
    entries, version = learner_entries(learner), learner.version
    response = as_user(supervisor).post(
        f"/users/{learner.pk}/programmes/enrol/",
        {
            "programme": programme.pk,
            "start_date": "2026-01-01",
            "planned_end_date": "2027-01-01",
            "weekly_hours": "30",
        },
    )
    assert response.status_code == 302
    assert stored(learner) == (programme.pk, "Data Analyst", S.READY_TO_ENROL)
    assert learner.version == version
    assert learner_entries(learner) == entries
    assert_consistent()


def test_a_status_change_updates_the_status(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, status=S.ACTIVE)
    version = learner.version
    url = f"/users/{learner.pk}/programmes/{enrolment.pk}/status/"
    response = as_user(supervisor).post(url, {"status": "ON_A_BREAK", "version": 1})
    assert response.status_code == 302
    assert stored(learner)[2] == S.ON_A_BREAK
    assert learner.version == version
    assert_consistent()


@pytest.mark.parametrize("action", ["stop", "progress"])
def test_stopping_or_progressing_leaves_no_current_programme(as_user, supervisor, learner, action):
    enrolment = EnrolmentFactory(learner=learner, status=S.ACTIVE)
    data = {"action": action, "end_date": "2026-06-01", "withdraw_reason": "44", "version": "1"}
    url = f"/users/{learner.pk}/programmes/{enrolment.pk}/stop/"
    assert as_user(supervisor).post(url, data).status_code == 302
    assert stored(learner) == (None, None, None)
    assert_consistent()


def test_stopping_one_of_two_current_programmes_shows_the_other(as_user, supervisor, learner):
    onboarding = EnrolmentFactory(
        learner=learner, status=S.ONBOARDING, start_date=datetime.date(2025, 9, 1)
    )
    delivery = EnrolmentFactory(learner=learner, start_date=datetime.date(2026, 1, 5))
    assert stored(learner)[0] == delivery.programme_id
    data = {"action": "stop", "end_date": "2026-06-01", "withdraw_reason": "44", "version": "1"}
    url = f"/users/{learner.pk}/programmes/{delivery.pk}/stop/"
    assert as_user(supervisor).post(url, data).status_code == 302
    assert stored(learner) == (onboarding.programme_id, onboarding.programme.name, S.ONBOARDING)
    assert_consistent()


def test_deleting_the_current_enrolment_clears_or_falls_back(learner):
    older = EnrolmentFactory(learner=learner, start_date=datetime.date(2025, 1, 1))
    newer = EnrolmentFactory(learner=learner, start_date=datetime.date(2026, 1, 1))
    assert stored(learner)[0] == newer.programme_id
    newer.delete()
    assert stored(learner)[0] == older.programme_id
    older.delete()
    assert stored(learner) == (None, None, None)
    assert_consistent()


def test_the_admin_adds_changes_switches_and_deletes_enrolments(superuser_client, learner):
    programme, other = ProgrammeFactory(name="Admin added"), ProgrammeFactory(name="Switched")
    enrolment = EnrolmentFactory(learner=learner, programme=programme)
    change = f"/admin/programmes/enrolment/{enrolment.pk}/change/"
    version = learner.version

    assert admin_post(superuser_client, change, programme=other.pk).status_code == 302
    assert stored(learner) == (other.pk, "Switched", S.ACTIVE)
    assert admin_post(superuser_client, change, status="COMPLETE").status_code == 302
    assert stored(learner)[2] == S.COMPLETE
    assert admin_post(superuser_client, change, is_current=False).status_code == 302
    assert stored(learner) == (None, None, None)
    assert admin_post(superuser_client, change, is_current="on").status_code == 302
    assert stored(learner)[0] == other.pk
    response = superuser_client.post(
        f"/admin/programmes/enrolment/{enrolment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert stored(learner) == (None, None, None)
    assert learner.version == version
    assert_consistent()


def test_moving_an_enrolment_to_another_learner_in_the_admin_fixes_both(
    superuser_client, learner, tree
):
    other_learner = UserFactory(groups=[tree["cohort"]])
    enrolment = EnrolmentFactory(learner=learner)
    change = f"/admin/programmes/enrolment/{enrolment.pk}/change/"
    assert admin_post(superuser_client, change, learner=other_learner.pk).status_code == 302
    assert stored(learner) == (None, None, None)
    assert stored(other_learner)[0] == enrolment.programme_id
    assert_consistent()


def test_renaming_a_programme_renames_it_on_its_learners_rows(superuser_client, learner):
    enrolment = EnrolmentFactory(learner=learner)
    programme = enrolment.programme
    response = admin_post(
        superuser_client,
        f"/admin/programmes/programme/{programme.pk}/change/",
        name="Renamed programme",
    )
    assert response.status_code == 302
    assert stored(learner)[1] == "Renamed programme"
    assert_consistent()


def test_renaming_through_the_model_and_saving_without_a_rename(learner):
    programme = EnrolmentFactory(learner=learner).programme
    programme.name = "Saved directly"
    programme.save()
    assert stored(learner)[1] == "Saved directly"
    again = Programme.objects.get(pk=programme.pk)
    again.is_active = False
    again.save()
    assert stored(learner)[1] == "Saved directly"
    assert_consistent()


def test_saving_the_user_never_writes_back_stale_columns(learner):
    stale = User.objects.get(pk=learner.pk)
    enrolment = EnrolmentFactory(learner=learner)
    stale.first_name = "Johnny"
    stale.save()
    assert stored(learner)[0] == enrolment.programme_id
    assert learner.first_name == "Johnny"
    assert_consistent()


def test_the_ilr_import_sets_the_columns_of_the_learners_it_creates(as_user, supervisor, tree):
    from tests.programmes.ilr.test_import import _distinct_sample, _post, _report, _upload

    programme = ProgrammeFactory(ilr_enabled=True, name="Imported ILRs")
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, programme, file=_upload(_distinct_sample())))
    learners = User.objects.filter(pk__in=[row["learner_pk"] for row in rows.values()])
    assert learners.count() == 19
    assert {u.current_programme_name for u in learners} == {"Imported ILRs"}
    assert_consistent()


def test_bulk_writes_are_caught_by_the_refresh_and_the_check_command(learner, capsys):
    enrolment = EnrolmentFactory(learner=learner)
    # QuerySet.update sends no signals: the check notices, the refresh mends.
    Enrolment.objects.filter(pk=enrolment.pk).update(status=S.ON_A_BREAK)
    with pytest.raises(CommandError, match="1 users"):
        call_command("current_programmes")
    call_command("current_programmes", refresh=True)
    assert stored(learner)[2] == S.ON_A_BREAK
    assert current_programmes_refresh([learner.pk]) == 1
    assert_consistent()
