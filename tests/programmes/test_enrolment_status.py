import pytest

from audit.models import AuditEntry
from programmes.models import Enrolment
from tests.factories import EnrolmentFactory

S = Enrolment.Status


def url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/status/"


@pytest.fixture
def enrolment(learner):
    return EnrolmentFactory(learner=learner, status=S.ACTIVE)


def test_anonymous_is_redirected_to_login(client, enrolment):
    assert client.get(url(enrolment))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, enrolment):
    assert as_user(outsider).post(url(enrolment), {"status": "ON_A_BREAK"}).status_code == 404


def test_another_learners_enrolment_is_404(as_user, supervisor, enrolment, tree):
    other = EnrolmentFactory()
    bad_url = f"/users/{enrolment.learner_id}/programmes/{other.pk}/status/"
    assert as_user(supervisor).get(bad_url).status_code == 404


def test_without_edit_programme_details_gets_403(as_user, tutor, enrolment):
    assert as_user(tutor).post(url(enrolment), {"status": "ON_A_BREAK"}).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE


def test_changes_the_status_and_audits_it(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), {"status": "ON_A_BREAK", "version": 1})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == S.ON_A_BREAK
    entry = AuditEntry.objects.filter(learner=enrolment.learner).latest("pk")
    assert entry.actor == supervisor
    assert entry.changes_dict["status"] == ["ACTIVE", "ON_A_BREAK"]


def test_a_forbidden_change_is_refused_naming_the_allowed_ones(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, status=S.READY_TO_ENROL)
    response = as_user(supervisor).post(url(enrolment), {"status": "COMPLETE"})
    assert response.status_code == 200
    [message] = response.context["form"].errors["status"]
    assert message == (
        "A programme cannot go from Ready to Enrol to Complete. Allowed changes: Active."
    )
    enrolment.refresh_from_db()
    assert enrolment.status == S.READY_TO_ENROL


def test_a_final_status_allows_no_change(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, status=S.COMPLETE)
    response = as_user(supervisor).post(url(enrolment), {"status": "ACTIVE"})
    assert "Allowed changes: none: it is final." in response.context["form"].errors["status"][0]


def test_stopping_goes_through_the_stop_page(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), {"status": "STOPPED"})
    assert "Use Stop programme" in response.context["form"].errors["status"][0]
    enrolment.refresh_from_db()
    assert enrolment.status == S.ACTIVE


def test_the_form_names_the_allowed_changes(as_user, supervisor, enrolment):
    body = as_user(supervisor).get(url(enrolment)).content.decode()
    assert "Allowed from Active: On a Break, Entered EPA, Pending Change of Programme" in body


def test_the_profile_offers_change_status_and_stop_only_with_the_permission(
    as_user, supervisor, tutor, enrolment
):
    stop_url = f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/stop/"
    profile = f"/users/{enrolment.learner_id}/"
    body = as_user(supervisor).get(profile).content.decode()
    assert url(enrolment) in body
    assert stop_url in body
    body = as_user(tutor).get(profile).content.decode()
    assert url(enrolment) not in body
    assert stop_url not in body


def test_an_ended_programme_offers_no_actions(as_user, supervisor, learner):
    ended = EnrolmentFactory(learner=learner, status=S.STOPPED, is_current=False)
    assert url(ended) not in as_user(supervisor).get(f"/users/{learner.pk}/").content.decode()
