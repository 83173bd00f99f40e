"""One worker pass in the test's own process, for whichever queue the test's settings chose."""

import signal

import django_rq
import rq
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_rq import RQBackend


def run_queued_tasks() -> None:
    """Run every task waiting in the default backend's queue, then return.

    In this process and thread, so the worker sees the test's uncommitted data: db_worker in
    batch mode, or RQ's SimpleWorker in burst mode (the usual RQ worker forks a child per job,
    and a child would have a database connection of its own).
    """
    backend = task_backends["default"]
    if isinstance(backend, RQBackend):
        # RQ installs its own SIGINT/SIGTERM handlers for a warm shutdown: give pytest its own
        # back, so Ctrl+C still stops the test run.
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            worker = django_rq.get_worker("default", worker_class=rq.SimpleWorker)
            worker.work(burst=True)
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
    elif isinstance(backend, DatabaseBackend):
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    else:
        raise AssertionError(f"No worker to run for {type(backend).__name__}")
