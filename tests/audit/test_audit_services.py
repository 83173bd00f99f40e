"""The audit app's own write path: access events and the bulk writer of background jobs."""

import datetime

from django.utils import timezone

from audit.context import acting_as, current_actor
from audit.models import AuditEntry
from audit.services import bulk_log_changes, log_access
from programmes.ilr.models import IlrLearner
from tests.crm.factories import NoteFactory
from tests.factories import UserFactory, make_ilr


def test_an_access_event_is_filed_under_the_record_s_learner(tutor, learner):
    note = NoteFactory(learner=learner)

    entry = log_access(
        note, kind="download", detail="notes.pdf", actor=tutor, remote_addr="10.0.0.9"
    )

    assert entry.action == AuditEntry.Action.ACCESS
    assert entry.changes == {"download": ["", "notes.pdf"]}
    assert entry.learner_id == learner.pk
    assert entry.actor == tutor
    assert entry.actor_email == tutor.email
    assert entry.remote_addr == "10.0.0.9"


def test_an_access_event_without_an_actor_names_the_service_s_actor(tutor, learner):
    with acting_as(tutor):
        entry = log_access(learner, kind="viewed", detail="Special-category data")

    assert entry.actor == tutor
    assert entry.learner_id == learner.pk


def test_acting_as_nests_and_restores_the_outer_actor(tutor, supervisor):
    with acting_as(tutor):
        with acting_as(supervisor):
            assert current_actor() == supervisor
        assert current_actor() == tutor
    assert current_actor() is None


def test_the_bulk_writer_changes_every_record_and_writes_one_entry_each(tutor, learner):
    ilrs = [make_ilr(learner), make_ilr(UserFactory())]
    when = timezone.make_aware(datetime.datetime(2026, 5, 1, 9, 30))
    values = {"last_exported_at": when, "last_export_file": "ILR-10000001-2526-01.XML"}

    changed = bulk_log_changes(
        IlrLearner.objects.filter(pk__in=[i.pk for i in ilrs]),
        values,
        actor=tutor,
        remote_addr="10.0.0.9",
        timestamp=when,
    )

    assert changed == 2
    for ilr in ilrs:
        ilr.refresh_from_db()
        assert ilr.last_export_file == "ILR-10000001-2526-01.XML"
        entry = AuditEntry.objects.get_for_object(ilr).get(action=AuditEntry.Action.UPDATE)
        assert entry.changes["last_export_file"][1] == "ILR-10000001-2526-01.XML"
        assert set(entry.changes) == {"last_exported_at", "last_export_file"}
        assert entry.learner_id == ilr.learner_id
        assert entry.actor == tutor
        assert entry.remote_addr == "10.0.0.9"
        assert entry.timestamp == when
        assert entry.additional_data == {"version": ilr.version}
