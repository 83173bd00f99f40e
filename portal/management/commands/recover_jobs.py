"""Run every kind of background job's recovery once (aptem.jobs: one stall-and-retry policy).

A job whose worker vanished, or whose task left the queue without starting it, is queued again
until it has been started settings.TASKS_MAX_ATTEMPTS times, then failed with the reason. The
job pages do the same for the job they show; this command covers the jobs nobody is looking at.
Safe to repeat and to run beside the pages: run it every minute or two from cron or a systemd
timer. It lives in portal, the top layer, because it calls every app's recovery.
"""

from collections.abc import Callable

from django.core.management.base import BaseCommand

from programmes.ilr import import_tasks
from programmes.ilr import tasks as ilr_export_tasks
from reporting import tasks as file_export_tasks
from users import tasks as email_tasks

# Each returns one line per job it changed. A new kind of job adds its recovery here.
RECOVERIES: list[Callable[[], list[str]]] = [
    ilr_export_tasks.recover_stalled,
    import_tasks.recover_stalled,
    file_export_tasks.recover_stalled,
    # Not a recovery, but the same every-few-minutes housekeeping: export files past their
    # EXPORT_FILE_DAYS are deleted and their jobs marked Expired.
    file_export_tasks.delete_expired,
    email_tasks.recover_stalled,
]


class Command(BaseCommand):
    help = (
        "Queue again each background job (ILR exports and imports, file exports, emails) whose "
        "worker stopped or whose task left the queue, or fail it with the reason after its last "
        "attempt, and delete export files past their expiry. Safe to repeat: run it every "
        "minute or two from cron or a systemd timer."
    )

    def handle(self, *args, **options) -> None:
        changed = 0
        for recover in RECOVERIES:
            for line in recover():
                self.stdout.write(line)
                changed += 1
        self.stdout.write(f"{changed} stalled job{'' if changed == 1 else 's'} recovered.")
