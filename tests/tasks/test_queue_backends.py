"""Real work through the configured queue: enqueued, left waiting, then done by one worker
pass. Each test runs once per backend (see conftest.py): the database queue and RQ on Redis."""

import pytest
from django.contrib.auth.models import Group as Role
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import task_backends

from programmes.ilr import import_tasks, tasks, xml_file
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrExport, IlrLearner
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory, make_ilr
from tests.programmes.ilr.samples import distinct_sample

from .workers import run_queued_tasks

pytestmark = pytest.mark.usefixtures("queue_backend")


def test_the_tests_use_the_backend_they_are_given(queue_backend):
    backend = type(task_backends["default"]).__name__
    assert backend == {"database": "DatabaseBackend", "rq": "RQBackend"}[queue_backend]


def test_an_ilr_export_waits_for_a_worker_which_makes_the_whole_file(tutor, tree):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    programme = ProgrammeFactory(ilr_enabled=True)
    for number in range(3):
        learner = UserFactory(groups=[tree["cohort"]], last_name=f"Queued{number}")
        EnrolmentFactory(learner=learner, programme=programme)
        make_ilr(learner)

    export = tasks.export_start(
        viewer=tutor, year="2526", filters=tasks.export_job.ExportFilters(include_unverified=True)
    )
    # Queued, not run: nothing happens until a worker takes it.
    assert (export.status, export.total, export.done) == (IlrExport.Status.PENDING, 3, 0)

    run_queued_tasks()

    export.refresh_from_db()
    assert export.status == IlrExport.Status.READY, export.error or export.problems
    assert (export.done, export.total, export.attempts) == (3, 3, 1)
    with export.file.open("rb") as handle:
        assert xml_file.schema_errors(handle) == []
    assert IlrLearner.objects.filter(last_export_file=export.file_name).count() == 3


def test_an_ilr_import_waits_for_a_worker_which_imports_every_learner(supervisor, tree):
    job = import_tasks.import_start(
        upload=SimpleUploadedFile("Queued.xml", distinct_sample()),
        group=tree["cohort"],
        programme=None,
        actor=supervisor,
    )
    assert (job.status, job.done) == (IlrImport.Status.QUEUED, 0)

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.attempts) == (IlrImport.Status.DONE, 19, 19, 1)
    assert set(job.rows.values_list("outcome", flat=True)) == {"created"}


def test_a_worker_pass_with_nothing_queued_does_nothing(db):
    run_queued_tasks()
    assert not IlrExport.objects.exists()
