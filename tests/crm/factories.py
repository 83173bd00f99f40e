import factory
from django.utils import timezone

from crm.models import CrmActivity, CrmContact, LearnerContact, Note
from tests.factories import AdminFactory, OrganisationFactory, UserFactory


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    learner = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Spoke to the learner about unit {n}.")
    created_by = factory.SubFactory(AdminFactory)


class CrmContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrmContact

    first_name = "Harriet"
    last_name = factory.Sequence(lambda n: f"Hr{chr(65 + n % 26)}")
    email = factory.Sequence(lambda n: f"hr{n}@employer.example")
    organisation = factory.SubFactory(OrganisationFactory)
    job_title = "HR manager"


class AdminLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerContact

    learner = factory.SubFactory(UserFactory)
    kind = LearnerContact.Kind.ADMIN
    admin = factory.SubFactory(AdminFactory)
    role = LearnerContact.Role.TUTOR


class CrmLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerContact

    learner = factory.SubFactory(UserFactory)
    kind = LearnerContact.Kind.CRM
    crm_contact = factory.SubFactory(CrmContactFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrmActivity

    learner = factory.SubFactory(UserFactory)
    activity_type = CrmActivity.Type.PHONE_CALL
    direction = CrmActivity.Direction.OUTBOUND
    occurred_at = factory.LazyFunction(timezone.now)
    duration_minutes = 15
    with_whom = CrmActivity.With.LEARNER
    subject = factory.Sequence(lambda n: f"Progress call {n}")
    created_by = factory.SubFactory(AdminFactory)
