import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.trail import EMPTY, MASK
from tests.audit.helpers import change
from tests.factories import EnrolmentFactory


def url(user, query=""):
    return f"/audit/users/{user.pk}/{'?' + query if query else ''}"


@pytest.fixture
def history(learner, tutor, supervisor):
    """Three dated changes by two people, and an enrolment the learner owns."""
    change(learner, actor=tutor, at=datetime.datetime(2026, 3, 1, 9, 0), mobile="07700 900001")
    change(
        learner,
        actor=supervisor,
        at=datetime.datetime(2026, 6, 15, 14, 30),
        town="Leeds",
        reason="Moved house",
    )
    change(learner, actor=tutor, at=datetime.datetime(2026, 9, 20, 8, 0), county="West Yorks")
    EnrolmentFactory(learner=learner)
    return learner


def rows(response):
    return response.context["rows"]


def test_anonymous_is_sent_to_login(client, learner):
    response = client.get(url(learner))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_portal_access_is_enough_to_view_it(as_user, colleague, history):
    assert as_user(colleague).get(url(history)).status_code == 200


def test_shows_every_change_to_the_learner_and_their_records_newest_first(as_user, tutor, history):
    response = as_user(tutor).get(url(history))
    body = response.content.decode()
    found = rows(response)
    assert [r.timestamp for r in (row.entry for row in found)] == sorted(
        (row.entry.timestamp for row in found), reverse=True
    )
    assert {row.kind for row in found} == {"user", "enrolment"}
    assert "15/06/2026 14:30" in body  # UK time (BST), not UTC
    assert "Sam Supervisor" in body
    assert "Town or city" in body  # the field's verbose name
    assert "192.0.2.10" in body


def test_a_system_change_and_a_deleted_actor_are_named(as_user, tutor, learner, tree):
    from tests.factories import AdminFactory

    gone = AdminFactory(email="gone@example.org", groups=[tree["north"]])
    change(learner, actor=gone, mobile="07700 900002")
    gone.delete()
    response = as_user(tutor).get(url(learner))
    whos = [row.who for row in rows(response)]
    assert "gone@example.org" in whos
    assert "System" in whos  # the learner's creation by the factory


def test_the_reason_is_shown(as_user, tutor, history):
    body = as_user(tutor).get(url(history)).content.decode()
    assert "Moved house" in body


def test_group_changes_are_shown(as_user, tutor, learner, tree):
    learner.groups.add(tree["leeds"])
    response = as_user(tutor).get(url(learner))
    assert "Groups</span>: added Leeds" in response.content.decode()


def test_sensitive_values_are_masked_without_the_permission(as_user, tutor, supervisor, learner):
    change(
        learner, actor=supervisor, ni_number="CD654321A", date_of_birth=datetime.date(2000, 1, 2)
    )
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "CD654321A" not in body
    assert "AB123456C" not in body
    assert MASK in body
    assert "NI number" in body


def test_sensitive_values_are_shown_with_the_permission(as_user, supervisor, learner):
    change(
        learner, actor=supervisor, ni_number="CD654321A", date_of_birth=datetime.date(2000, 1, 2)
    )
    body = as_user(supervisor).get(url(learner)).content.decode()
    assert "AB123456C" in body
    assert "CD654321A" in body
    assert "02/01/2000" in body
    assert MASK not in body


def test_filters_by_date_range(as_user, tutor, history):
    client = as_user(tutor)
    found = rows(client.get(url(history, "date_from=01/06/2026&date_to=2026-06-30")))
    assert [row.reason for row in found] == ["Moved house"]
    assert len(rows(client.get(url(history, "date_from=2026-09-20")))) >= 2  # county + enrolment
    assert all(
        row.entry.timestamp.date() <= datetime.date(2026, 3, 1)
        for row in rows(client.get(url(history, "date_to=01/03/2026")))
    )


def test_filters_by_actor(as_user, tutor, supervisor, history):
    found = rows(as_user(tutor).get(url(history, f"actor={supervisor.pk}")))
    assert [row.who for row in found] == ["Sam Supervisor"]


def test_filters_system_changes(as_user, tutor, history):
    found = rows(as_user(tutor).get(url(history, "actor=system")))
    assert found
    assert all(row.who == "System" for row in found)


def test_filters_by_the_profile_section_names(as_user, tutor, history):
    response = as_user(tutor).get(url(history))
    choices = dict(response.context["filter"].form.fields["section"].choices)
    assert sorted(v for k, v in choices.items() if k) == ["Details", "Programme"]
    found = rows(as_user(tutor).get(url(history, "section=Programme")))
    assert found
    assert {row.kind for row in found} == {"enrolment"}
    assert {row.section for row in found} == {"Programme"}


def test_filters_combine(as_user, tutor, history):
    found = rows(
        as_user(tutor).get(url(history, f"section=Details&actor={tutor.pk}&date_from=01/09/2026"))
    )
    assert len(found) == 1
    assert found[0].changes[0].label == "County"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31/31/2026", "Enter a valid date."),
        (
            "date_from=2026-06-01&date_to=2026-05-01",
            "The end date must be on or after the start date, 01/06/2026.",
        ),
        ("actor=99999", "Select a valid choice."),
    ],
)
def test_bad_filters_show_a_clear_error(as_user, tutor, history, query, message):
    response = as_user(tutor).get(url(history, query))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "The filters could not be applied" in body
    assert response.context["rows"] == []


def test_paginates_25_a_page(as_user, tutor, learner):
    for n in range(30):
        change(learner, actor=tutor, mobile=f"07700 9{n:05d}")
    total = AuditEntry.objects.filter(learner=learner).count()
    assert 30 < total <= 50
    client = as_user(tutor)
    first = client.get(url(learner))
    assert len(rows(first)) == 25
    assert first.context["page"].paginator.count == total
    second = client.get(url(learner, "page=2"))
    assert len(rows(second)) == total - 25
    assert {r.entry.pk for r in rows(first)}.isdisjoint(r.entry.pk for r in rows(second))
    assert "page=2" in first.content.decode()


def test_export_link_shown_only_with_the_permission(as_user, tutor, colleague, history):
    export = f"/audit/users/{history.pk}/export.csv"
    assert export in as_user(tutor).get(url(history)).content.decode()
    assert export not in as_user(colleague).get(url(history)).content.decode()


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_runs_a_fixed_number_of_queries(as_user, tutor, supervisor, learner):
    client = as_user(tutor)
    change(learner, actor=tutor, mobile="07700 900001")
    EnrolmentFactory(learner=learner)
    small = _queries(client, url(learner))
    for n in range(40):
        change(learner, actor=supervisor if n % 2 else tutor, mobile=f"07700 9{n:05d}")
    EnrolmentFactory.create_batch(5, learner=learner)
    assert _queries(client, url(learner)) == small
    assert _queries(client, url(learner, "page=2")) == small
    assert AuditEntry.objects.filter(learner=learner).count() > 40


def test_linked_records_are_named_and_empty_fields_left_out(as_user, tutor, learner):
    change(learner, actor=tutor, case_owner=tutor)
    found = rows(as_user(tutor).get(url(learner)))
    texts = [c.as_text() for row in found for c in row.changes]
    assert f"Case owner: {EMPTY} → Tara Tutor" in texts
    created = next(row for row in found if row.action == "created")
    labels = [c.label for c in created.changes]
    assert "First name" in labels
    assert "Middle name" not in labels  # empty on creation
    assert "Enrolments" not in labels  # a reverse relation, not a field of the record


def test_masking_keeps_an_empty_side_empty(as_user, tutor, learner):
    rows = as_user(tutor).get(url(learner)).context["rows"]
    created = next(r for r in rows if r.action == "created" and r.kind == "user")
    ni = next(c for c in created.changes if c.label == "NI number")
    assert (ni.old, ni.new) == (EMPTY, MASK)
