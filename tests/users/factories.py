import factory

from tests.factories import AdminFactory
from users.notification_models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(AdminFactory)
    title = factory.Sequence(lambda n: f"Tracker {n} assigned to you")
    link = factory.Sequence(lambda n: f"/users/1/trackers/{n}/")
    kind = "tracker"
    actor = factory.SubFactory(AdminFactory)
