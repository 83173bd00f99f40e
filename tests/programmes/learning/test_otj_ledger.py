import datetime
from decimal import Decimal

import pytest
import time_machine

from audit.models import AuditEntry
from programmes.learning.models import OtjEntry
from tests.factories import OtjEntryFactory, UserFactory

from .conftest import START

TODAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)  # 8 weeks after the start


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def list_url(learner):
    return f"/users/{learner.pk}/otj/"


def add_url(learner):
    return f"/users/{learner.pk}/otj/add/"


def good(**extra):
    return {
        "date": "2026-02-20",
        "hours": "3.5",
        "activity_type": "TEACHING",
        "description": "Data modelling workshop",
        **extra,
    }


# --- the ledger page ----------------------------------------------------------------------


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(list_url(learner))["Location"].startswith("/login/")
    assert client.post(add_url(learner), good())["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    client = as_user(outsider)
    assert client.get(list_url(learner)).status_code == 404
    assert client.post(add_url(learner), good()).status_code == 404
    assert not OtjEntry.objects.exists()


def test_a_colleague_sees_the_ledger_but_may_not_log(as_user, colleague, learner, enrolment):
    client = as_user(colleague)
    response = client.get(list_url(learner))
    assert response.status_code == 200
    assert b"Log hours" not in response.content
    assert client.get(add_url(learner)).status_code == 403
    assert client.post(add_url(learner), good()).status_code == 403
    assert not OtjEntry.objects.exists()


def test_the_ledger_shows_the_totals(as_user, plan_editor, learner, enrolment):
    for hours in ("20", "20", "10"):
        OtjEntryFactory(enrolment=enrolment, hours=Decimal(hours), date=START)
    response = as_user(plan_editor).get(list_url(learner))
    otj = response.context["otj"]
    assert (otj.minimum, otj.planned, otj.logged, otj.verified) == (
        enrolment.minimum_otj_hours,
        520,
        Decimal("50"),
        Decimal("0"),
    )
    assert otj.expected == Decimal("80.0")
    assert b"Warning: more than 4 weeks behind plan." not in response.content


def test_planned_hours_below_the_statutory_minimum_are_flagged(
    as_user, plan_editor, learner, enrolment
):
    client = as_user(plan_editor)
    assert b"Planned hours below the minimum" not in client.get(list_url(learner)).content

    enrolment.programme.planned_otj_hours = enrolment.minimum_otj_hours - 1
    enrolment.programme.save()

    content = client.get(list_url(learner)).content.decode()
    assert "Planned hours below the minimum" in content
    assert f"at least {enrolment.minimum_otj_hours} off-the-job hours" in content


def test_the_ledger_warns_in_red_with_words_when_behind(as_user, plan_editor, learner, enrolment):
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("10"), date=START)
    content = as_user(plan_editor).get(list_url(learner)).content.decode()
    assert "alert-danger" in content
    assert "Warning: more than 4 weeks behind plan." in content


def test_a_learner_without_a_programme_is_told_what_to_do(as_user, plan_editor, learner):
    response = as_user(plan_editor).get(list_url(learner))
    assert response.status_code == 200
    assert b"not on a current programme" in response.content
    assert as_user(plan_editor).get(add_url(learner)).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_the_ledger_runs_a_fixed_number_of_queries(
    as_user, plan_editor, learner, enrolment, size, django_assert_num_queries
):
    for _n in range(size):
        OtjEntryFactory(enrolment=enrolment, created_by=plan_editor, verified_by=plan_editor)
    client = as_user(plan_editor)
    client.get(list_url(learner))
    # session, user, permissions, learner, its groups' scope, enrolment, totals, count, page
    with django_assert_num_queries(10):
        assert client.get(list_url(learner)).status_code == 200


def test_the_ledger_is_paginated(as_user, plan_editor, learner, enrolment):
    for _n in range(30):
        OtjEntryFactory(enrolment=enrolment)
    response = as_user(plan_editor).get(list_url(learner) + "?page=2")
    assert len(response.context["page"].object_list) == 5


# --- logging hours ------------------------------------------------------------------------


def test_logging_hours_saves_redirects_and_audits(as_user, plan_editor, learner, enrolment):
    response = as_user(plan_editor).post(add_url(learner), good())
    assert response.status_code == 302
    assert response["Location"] == list_url(learner)
    entry = OtjEntry.objects.get()
    assert (entry.hours, entry.enrolment, entry.created_by) == (
        Decimal("3.5"),
        enrolment,
        plan_editor,
    )
    audit = AuditEntry.objects.get_for_object(entry).get()
    assert audit.learner == learner
    assert audit.actor == plan_editor
    assert "hours" in audit.changes_dict


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "-2", "Enter more than 0 hours."),
        ("hours", "0", "Enter more than 0 hours."),
        ("hours", "24.5", "One entry cannot be more than 24 hours"),
        ("hours", "1000", "One entry cannot be more than 24 hours"),
        ("hours", "abc", "Enter a number."),
        ("date", "2026-03-03", "cannot be in the future"),
        ("date", "2025-12-31", "cannot be before the programme started (05/01/2026)"),
        ("date", "31/31/2026", "Enter a valid date."),
        ("activity_type", "NAP", "Select a valid choice"),
        ("description", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    as_user, plan_editor, learner, enrolment, field, value, message
):
    response = as_user(plan_editor).post(add_url(learner), good(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["description"].value() == good(**{field: value})["description"]
    assert not OtjEntry.objects.exists()


def test_a_day_after_the_programme_ended_is_refused(as_user, plan_editor, learner, enrolment):
    enrolment.end_date = datetime.date(2026, 2, 1)
    enrolment.save()
    response = as_user(plan_editor).post(add_url(learner), good(date="2026-02-10"))
    assert "The programme ended on 01/02/2026." in response.context["form"].errors["date"]


# --- editing and verifying ----------------------------------------------------------------


def edit_url(entry):
    return f"/users/{entry.learner_id}/otj/{entry.pk}/edit/"


def verify_url(entry):
    return f"/users/{entry.learner_id}/otj/{entry.pk}/verify/"


def test_editing_needs_the_permission(as_user, colleague, outsider, learner, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment)
    assert as_user(outsider).get(edit_url(entry)).status_code == 404
    assert as_user(colleague).post(edit_url(entry), good(version=1)).status_code == 403


def test_another_learners_entry_is_404(as_user, plan_editor, learner, enrolment, tree):
    other = OtjEntryFactory(enrolment__learner=UserFactory(groups=[tree["cohort"]]))
    url = f"/users/{learner.pk}/otj/{other.pk}/edit/"
    assert as_user(plan_editor).get(url).status_code == 404


def test_editing_saves_and_unverifies_changed_hours(as_user, plan_editor, supervisor, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment, verified_by=supervisor, verified_at=TODAY)
    response = as_user(plan_editor).post(edit_url(entry), good(hours="4", version=1))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.hours, entry.verified_at, entry.version) == (Decimal("4"), None, 2)
    assert "hours" in AuditEntry.objects.get_for_object(entry).latest("pk").changes_dict


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(as_user, plan_editor, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment, hours=Decimal("2"))
    client = as_user(plan_editor)
    client.post(edit_url(entry), good(hours="5", version=1))
    response = client.post(edit_url(entry), good(hours="7", version=1))
    assert response.status_code == 409
    assert "Someone else saved this entry after you opened the form" in response.content.decode()
    entry.refresh_from_db()
    assert entry.hours == Decimal("5")


def test_bad_input_on_edit_saves_nothing(as_user, plan_editor, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment, hours=Decimal("2"))
    response = as_user(plan_editor).post(edit_url(entry), good(hours="-1", version=1))
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.hours == Decimal("2")


def test_verifying_needs_the_permission(as_user, colleague, tutor, outsider, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment)
    assert as_user(outsider).post(verify_url(entry)).status_code == 404
    for viewer in (colleague, tutor):
        assert as_user(viewer).post(verify_url(entry)).status_code == 403
    entry.refresh_from_db()
    assert entry.verified_at is None


def test_verifying_is_post_only(as_user, plan_editor, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment)
    assert as_user(plan_editor).get(verify_url(entry)).status_code == 405


def test_verifying_records_who_and_when_and_audits(as_user, plan_editor, learner, enrolment):
    entry = OtjEntryFactory(enrolment=enrolment)
    response = as_user(plan_editor).post(verify_url(entry), {"version": entry.version})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.verified_by == plan_editor
    assert entry.verified_at is not None
    audit = AuditEntry.objects.get_for_object(entry).latest("pk")
    assert audit.learner == learner
    assert "verified_by" in audit.changes_dict
    assert audit.actor == plan_editor
