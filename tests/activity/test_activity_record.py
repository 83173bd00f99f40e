import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils import timezone

from activity.models import ActivityEvent
from activity.services import activity_record
from audit.models import AuditEntry
from tests.factories import PASSWORD

Kind = ActivityEvent.Kind
Area = ActivityEvent.Area


def test_a_page_visit_is_recorded_with_its_area_and_time(learner):
    at = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)
    event = activity_record(user=learner, kind=Kind.PAGE_VISIT, area=Area.ONBOARDING, at=at)
    event.refresh_from_db()
    assert (event.user, event.kind, event.area, event.occurred_at) == (
        learner,
        Kind.PAGE_VISIT,
        Area.ONBOARDING,
        at,
    )


def test_a_sign_in_defaults_to_now_and_has_no_area(learner, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC), tick=False)
    event = activity_record(user=learner, kind="SIGN_IN")
    assert event.area == ""
    assert event.occurred_at == timezone.now()


@pytest.mark.parametrize(
    ("kind", "area"),
    [("PAGE_VISIT", None), ("PAGE_VISIT", "NOWHERE"), ("SIGN_IN", "ONBOARDING"), ("LOOK", None)],
)
def test_inconsistent_events_are_refused(learner, kind, area):
    with pytest.raises(ValueError, match=r"sign-in|page visit|not a valid"):
        activity_record(user=learner, kind=kind, area=area)
    assert not ActivityEvent.objects.exists()


def test_events_are_not_audited(learner):
    activity_record(user=learner, kind=Kind.PAGE_VISIT, area=Area.SUB_PROGRAMME)
    event_type = ContentType.objects.get_for_model(ActivityEvent)
    assert not AuditEntry.objects.filter(content_type=event_type).exists()


def test_a_real_sign_in_records_a_sign_in_event(client, learner):
    assert client.login(request=HttpRequest(), email=learner.email, password=PASSWORD)
    event = ActivityEvent.objects.get()
    assert (event.user, event.kind) == (learner, Kind.SIGN_IN)


def test_signing_in_through_the_login_page_records_it(client, tutor):
    response = client.post("/login/", {"username": tutor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert ActivityEvent.objects.filter(user=tutor, kind=Kind.SIGN_IN).count() == 1


def test_a_failed_sign_in_records_nothing(client, learner):
    client.post("/login/", {"username": learner.email, "password": "wrong"})
    assert not ActivityEvent.objects.exists()
