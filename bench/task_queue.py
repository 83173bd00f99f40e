"""Task-queue benchmark: import and export 10,000 learners THROUGH THE QUEUE, with one and with
two workers (issue 12, point 8).

Run it with ``make bench`` (which migrates first), or alone::

    DATABASE_URL=postgres://... python bench/task_queue.py

(Not ``queue.py``: Python puts a script's own directory first on its path, so a ``bench/queue.py``
would stand in for the standard library's ``queue`` in every bench script and break its start.)

Meant for PostgreSQL. With SQLite it runs, but two workers take turns on SQLite's one database
write lock (and the import's chunks take turns on the job's row), so the second worker cannot help.

What it does:

1. Seeds the database once with bench/ilr_export.py's 10,000 learners with ILRs (bulk_create;
   reused when already there).
2. For one worker, then for two: copies the database to a scratch database (PostgreSQL:
   ``CREATE DATABASE ... TEMPLATE``; SQLite: a copy of the file), so every run starts from the
   same data, and in a child process pointed at that copy:
   - starts N real ``manage.py db_worker`` processes (the database backend);
   - export: queues the batch ILR export of the 10,000 learners and polls its job row until
     it is ready (one task: one XML file with one serial number, so the second worker is idle);
   - import: turns that file into 10,000 new people (new LearnRefNumbers, ULNs, names and
     emails, no NI numbers), uploads it as an ILR import job into a new group and polls the job
     row until Done (the import fans out into chunk tasks the workers share);
   - stops the workers and deletes the files it stored.
   The scratch database is dropped (or deleted) at the end, so nothing the bench imported is
   left behind and re-running it gives comparable figures.
3. Prints ``workers | import 10,000 s | export 10,000 s | learners/s`` (learners/s is the
   import's), and the queue wait: how long the job waited before a worker started it.

Options: ``--learners N`` (default 10000).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This file is named like the standard library's ``queue``: take the bench folder off the path
# before anything imports that module, and import the other bench by its package path.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *[p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from lxml import etree  # noqa: E402

from aptem.validators import uln_check_digit  # noqa: E402
from bench import ilr_export  # noqa: E402
from programmes.ilr import export_job, import_tasks, tasks, xml_file  # noqa: E402
from programmes.ilr.import_models import IlrImport  # noqa: E402
from programmes.ilr.models import IlrExport, IlrLearner  # noqa: E402
from users.models import Group  # noqa: E402

WORKER_COUNTS = (1, 2)
TIMEOUT_SECONDS = 3600
IMPORT_PREFIX = "IQ"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    # Internal: run one measurement in a child process pointed at a scratch database.
    parser.add_argument("--measure-with-workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_with_workers:
        print(json.dumps(measure(args.measure_with_workers, args.learners)))
        return 0

    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        print(f"The queue bench copies the database: {vendor} is not supported.")
        return 1
    print(f"Task-queue bench on {vendor}: {args.learners:,} learners through db_worker processes.")
    if vendor == "sqlite":
        print(
            "Note: SQLite has one write lock for the whole database, so two workers take turns "
            "on it; use PostgreSQL (DATABASE_URL=postgres://...) for figures that mean something."
        )
    seed(args.learners)
    results = [run_on_scratch_copy(workers, args.learners) for workers in WORKER_COUNTS]
    print()
    count = f"{args.learners:,}"
    print(f"workers | import {count} s | export {count} s | learners/s")
    for r in results:
        print(
            f"{r['workers']:>7} | {r['import_s']:>{9 + len(count)}.1f} | "
            f"{r['export_s']:>{9 + len(count)}.1f} | {r['learners_per_s']:>10.0f}"
        )
    print()
    for r in results:
        print(
            f"{r['workers']} worker(s): import {r['import_status']} ({r['imported']} learners "
            f"created, {r['chunks']} chunk tasks), waited {r['import_wait_s']:.1f} s for a worker; "
            f"export {r['export_status']}, waited {r['export_wait_s']:.1f} s."
        )
    ok = all(
        r["import_status"] == "Done" and r["export_status"] == "Ready to download" for r in results
    )
    return 0 if ok else 1


def seed(learners: int) -> None:
    viewer, group, programme = ilr_export.ensure_setup()
    have = IlrLearner.objects.filter(learn_ref_number__startswith=ilr_export.REF_PREFIX).count()
    if have < learners:
        started = time.perf_counter()
        ilr_export.create_learners(group, programme, have, learners)
        print(f"Created {learners - have} learners in {time.perf_counter() - started:.1f} s")
    ilr_export.clear_previous_exports(viewer)
    connection.close()  # PostgreSQL copies a database only while nobody is connected to it


def run_on_scratch_copy(workers: int, learners: int) -> dict:
    """One measurement in a child process on a fresh copy of the seeded database."""
    source = connection.settings_dict
    scratch = f"{source['NAME']}_queue_bench"
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{source["NAME"]}"')
        url = (
            f"postgres://{source['USER']}:{source['PASSWORD']}@{source['HOST'] or '127.0.0.1'}"
            f":{source['PORT'] or 5432}/{scratch}"
        )
    else:
        scratch = str(Path(source["NAME"]).with_suffix(".queue-bench.sqlite3"))
        shutil.copyfile(source["NAME"], scratch)
        url = f"sqlite:///{scratch}"
    try:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                f"--learners={learners}",
                f"--measure-with-workers={workers}",
            ],
            cwd=ROOT,
            env=_env(url),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    finally:
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        else:
            Path(scratch).unlink(missing_ok=True)
    if child.returncode != 0:
        sys.stderr.write(child.stdout + child.stderr)
        raise SystemExit(
            f"The measurement with {workers} worker(s) failed; the workers' output is in "
            f"{_worker_log()}."
        )
    return json.loads(child.stdout.strip().splitlines()[-1])


def _env(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    # Through the database queue, whatever this shell is set up for.
    for name in ("TASKS_IMMEDIATE", "REDIS_URL"):
        env.pop(name, None)
    return env


def measure(workers: int, learners: int) -> dict:
    """In the child process (DATABASE_URL is the scratch copy): start the workers, export, then
    import, each through the queue, and stop the workers."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    viewer, _, _ = ilr_export.ensure_setup()
    processes = [_start_worker() for _ in range(workers)]
    stored: list[str] = []
    try:
        export, export_s = _export(viewer)
        stored.append(export.file.name)
        with export.file.open("rb") as handle:
            content = _new_people(handle.read())
        job, import_s = _import(viewer, content)
        stored.append(job.file.name)
    finally:
        for process in processes:
            _stop(process)
        for name in stored:
            default_storage.delete(name)
    return {
        "workers": workers,
        "export_s": export_s,
        "export_status": export.get_status_display(),
        "export_wait_s": _queue_wait(export.task_result_id),
        "import_s": import_s,
        "import_status": job.get_status_display(),
        "import_wait_s": _queue_wait(job.task_result_id),
        "imported": job.rows.filter(outcome="created").count(),
        "chunks": -(-job.total // import_tasks.CHUNK_SIZE),
        "learners_per_s": job.done / import_s,
    }


def _queue_wait(result_id: str) -> float:
    """Seconds the job's (first) task waited in the queue before a worker took it."""
    result = DBTaskResult.objects.get(pk=result_id)
    return (result.started_at - result.enqueued_at).total_seconds()


def _start_worker() -> subprocess.Popen:
    # --no-reload: the autoreloader would run the worker in a child process a stop misses.
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(
        [*command, "--interval", "0.1"],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
        # The workers' own output, for when a run goes wrong (the path is printed then).
        stdout=_worker_log().open("ab"),
        stderr=subprocess.STDOUT,
    )


def _worker_log() -> Path:
    return Path(tempfile.gettempdir()) / "portal-queue-bench-workers.log"


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until(model, pk: int, finished: set[str]):
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        job = model.objects.get(pk=pk)
        if job.status in finished or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def _export(viewer) -> tuple[IlrExport, float]:
    started = time.perf_counter()
    export = tasks.export_start(
        viewer=viewer,
        year=xml_file.CURRENT.year,
        filters=export_job.ExportFilters(include_unverified=True),
    )
    finished = {IlrExport.Status.READY, IlrExport.Status.FAILED}
    export = _wait_until(IlrExport, export.pk, finished)
    seconds = time.perf_counter() - started
    if export.status != IlrExport.Status.READY:
        raise SystemExit(f"The export did not finish: {export.error}")
    return export, seconds


def _new_people(content: bytes) -> bytes:
    """The exported file with every learner made a new person, so the import creates them all
    (the seeded ones would only be updated, or reported as possible duplicates)."""
    root = etree.fromstring(content, xml_file.safe_parser())
    ns = xml_file.CURRENT.namespace
    for node in root.iterfind(f"{{{ns}}}LearnerDestinationandProgression"):
        root.remove(node)
    for n, node in enumerate(root.iterfind(f"{{{ns}}}Learner")):
        ref = node.find(f"{{{ns}}}LearnRefNumber")
        ref.text = IMPORT_PREFIX + ref.text[len(ilr_export.REF_PREFIX) :]
        node.find(f"{{{ns}}}ULN").text = _new_uln(n)
        node.find(f"{{{ns}}}GivenNames").text = "Queue"
        for name in ("NINumber",):
            for child in node.findall(f"{{{ns}}}{name}"):
                node.remove(child)
        for email in node.findall(f"{{{ns}}}Email"):
            email.text = f"queue{n}@example.invalid"
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _new_uln(n: int) -> str:
    """A valid ULN of its own for the ``n``th imported learner (a shared one would make them
    possible duplicates of each other): the first of 13 stems with a check digit."""
    for stem in range(200_000_000 + n * 13, 200_000_000 + n * 13 + 13):
        check = uln_check_digit(f"{stem}0")
        if check is not None:
            return f"{stem}{check}"
    raise ValueError(f"No valid ULN near learner {n}")


def _import(viewer, content: bytes) -> tuple[IlrImport, float]:
    group = Group.objects.add_root(instance=Group(name="Queue bench import"))
    started = time.perf_counter()
    job = import_tasks.import_start(
        upload=SimpleUploadedFile("queue-bench.xml", content),
        group=group,
        programme=None,
        actor=viewer,
    )
    finished = {IlrImport.Status.DONE, IlrImport.Status.FAILED}
    job = _wait_until(IlrImport, job.pk, finished)
    seconds = time.perf_counter() - started
    if job.status != IlrImport.Status.DONE:
        raise SystemExit(f"The import did not finish: {job.error}")
    return job, seconds


if __name__ == "__main__":
    sys.exit(main())
