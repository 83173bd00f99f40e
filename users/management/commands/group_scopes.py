from django.core.management.base import BaseCommand, CommandError

from users.scope import group_scope_mismatches, group_scopes_refresh


class Command(BaseCommand):
    help = (
        "Check that every user's group scope (scope_ids: the access scope and the Users page's "
        "group filter) matches their group memberships; --refresh recomputes it first (run it "
        "after writing memberships in bulk, which sends no signals)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="Recompute every user first.")

    def handle(self, *args, refresh: bool, **options):
        if refresh:
            written = group_scopes_refresh()
            self.stdout.write(f"{written} users' group scope recomputed.")
        wrong = group_scope_mismatches()
        for row in wrong[:20]:
            self.stderr.write(str(row))
        if wrong:
            raise CommandError(f"{len(wrong)} users' group scope differs from their groups.")
        self.stdout.write("Every user's group scope matches their groups.")
