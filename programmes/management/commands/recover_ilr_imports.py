from django.core.management.base import BaseCommand

from programmes.ilr.import_tasks import recover_stalled


class Command(BaseCommand):
    help = (
        "Queue again each ILR import whose worker stopped answering (or fail it, with the "
        "reason, after its last attempt). Safe to repeat: run it every minute from cron."
    )

    def handle(self, *args, **options):
        changed = recover_stalled()
        self.stdout.write(f"{len(changed)} stalled ILR import{'s' if len(changed) != 1 else ''}.")
