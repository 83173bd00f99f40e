import datetime

import factory
from django.contrib.auth.models import Group as Role

from programmes.models import Enrolment, Programme
from users.models import Organisation, User

PASSWORD = "Correct-horse-9!"


def role(name: str) -> Role:
    return Role.objects.get(name=name)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Employer {n} Ltd")
    kind = Organisation.Kind.EMPLOYER


class UserFactory(factory.django.DjangoModelFactory):
    """A learner ("User") by default; pass ``groups=[...]`` and ``roles=[names]``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    user_type = User.Type.LEARNER
    first_name = factory.Sequence(lambda n: f"Learner{chr(65 + n % 26)}")
    last_name = factory.Sequence(lambda n: f"Person{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    subscription_status = User.Status.FULL_USER
    subscription_start = datetime.date(2026, 1, 1)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([role(name) for name in extracted])


class AdminFactory(UserFactory):
    user_type = User.Type.ADMINISTRATOR
    first_name = factory.Sequence(lambda n: f"Admin{chr(65 + n % 26)}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    code = factory.Sequence(lambda n: f"P{n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    learner = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    status = Enrolment.Status.ACTIVE
    start_date = datetime.date(2026, 1, 5)
