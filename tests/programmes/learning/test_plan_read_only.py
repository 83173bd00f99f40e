import pytest

from programmes.learning.models import Certification, LearnerComponent, OtjEntry
from tests.factories import LearnerComponentFactory, OtjEntryFactory


@pytest.fixture
def on_a_break(enrolment):
    enrolment.status = "ON_A_BREAK"
    enrolment.save()
    return enrolment


def test_a_break_makes_the_plan_and_the_ledger_read_only(as_user, plan_editor, learner, on_a_break):
    component = LearnerComponentFactory(enrolment=on_a_break)
    entry = OtjEntryFactory(enrolment=on_a_break)
    client = as_user(plan_editor)
    base = f"/users/{learner.pk}"
    posts = [
        (f"{base}/learning-plan/components/add/", {"kind": "S", "code": "S9", "title": "x"}),
        (f"{base}/learning-plan/components/{component.pk}/edit/", {"kind": "S", "code": "S9"}),
        (f"{base}/learning-plan/components/{component.pk}/remove/", {}),
        (f"{base}/learning-plan/certifications/add/", {"kind": "CERTIFICATE", "title": "x"}),
        (f"{base}/learning-plan/evidence/add/", {"component": component.pk}),
        (f"{base}/otj/add/", {"date": "2026-02-02", "hours": "2"}),
        (f"{base}/otj/{entry.pk}/edit/", {"date": "2026-02-02", "hours": "9", "version": 1}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 409, url
        assert "Nothing was saved" in response.content.decode()
    assert list(LearnerComponent.objects.values_list("code", flat=True)) == [component.code]
    assert not Certification.objects.exists()
    assert OtjEntry.objects.get().hours == 2


def test_the_pages_say_so_and_offer_no_changes(as_user, plan_editor, learner, on_a_break):
    client = as_user(plan_editor)
    plan = client.get(f"/users/{learner.pk}/learning-plan/?tab=course").content.decode()
    assert "the learning plan is read-only" in plan
    assert "Add a component" not in plan
    ledger = client.get(f"/users/{learner.pk}/otj/").content.decode()
    assert "no hours can be logged or changed" in ledger
    assert "Log hours" not in ledger


def test_verifying_still_works_during_a_break(as_user, plan_editor, learner, on_a_break):
    entry = OtjEntryFactory(enrolment=on_a_break)
    url = f"/users/{learner.pk}/otj/{entry.pk}/verify/"
    assert as_user(plan_editor).post(url, {"version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert entry.is_verified
