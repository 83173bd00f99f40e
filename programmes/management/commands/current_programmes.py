from django.core.management.base import BaseCommand, CommandError

from programmes.current import current_programme_mismatches, current_programmes_refresh


class Command(BaseCommand):
    help = (
        "Check that every user's current programme columns (the Users page's programme filter "
        "and sort) match their enrolments; --refresh recomputes them first (run it after "
        "writing enrolments in bulk, which sends no signals)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="Recompute every user first.")

    def handle(self, *args, refresh: bool, **options):
        if refresh:
            written = current_programmes_refresh()
            self.stdout.write(f"{written} users' current programme recomputed.")
        wrong = current_programme_mismatches()
        for row in wrong[:20]:
            self.stderr.write(str(row))
        if wrong:
            raise CommandError(f"{len(wrong)} users' current programme differs from enrolments.")
        self.stdout.write("Every user's current programme matches their enrolments.")
