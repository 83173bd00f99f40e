import datetime

import factory
from django.utils import timezone

from activity.models import ActivityEvent, Task
from tests.factories import AdminFactory, UserFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityEvent

    user = factory.SubFactory(UserFactory)
    kind = ActivityEvent.Kind.PAGE_VISIT
    area = ActivityEvent.Area.PROGRAMME_DETAILS
    occurred_at = factory.LazyFunction(timezone.now)


class SignInFactory(VisitFactory):
    kind = ActivityEvent.Kind.SIGN_IN
    area = ""


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    learner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Finish unit {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    created_by = factory.SubFactory(AdminFactory)
