import datetime

import pytest

from audit.models import AuditEntry
from programmes import services
from programmes.learning.models import LearnerComponent
from programmes.models import Enrolment, Programme
from tests.factories import EnrolmentFactory, ProgrammeComponentFactory, ProgrammeFactory


def url(learner):
    return f"/users/{learner.pk}/programmes/enrol/"


def good(programme, **extra):
    return {
        "programme": programme.pk,
        "start_date": "2026-01-01",
        "planned_end_date": "2027-01-01",
        "employer_start_date": "2025-11-03",
        "weekly_hours": "30",
        **extra,
    }


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    response = as_user(outsider).post(url(learner), good(ProgrammeFactory()))
    assert response.status_code == 404


def test_without_edit_programme_details_gets_403(as_user, colleague, tutor, learner):
    for viewer in (colleague, tutor):
        client = as_user(viewer)
        assert client.get(url(learner)).status_code == 403
        assert client.post(url(learner), good(ProgrammeFactory())).status_code == 403
    assert not Enrolment.objects.exists()


def test_the_profile_offers_enrol_only_with_the_permission(as_user, tutor, supervisor, learner):
    assert url(learner) not in as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert url(learner) in as_user(supervisor).get(f"/users/{learner.pk}/").content.decode()


def test_enrols_the_learner_shows_the_minimum_and_audits_it(as_user, supervisor, learner):
    programme = ProgrammeFactory(name="Data Analyst")
    client = as_user(supervisor)
    response = client.post(url(learner), good(programme))
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/#programmes"
    enrolment = Enrolment.objects.get()
    assert (enrolment.learner, enrolment.programme, enrolment.created_by) == (
        learner,
        programme,
        supervisor,
    )
    assert enrolment.status == Enrolment.Status.READY_TO_ENROL
    assert enrolment.is_current
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == supervisor
    assert entry.object_id == enrolment.pk
    body = client.get(response["Location"]).content.decode()
    assert "Data Analyst" in body
    assert "280" in body
    assert "Minimum off-the-job hours: 280" in body


def test_an_onboarding_programme_starts_in_onboarding(as_user, supervisor, learner):
    programme = ProgrammeFactory(kind=Programme.Kind.ONBOARDING)
    as_user(supervisor).post(url(learner), good(programme))
    assert Enrolment.objects.get().status == Enrolment.Status.ONBOARDING


def test_the_planned_end_must_be_after_the_start(as_user, supervisor, learner):
    response = as_user(supervisor).post(
        url(learner), good(ProgrammeFactory(), planned_end_date="2026-01-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["planned_end_date"] == [
        "The planned end date must be after the start date."
    ]
    assert not Enrolment.objects.exists()


def test_missing_dates_and_hours_are_refused(as_user, supervisor, learner):
    response = as_user(supervisor).post(url(learner), {"programme": ProgrammeFactory().pk})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"start_date", "planned_end_date", "weekly_hours"} <= set(errors)
    assert not Enrolment.objects.exists()


def test_weekly_hours_must_be_positive(as_user, supervisor, learner):
    response = as_user(supervisor).post(url(learner), good(ProgrammeFactory(), weekly_hours="0"))
    assert "weekly_hours" in response.context["form"].errors
    assert not Enrolment.objects.exists()


def test_a_second_current_delivery_programme_is_refused(as_user, supervisor, learner):
    EnrolmentFactory(learner=learner, programme__name="Data Analyst")
    response = as_user(supervisor).post(url(learner), good(ProgrammeFactory()))
    assert response.status_code == 200
    [message] = response.context["form"].errors["programme"]
    assert "already on a current delivery programme (Data Analyst)" in message
    assert Enrolment.objects.count() == 1


def test_one_onboarding_and_one_delivery_programme_may_be_current(as_user, supervisor, learner):
    EnrolmentFactory(learner=learner)
    onboarding = ProgrammeFactory(kind=Programme.Kind.ONBOARDING)
    assert as_user(supervisor).post(url(learner), good(onboarding)).status_code == 302
    assert learner.enrolments.filter(is_current=True).count() == 2


def test_an_ended_programme_does_not_block_a_new_one(as_user, supervisor, learner):
    EnrolmentFactory(learner=learner, is_current=False, status=Enrolment.Status.STOPPED)
    assert as_user(supervisor).post(url(learner), good(ProgrammeFactory())).status_code == 302


def test_the_form_explains_the_minimum_and_offers_active_programmes_only(
    as_user, supervisor, learner
):
    ProgrammeFactory(name="Retired programme", is_active=False)
    ProgrammeFactory(name="Live programme")
    body = as_user(supervisor).get(url(learner)).content.decode()
    assert "5.6 weeks" in body
    assert "Live programme" in body
    assert "Retired programme" not in body


def test_the_service_refuses_a_second_current_programme_made_meanwhile(learner, supervisor):
    EnrolmentFactory(learner=learner)
    data = {
        "start_date": datetime.date(2026, 1, 1),
        "planned_end_date": datetime.date(2027, 1, 1),
        "weekly_hours": 30,
    }
    with pytest.raises(services.AlreadyEnrolled):
        services.enrolment_create(
            learner=learner, programme=ProgrammeFactory(), data=data, actor=supervisor
        )
    assert Enrolment.objects.count() == 1


def test_enrolling_gives_the_learner_their_own_copy_of_the_programmes_components(
    as_user, supervisor, learner
):
    programme = ProgrammeFactory(kind=Programme.Kind.DELIVERY)
    ProgrammeComponentFactory(programme=programme, code="K1")
    ProgrammeComponentFactory(programme=programme, code="K2")

    as_user(supervisor).post(url(learner), good(programme))

    copied = LearnerComponent.objects.filter(learner=learner).order_by("code")
    assert [c.code for c in copied] == ["K1", "K2"]
    assert copied[0].enrolment.programme == programme
