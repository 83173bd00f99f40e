from django.core.management.base import BaseCommand

from users.services import subscriptions_expire


class Command(BaseCommand):
    help = "Mark users whose subscription end date has passed as Expired (safe to repeat)."

    def handle(self, *args, **options):
        count = subscriptions_expire()
        self.stdout.write(f"{count} subscription{'s' if count != 1 else ''} expired.")
