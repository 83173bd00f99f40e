"""Recompute every learner's next progress review date (after a data import, or a bulk change
made outside the portal's pages)."""

from django.core.management.base import BaseCommand

from reviews.due_services import refresh_all


class Command(BaseCommand):
    help = "Recompute the stored next progress review date of every learner."

    def handle(self, *args, **options) -> None:
        kept, removed = refresh_all()
        self.stdout.write(f"Refreshed {kept} due date(s); removed {removed} no longer needed.")
