"""The audit trail export above settings.EXPORT_INLINE_MAX_ROWS: a file export of the one
learner's trail, written as its creator, whose download is noted on the learner's trail."""

import csv
import io

import pytest

from audit.models import AuditEntry
from reporting.models import FileExport
from reporting.tasks import run_file_export
from users.models import Group


@pytest.fixture(autouse=True)
def _low_threshold(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def history(learner):
    for n in range(4):  # four saves: the create and these make five entries
        learner.first_name = f"Jon{n}"
        learner.save()
    return learner


def test_a_small_trail_still_streams(as_user, tutor, learner, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 100
    response = as_user(tutor).post(f"/audit/users/{learner.pk}/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert not FileExport.objects.exists()


def test_a_large_trail_becomes_a_file_with_every_entry(as_user, tutor, history):
    client = as_user(tutor)
    entries = AuditEntry.objects.filter(learner=history).count()
    response = client.post(f"/audit/users/{history.pk}/export.csv")
    job = FileExport.objects.get()  # the immediate backend has run it
    assert response["Location"] == f"/exports/{job.pk}/"
    assert job.status == FileExport.Status.READY, job.error
    assert job.label == "Audit trail of Jon3 Smith: all entries"
    assert job.file_name.startswith(f"audit-trail-{history.pk}-")
    assert job.file_name.endswith(f"-{entries}-rows.csv")

    download = client.get(f"/exports/{job.pk}/download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][0] == "When"
    assert len(rows) == 1 + entries + 1
    assert rows[-1] == [f"# {entries} rows"]
    # The download is noted on the learner's own trail.
    access = AuditEntry.objects.filter(learner=history, action=AuditEntry.Action.ACCESS).get()
    assert access.actor == tutor
    assert job.file_name in access.changes_dict["export"][1]


def test_a_learner_moved_out_of_the_creators_groups_is_not_exported(
    as_user, tutor, history, tree, settings
):
    # Queued in the database, so the learner moves before a worker takes the job.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    as_user(tutor).post(f"/audit/users/{history.pk}/export.csv")
    history.groups.set([Group.objects.get(name="South")])
    run_file_export.call(FileExport.objects.get().pk)
    job = FileExport.objects.get()
    assert job.status == FileExport.Status.FAILED
    assert "no longer see this user" in job.error


def test_the_audit_export_keeps_its_404_for_an_outsider(as_user, outsider, history):
    response = as_user(outsider).post(f"/audit/users/{history.pk}/export.csv")
    assert response.status_code == 404
    assert not FileExport.objects.exists()


def test_the_audit_export_without_data_export_gets_403(as_user, colleague, history):
    response = as_user(colleague).post(f"/audit/users/{history.pk}/export.csv")
    assert response.status_code == 403
    assert not FileExport.objects.exists()
