import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from tests.factories import EnrolmentFactory, UserFactory


def test_learner_changes_are_linked_to_the_learner(learner):
    learner.mobile = "07700 900123"
    learner.save()
    entries = AuditEntry.objects.filter(learner=learner)
    assert entries.filter(action=AuditEntry.Action.CREATE).exists()
    assert entries.filter(changes__has_key="mobile").exists()


def test_records_a_learner_owns_are_linked_to_the_learner(learner):
    enrolment = EnrolmentFactory(learner=learner)
    entry = AuditEntry.objects.get(object_id=enrolment.pk, content_type__model="enrolment")
    assert entry.learner_id == learner.pk


def test_administrator_changes_are_not_linked_to_any_learner(tutor):
    assert not AuditEntry.objects.filter(object_id=tutor.pk, learner__isnull=False).exists()


def test_group_membership_changes_are_recorded(learner, tree):
    learner.groups.add(tree["south"])
    entry = AuditEntry.objects.filter(learner=learner, changes__has_key="groups").latest("pk")
    assert entry.changes_dict["groups"]["objects"] == ["South"]


def test_passwords_are_never_written_to_the_audit_trail(db):
    user = UserFactory()
    user.set_password("Another-pass-77!")
    user.save()
    for entry in AuditEntry.objects.filter(object_id=user.pk):
        assert "password" not in (entry.changes or {})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
def test_postgresql_refuses_to_change_or_delete_audit_entries(learner):
    entry = AuditEntry.objects.filter(learner=learner).first()
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.object_repr == "John Smith"


def test_deleting_a_user_keeps_their_audit_entries(tutor, learner):
    learner.last_name = "Changed"
    learner.save()
    before = AuditEntry.objects.count()
    UserFactory(email="temp@example.com").delete()
    assert AuditEntry.objects.count() >= before
