import datetime

import factory
from django.contrib.auth.models import Group as Role

from programmes.models import Enrolment, Programme
from users.models import Organisation, User

PASSWORD = "Correct-horse-9!"


def role(name: str) -> Role:
    return Role.objects.get(name=name)


def roles_named(names: list[str]) -> list[Role]:
    """The roles with these names, in one query (a user with every role otherwise took one a
    role); like ``role``, ``Role.DoesNotExist`` for a name no role has."""
    found = {r.name: r for r in Role.objects.filter(name__in=names)}
    missing = [name for name in names if name not in found]
    if missing:
        raise Role.DoesNotExist(f"No role named {', '.join(map(repr, missing))}.")
    return [found[name] for name in names]


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
            self.roles.set(roles_named(extracted))


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


def ilr_values(**overrides) -> dict:
    """A valid apprenticeship ILR (the minimal example in tests/programmes/ilr/fixtures) as
    element-name values; top-level elements can be overridden."""
    values = {
        "LearnRefNumber": "APP0001",
        "ULN": "1000000043",
        "FamilyName": "Example",
        "GivenNames": "Alex",
        "DateOfBirth": datetime.date(2000, 5, 17),
        "Ethnicity": 31,
        "Sex": "F",
        "LLDDHealthProb": 2,
        "NINumber": "AB123456C",
        "PostcodePrior": "ZZ99 9ZZ",
        "Postcode": "ZZ99 9ZZ",
        "AddLine1": "1 Example Street",
        "TelNo": "01234567890",
        "Email": "alex@example.invalid",
        "PriorAttain": [{"PriorLevel": 3, "DateLevelApp": datetime.date(2025, 9, 1)}],
        "LearnerEmploymentStatus": [
            {
                "EmpStat": 10,
                "DateEmpStatApp": datetime.date(2025, 8, 31),
                "EmpId": 154549452,
                "EmploymentStatusMonitoring": [
                    {"ESMType": "LOE", "ESMCode": 4},
                    {"ESMType": "EII", "ESMCode": 8},
                ],
            }
        ],
        "LearningDelivery": [
            {
                "LearnAimRef": "ZPROG001",
                "AimType": 1,
                "AimSeqNumber": 1,
                "LearnStartDate": datetime.date(2025, 9, 1),
                "LearnPlanEndDate": datetime.date(2026, 9, 30),
                "FundModel": 36,
                "PHours": 400,
                "ProgType": 25,
                "StdCode": 91,
                "DelLocPostCode": "ZZ99 9ZZ",
                "EPAOrgID": "EPA0001",
                "CompStatus": 1,
                "SWSupAimId": "2f1c6d0e-1b7a-4c1e-9a55-0d8b2c7f4e11",
                "LearningDeliveryFAM": [
                    {"LearnDelFAMType": "SOF", "LearnDelFAMCode": "105"},
                    {
                        "LearnDelFAMType": "ACT",
                        "LearnDelFAMCode": "1",
                        "LearnDelFAMDateFrom": datetime.date(2025, 9, 1),
                    },
                ],
                "AppFinRecord": [
                    {
                        "AFinType": "TNP",
                        "AFinCode": 1,
                        "AFinDate": datetime.date(2025, 9, 1),
                        "AFinAmount": 9000,
                    },
                    {
                        "AFinType": "TNP",
                        "AFinCode": 2,
                        "AFinDate": datetime.date(2025, 9, 1),
                        "AFinAmount": 1000,
                    },
                ],
            },
            {
                "LearnAimRef": "50093186",
                "AimType": 3,
                "AimSeqNumber": 2,
                "LearnStartDate": datetime.date(2025, 9, 1),
                "LearnPlanEndDate": datetime.date(2026, 6, 30),
                "FundModel": 36,
                "ProgType": 25,
                "StdCode": 91,
                "DelLocPostCode": "ZZ99 9ZZ",
                "CompStatus": 1,
                "SWSupAimId": "7d0a3b52-5a3e-4c55-8f8e-2b9f5e0c1a77",
                "LearningDeliveryFAM": [
                    {"LearnDelFAMType": "SOF", "LearnDelFAMCode": "105"},
                    {
                        "LearnDelFAMType": "ACT",
                        "LearnDelFAMCode": "1",
                        "LearnDelFAMDateFrom": datetime.date(2025, 9, 1),
                    },
                ],
            },
        ],
    }
    values.update(overrides)
    return values


def make_ilr(learner: User, **overrides):
    """Save a valid ILR for ``learner``; its LearnRefNumber defaults to one unique per learner."""
    from django.db import transaction

    from programmes.ilr.data import save_tree
    from programmes.ilr.models import IlrLearner

    overrides.setdefault("LearnRefNumber", f"L{learner.pk}")
    with transaction.atomic():
        return save_tree(IlrLearner, ilr_values(**overrides), learner=learner)


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A projected milestone on the learner's programme (an enrolment is made when not given)."""

    class Meta:
        model = "programmes.Milestone"

    learner = factory.SubFactory(UserFactory)
    enrolment = factory.LazyAttribute(lambda o: EnrolmentFactory(learner=o.learner))
    description = factory.Sequence(lambda n: f"Milestone {n + 1}")
    date = datetime.date(2026, 6, 1)
    employer_weeks_remaining = 20


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Course"

    name = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"C{n}")


class LearnerCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.LearnerCourse"

    learner = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    started_on = datetime.date(2026, 2, 1)
    status = "IN_PROGRESS"
    progress = 10


class FunctionalSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.FunctionalSkillAssessment"

    learner = factory.SubFactory(UserFactory)
    subject = "ENGLISH"
    kind = "INITIAL"
    level = "E3"
    score = 55
    assessed_on = datetime.date(2026, 1, 10)
    assessor_name = "External Assessor"


# --- Learning plan, off-the-job ledger and onboarding wizard -----------------------------------


class ProgrammeComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.ProgrammeComponent"

    programme = factory.SubFactory(ProgrammeFactory)
    kind = "K"
    code = factory.Sequence(lambda n: f"K{n + 1}")
    title = factory.Sequence(lambda n: f"Knowledge of topic {n + 1}")
    order = factory.Sequence(lambda n: n)


class LearnerComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.LearnerComponent"

    enrolment = factory.SubFactory(EnrolmentFactory)
    learner = factory.SelfAttribute("enrolment.learner")
    kind = "S"
    code = factory.Sequence(lambda n: f"S{n + 1}")
    title = factory.Sequence(lambda n: f"Skill {n + 1}")


class OtjEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.OtjEntry"

    enrolment = factory.SubFactory(EnrolmentFactory)
    learner = factory.SelfAttribute("enrolment.learner")
    date = datetime.date(2026, 2, 2)
    hours = 2
    activity_type = "TEACHING"
    description = factory.Sequence(lambda n: f"Workshop {n}")
