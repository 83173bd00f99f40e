"""Fill an empty database with realistic demo data: groups, organisations, administrators with
roles, employers, referrers, programmes and learners in every status.

Learners are written with bulk inserts, so ``--learners 100000`` takes a minute or two on
PostgreSQL. Bulk inserts skip the audit trail on purpose: seeding is not an edit by anyone.
"""

import datetime
import io
import random
import string
from decimal import Decimal

import pypdf
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from activity.models import ActivityEvent, Task
from aptem.validators import fold_for_search, is_postcode_format, uln_check_digit
from compliance.models import DocumentType, ProgrammeRequirement
from compliance.sections import current_enrolment
from compliance.services import CannotCreate, compliance_document_create
from crm.models import CrmActivity, CrmContact, LearnerContact
from crm.services import activity_create
from documents.services import document_add
from programmes.current import current_programmes_refresh
from programmes.ilr import codes
from programmes.ilr.models import (
    AppFinRecord,
    IlrLearner,
    LearnerEmploymentStatus,
    LearningDelivery,
    LearningDeliveryFAM,
    LLDDandHealthProblem,
    PriorAttain,
)
from programmes.learning.models import LearnerComponent, OtjEntry, ProgrammeComponent
from programmes.learning.progress import planned_otj_hours
from programmes.models import (
    Course,
    Enrolment,
    FunctionalSkillAssessment,
    LearnerCourse,
    Milestone,
    Programme,
)
from reviews import services as review_services
from reviews.due_services import refresh_all as refresh_review_due
from reviews.models import Question, ReviewTemplate, TemplateSection
from signing import services as signing_services
from trackers.models import Tracker, TrackerType
from trackers.services import tracker_create
from users.models import Group, Organisation, User
from users.scope import group_scopes_refresh, scopes_by_group

DEMO_PASSWORD = "Demo-portal-2026!"
DEMO_LOGINS = [
    ("supervisor@example.org", "Supervisor who sees every group and holds every role"),
    (
        "tutor@example.org",
        "Tutor who sees the North region, creates and edits users and raises trackers",
    ),
    ("colleague@example.org", "View-only colleague in the North region (may add notes)"),
    ("learner@example.org", "Activated learner (John Smith): lands on their own page"),
]
DEMO_LEARNER = "learner@example.org"

REVIEW_SECTIONS = [
    (
        "Progress since the last review",
        [
            ("LONG_TEXT", "What has gone well since the last review?", True, ""),
            ("RATING", "How confident do you feel in your role (1 to 5)?", True, ""),
            ("PROGRESS_BLOCK", "Progress against the plan", False, ""),
            ("OTJ_BLOCK", "Off-the-job hours", False, ""),
        ],
    ),
    (
        "Wellbeing and support",
        [
            ("CHOICE", "How are you feeling?", True, "Good\nOkay\nStruggling"),
            ("YES_NO", "Do you need any extra support?", False, ""),
        ],
    ),
    (
        "Next steps",
        [
            ("TARGETS_BLOCK", "Open targets", False, ""),
            ("DATE", "Date agreed for the next review", False, ""),
        ],
    ),
]
REVIEW_ANSWERS = {
    "What has gone well since the last review?": "Completed the health and safety unit.",
    "How confident do you feel in your role (1 to 5)?": "4",
    "How are you feeling?": "Good",
    "Do you need any extra support?": "No",
}
REGIONS = {
    "North": ["Leeds centre", "Newcastle centre"],
    "Midlands": ["Birmingham centre", "Nottingham centre"],
    "South": ["Bristol centre", "Southampton centre"],
    "London": ["Camden centre", "Croydon centre"],
}
# name, code, type, apprenticeship, then (level, months, weekly hours, planned OTJ hours) for the
# delivery programmes. Standard codes are illustrative demo values, not checked against LARS.
PROGRAMMES = [
    ("Business Administrator Level 3", "BA3", Programme.Kind.DELIVERY, True, (3, 18, 30, 450)),
    (
        "Customer Service Practitioner Level 2",
        "CSP2",
        Programme.Kind.DELIVERY,
        True,
        (2, 12, 30, 300),
    ),
    ("Software Developer Level 4", "SD4", Programme.Kind.DELIVERY, True, (4, 24, 37, 700)),
    ("Team Leader Level 3", "TL3", Programme.Kind.DELIVERY, True, (3, 12, 37, 360)),
    ("Data Technician Level 3", "DT3", Programme.Kind.DELIVERY, True, (3, 18, 30, 450)),
    ("Adult Care Worker Level 2", "ACW2", Programme.Kind.DELIVERY, True, (2, 12, 30, 300)),
    ("Employability Skills", "EMP1", Programme.Kind.DELIVERY, False, None),
    ("Apprenticeship Onboarding", "ONB", Programme.Kind.ONBOARDING, False, None),
]
# Each programme's knowledge, skills and behaviours (kind, title), after its standard's KSBs;
# coded K1, S1, B1... in this order. Every programme has some, so progress can be measured.
COMPONENTS = {
    "BA3": [
        ("K", "The organisation's purpose, structure, values and stakeholders"),
        ("K", "Record and document production, storage and retrieval"),
        ("K", "Project management principles, tools and techniques"),
        ("S", "Professional communication in writing and in person"),
        ("S", "Using IT systems, software and data accurately"),
        ("S", "Planning and prioritising own workload"),
        ("S", "Improving a process and measuring the result"),
        ("B", "Professionalism: takes responsibility and keeps commitments"),
        ("B", "Adaptability and continuous self-development"),
    ],
    "CSP2": [
        ("K", "Knowing your customers and their needs"),
        ("K", "The organisation's products, services and procedures"),
        ("K", "Customer service legislation and data protection"),
        ("S", "Interpersonal skills: listening, questioning and rapport"),
        ("S", "Communication across channels: phone, email, face to face"),
        ("S", "Resolving complaints and escalating when needed"),
        ("B", "Personal presentation and a positive attitude"),
        ("B", "Taking ownership of the customer's issue"),
    ],
    "SD4": [
        ("K", "The software development lifecycle and delivery methods"),
        ("K", "Secure coding and common security vulnerabilities"),
        ("K", "Data structures, algorithms and data persistence"),
        ("K", "Testing: unit, integration and acceptance"),
        ("S", "Writing clean, maintainable, well-documented code"),
        ("S", "Version control and code review"),
        ("S", "Building and consuming APIs"),
        ("S", "Debugging and resolving defects"),
        ("S", "Automated testing and continuous integration"),
        ("B", "Works independently and in a team"),
        ("B", "Keeps up to date with technology"),
        ("B", "Applies logical thinking to problems"),
    ],
    "TL3": [
        ("K", "Leadership styles and when to use them"),
        ("K", "Managing performance and giving feedback"),
        ("K", "Budgeting and resource planning basics"),
        ("S", "Leading and motivating a team"),
        ("S", "Planning, organising and delegating work"),
        ("S", "Handling conflict and difficult conversations"),
        ("B", "Leads by example with integrity"),
        ("B", "Seeks feedback and acts on it"),
    ],
    "DT3": [
        ("K", "Data types, sources and structures"),
        ("K", "Data protection, security and ethics"),
        ("K", "Data quality and validation"),
        ("S", "Collecting, cleaning and preparing data"),
        ("S", "Querying data with SQL and spreadsheets"),
        ("S", "Presenting data in charts and dashboards"),
        ("S", "Documenting data processes"),
        ("B", "Attention to detail and accuracy"),
        ("B", "Curiosity and a problem-solving approach"),
    ],
    "ACW2": [
        ("K", "Duty of care, safeguarding and protection"),
        ("K", "Person-centred care and individual rights"),
        ("K", "Health and safety in care settings"),
        ("K", "Communication and record keeping in care"),
        ("S", "Supporting individuals' daily living and wellbeing"),
        ("S", "Infection prevention and control"),
        ("S", "Moving and positioning individuals safely"),
        ("B", "Care, compassion and courage"),
        ("B", "Working in partnership with others"),
    ],
    "EMP1": [
        ("K", "Job search routes and the local labour market"),
        ("K", "Rights and responsibilities at work"),
        ("S", "Writing a CV and a covering letter"),
        ("S", "Interview preparation and practice"),
        ("S", "Digital skills for applications"),
        ("B", "Reliability, timekeeping and attendance"),
    ],
    "ONB": [
        ("K", "The apprenticeship, its standard and end-point assessment"),
        ("K", "Off-the-job training and the commitment statement"),
        ("K", "Safeguarding, Prevent and wellbeing support"),
        ("S", "Initial assessment of English, maths and digital skills"),
        ("S", "Skills scan against the standard"),
        ("B", "Commitment to the training plan"),
    ],
}
# Weighted so most learners are active, with every status represented.
STATUS_WEIGHTS = [
    (User.Status.FULL_USER, 70),
    (User.Status.INVITED, 8),
    (User.Status.PROSPECT, 8),
    (User.Status.EXPIRED, 6),
    (User.Status.CANCELLED, 5),
    (User.Status.ARCHIVED, 3),
]
ENROLMENT_WEIGHTS = [
    (Enrolment.Status.ACTIVE, 60),
    (Enrolment.Status.ONBOARDING, 8),
    (Enrolment.Status.READY_TO_ENROL, 4),
    (Enrolment.Status.ON_A_BREAK, 5),
    (Enrolment.Status.ENTERED_EPA, 5),
    (Enrolment.Status.COMPLETE, 10),
    (Enrolment.Status.STOPPED, 4),
    (Enrolment.Status.WITHDRAWN, 4),
]
DEMO_COURSES = [
    ("FS-ENG-L2", "Functional Skills English Level 2"),
    ("FS-MATHS-L2", "Functional Skills Maths Level 2"),
    ("DIGI-ESS", "Essential Digital Skills"),
    ("GDPR", "Data protection and GDPR"),
    ("SAFE", "Safeguarding and Prevent"),
    ("EDI", "Equality, diversity and inclusion"),
]
# The columns seed_learner_components writes, in the order of its rows.
LEARNER_COMPONENT_COLUMNS = [
    "learner_id",
    "enrolment_id",
    "source_id",
    "kind",
    "code",
    "title",
    "order",
    "status",
    "completed_on",
    "created_at",
    "version",
]
NI_FIRST = "ABCEGHJKLMNPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
BATCH = 5000


class Command(BaseCommand):
    help = "Load demo data (only into an empty database with --if-empty) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=300, help="Number of learners.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeats.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when users already exist.",
        )

    def handle(self, *args, learners: int, seed: int | None, if_empty: bool, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users; demo data not loaded.")
        else:
            started = timezone.now()
            self.rng = random.Random(seed)
            self.faker = Faker("en_GB")
            self.faker.seed_instance(seed if seed is not None else self.rng.randrange(10**9))
            with transaction.atomic():
                self.seed(learners)
            elapsed = (timezone.now() - started).total_seconds()
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded: {learners} learners in {elapsed:.1f} s.")
            )
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("\nDemo logins (password for all: " + DEMO_PASSWORD + "):")
        for email, who in DEMO_LOGINS:
            self.stdout.write(f"  {email:<26} {who}")

    def seed(self, learner_count: int) -> None:
        self.groups = self.seed_groups()
        self.employers, self.referrers = self.seed_organisations()
        self.programmes = [
            Programme.objects.create(
                name=n, code=c, kind=k, is_apprenticeship=a, **_programme_details(i, details)
            )
            for i, (n, c, k, a, details) in enumerate(PROGRAMMES)
        ]
        self.seed_programme_components()
        self.admins = self.seed_administrators()
        self.employer_logins = self.seed_contacts()
        self.seed_learners(learner_count)
        self.seed_activity()
        self.seed_ilrs()
        self.seed_progress()
        self.seed_otj_hours()
        self.seed_learner_login()
        self.seed_learner_components()
        self.seed_documents()
        self.seed_compliance()
        self.seed_reviews()
        self.seed_trackers()
        self.seed_crm_activities()
        self.seed_reporting()
        # The learners' enrolments were bulk-created (no signals): their next review due dates
        # for the profile and the Reviews due page.
        refresh_review_due()

    def seed_reporting(self, learners: int = 20) -> None:
        """A few rows in the reporting feed's smaller tables (notes, CRM contacts, destinations,
        evidence, onboarding answers) and an API token for the supervisor, printed once, so the
        feed can be read from Excel or Power BI straight away (README: Reporting feed)."""
        from crm.models import CrmContact, Note
        from programmes.ilr.models import DestinationProgression, IlrLearner
        from programmes.learning.models import EvidenceItem, WizardProgress
        from reporting.odata.tokens import api_token_create

        today = timezone.localdate()
        admin = self.admins[0]
        ids = (
            User.objects.filter(user_type=User.Type.LEARNER)
            .order_by("pk")
            .values_list("pk", flat=True)[:learners]
        )
        Note.objects.bulk_create(
            Note(
                learner_id=pk, text=f"Called the learner: {self.faker.sentence()}", created_by=admin
            )
            for pk in ids
        )
        WizardProgress.objects.bulk_create(
            WizardProgress(
                learner_id=pk,
                step=WizardProgress.Step.INTRODUCTION,
                data={"prior_learning": "GCSE English and maths", "agreed": True},
                completed_at=timezone.now(),
                completed_by=admin,
            )
            for pk in ids[:10]
        )
        CrmContact.objects.bulk_create(
            CrmContact(
                first_name=self.faker.first_name(),
                last_name=self.faker.last_name(),
                email=f"contact{n}@employer{n}.example.com",
                organisation=employer,
                job_title="Training manager",
                created_by=admin,
            )
            for n, employer in enumerate(self.employers[:10])
        )
        DestinationProgression.objects.bulk_create(
            DestinationProgression(
                ilr=ilr,
                out_type="EMP",
                out_code=1,
                out_start_date=datetime.date(2025, 9, 1),
                out_coll_date=datetime.date(2025, 9, 1),
            )
            for ilr in IlrLearner.objects.order_by("pk")[:5]
        )
        EvidenceItem.objects.bulk_create(
            EvidenceItem(
                learner_id=component.learner_id,
                component=component,
                description="Witness statement from the line manager",
                date=today - datetime.timedelta(days=7),
            )
            for component in LearnerComponent.objects.order_by("pk")[:10]
        )
        supervisor = User.objects.get(email="supervisor@example.org")
        _, text = api_token_create(
            owner=supervisor,
            name="Demo Power BI report",
            expires_on=today + datetime.timedelta(days=90),
            actor=supervisor,
        )
        self.stdout.write(
            "\nReporting feed (OData): /odata/1.0/ with HTTP Basic, user name "
            f"supervisor@example.org and this API token as the password:\n  {text}"
        )

    def seed_programme_components(self) -> None:
        components = []
        for programme in self.programmes:
            numbers: dict[str, int] = {}
            for order, (kind, title) in enumerate(COMPONENTS[programme.code], start=1):
                numbers[kind] = numbers.get(kind, 0) + 1
                components.append(
                    ProgrammeComponent(
                        programme=programme,
                        kind=kind,
                        code=f"{kind}{numbers[kind]}",
                        title=title,
                        order=order,
                    )
                )
        ProgrammeComponent.objects.bulk_create(components)

    def seed_learner_components(self) -> None:
        """Every enrolment's own copy of its programme's components (what enrolling does), with
        completion near the time elapsed: most learners on pace, some behind, a few ahead, all
        done for completed programmes. About ten rows per learner, so they are written with one
        executemany of plain tuples: model instances through bulk_create cost several times
        as much, which 100,000 learners would feel."""
        rng = random.Random(self.rng.randrange(10**9))
        today = timezone.localdate()
        ops = connection.ops
        created_at = ops.adapt_datetimefield_value(timezone.now())
        by_programme: dict[int, list[ProgrammeComponent]] = {}
        for component in ProgrammeComponent.objects.order_by("order"):
            by_programme.setdefault(component.programme_id, []).append(component)
        enrolments = Enrolment.objects.values_list(
            "pk", "learner_id", "programme_id", "status", "start_date", "planned_end_date"
        ).order_by("pk")
        rows = []
        for pk, learner_id, programme_id, status, start, end in enrolments.iterator(2000):
            sources = by_programme.get(programme_id, [])
            done = _components_done(rng, len(sources), status, start, end, today)
            for index, c in enumerate(sources):
                completed_on = None
                if index < done:
                    step = (end - start) * (index + 1) / (len(sources) + 1) if end else 0
                    completed_on = ops.adapt_datefield_value(min(start + step, today))
                status_now = (
                    LearnerComponent.Status.COMPLETED
                    if index < done
                    else LearnerComponent.Status.NOT_STARTED
                )
                row = (learner_id, pk, c.pk, c.kind, c.code, c.title, c.order, str(status_now))
                rows.append((*row, completed_on, created_at, 1))
        columns = ", ".join(ops.quote_name(name) for name in LEARNER_COMPONENT_COLUMNS)
        sql = (
            f"INSERT INTO {ops.quote_name(LearnerComponent._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(LEARNER_COMPONENT_COLUMNS))})"
        )
        with connection.cursor() as cursor:
            for first in range(0, len(rows), 10000):
                cursor.executemany(sql, rows[first : first + 10000])

    def seed_groups(self) -> dict[str, list[Group]]:
        root = Group.objects.add_root(instance=Group(name="Regions"))
        regions, centres, cohorts = {}, [], []
        for region_name, centre_names in REGIONS.items():
            region = Group.objects.add_child(root, instance=Group(name=region_name))
            regions[region_name] = region
            for centre_name in centre_names:
                centre = Group.objects.add_child(region, instance=Group(name=centre_name))
                centres.append(centre)
                for year in (2025, 2026):
                    cohort_name = f"{centre_name.split()[0]} {year} cohort"
                    cohorts.append(
                        Group.objects.add_child(centre, instance=Group(name=cohort_name))
                    )
        contracts = Group.objects.add_root(instance=Group(name="Contracts"))
        for name in ("Levy", "Non-levy", "Adult skills"):
            Group.objects.add_child(contracts, instance=Group(name=name))
        return {"root": root, "regions": regions, "centres": centres, "cohorts": cohorts}

    def seed_organisations(self):
        employers = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=self.faker.unique.company(),
                    kind=Organisation.Kind.EMPLOYER,
                    email=f"hr{i}@employer{i}.example.com",
                    phone=self.faker.phone_number()[:20]
                    .replace("(", "")
                    .replace(")", "")
                    .replace("-", " "),
                    town=self.faker.city(),
                    postcode=self.faker.postcode(),
                )
                for i in range(30)
            ]
        )
        referrers = Organisation.objects.bulk_create(
            [
                Organisation(name=name, kind=Organisation.Kind.REFERRER)
                for name in (
                    "Jobcentre Plus Leeds",
                    "Careers Hub North",
                    "Youth Futures Trust",
                    "City Council Skills Team",
                    "Local Enterprise Partnership",
                )
            ]
        )
        Organisation.objects.bulk_create(
            [
                Organisation(name=name, kind=Organisation.Kind.SUPPLIER)
                for name in ("Assessment Partners Ltd", "EPA Centre UK", "Digital Skills Supply")
            ]
        )
        return employers, referrers

    def _person(self, **fields) -> User:
        user = User(**fields)
        user.email = user.email.lower() if user.email else None
        user.search_name = User.build_search_name(
            user.first_name, user.middle_name, user.last_name, user.preferred_name
        )
        return user

    def seed_administrators(self) -> list[User]:
        roles = {r.name: r for r in Role.objects.all()}
        password = make_password(DEMO_PASSWORD)
        north = self.groups["regions"]["North"]
        cast = [
            (
                "supervisor@example.org",
                "Sam",
                "Supervisor",
                list(roles),
                [self.groups["root"]],
                True,
            ),
            (
                "tutor@example.org",
                "Tara",
                "Tutor",
                [
                    "Standard administrator",
                    "Edit Learner Details",
                    "Create Users",
                    "Data Export",
                    "Edit Programme Details",
                    "Create Trackers",
                ],
                [north],
                False,
            ),
            (
                "colleague@example.org",
                "Colin",
                "Colleague",
                ["Standard administrator"],
                [north],
                False,
            ),
        ]
        admins = []
        for email, first, last, role_names, groups, staff in cast:
            admin = self._person(
                email=email,
                first_name=first,
                last_name=last,
                password=password,
                user_type=User.Type.ADMINISTRATOR,
                subscription_status=User.Status.FULL_USER,
                is_staff=staff,
                is_superuser=staff,
                job_title="Tutor" if not staff else "Manager",
                subscription_start=timezone.localdate(),
            )
            admin.save()
            admin.roles.set([roles[n] for n in role_names])
            admin.groups.set(groups)
            admins.append(admin)
        # Case owners across the regions, who cannot sign in with a known password.
        for region in self.groups["regions"].values():
            for _ in range(3):
                first, last = self.faker.first_name(), self.faker.last_name()
                admin = self._person(
                    email=f"{fold_for_search(first)}.{fold_for_search(last)}."
                    f"{self.rng.randrange(10**6)}@example.org".replace(" ", "").replace("'", ""),
                    first_name=first,
                    last_name=last,
                    user_type=User.Type.ADMINISTRATOR,
                    subscription_status=User.Status.FULL_USER,
                    password="!unusable",
                    job_title=self.rng.choice(["Tutor", "Assessor", "Skills coach"]),
                )
                admin.save()
                admin.roles.set([roles["Standard administrator"], roles["Edit Learner Details"]])
                admin.groups.set([region])
                admins.append(admin)
        return admins

    def seed_contacts(self) -> dict[int, list[User]]:
        """Employer logins (two per employer) and one referrer login per referrer."""
        centres = self.groups["centres"]
        logins: dict[int, list[User]] = {}
        people = []
        for i, org in enumerate(self.employers):
            for j in range(2):
                first, last = self.faker.first_name(), self.faker.last_name()
                people.append(
                    self._person(
                        email=f"contact{j}@employer{i}.example.com",
                        first_name=first,
                        last_name=last,
                        user_type=User.Type.EMPLOYER,
                        organisation=org,
                        subscription_status=self.rng.choice(
                            [User.Status.FULL_USER, User.Status.FULL_USER, User.Status.INVITED]
                        ),
                        password="!unusable",
                        job_title="Line manager",
                    )
                )
        for i, org in enumerate(self.referrers):
            people.append(
                self._person(
                    email=f"referrals@referrer{i}.example.org",
                    first_name=self.faker.first_name(),
                    last_name=self.faker.last_name(),
                    user_type=User.Type.REFERRER,
                    organisation=org,
                    subscription_status=User.Status.FULL_USER,
                    password="!unusable",
                )
            )
        User.objects.bulk_create(people)
        memberships = []
        for k, person in enumerate(people):
            memberships.append(
                User.groups.through(user_id=person.pk, group_id=centres[k % len(centres)].pk)
            )
            if person.user_type == User.Type.EMPLOYER:
                logins.setdefault(person.organisation_id, []).append(person)
        User.groups.through.objects.bulk_create(memberships)
        # bulk_create sends no signals: the people's group scope (users/scope.py).
        group_scopes_refresh(User.objects.filter(pk__in=[person.pk for person in people]))
        return logins

    def seed_learners(self, count: int) -> None:
        first_names = [self.faker.first_name() for _ in range(600)] + ["Zoë", "Chloé", "Siân"]
        last_names = [self.faker.last_name() for _ in range(1500)] + ["Ó Briain", "Brontë"]
        # Faker's UK street addresses can span two lines ("Studio 85w\nGray Ridge"); address
        # line 1 is one line, and a newline would change silently on the next form save.
        streets = [", ".join(self.faker.street_address().splitlines()) for _ in range(500)]
        towns = [(self.faker.city(), self.faker.postcode()) for _ in range(300)]
        statuses, status_w = zip(*STATUS_WEIGHTS, strict=True)
        enrol_statuses, enrol_w = zip(*ENROLMENT_WEIGHTS, strict=True)
        case_owners = {}
        for admin in self.admins[3:]:
            case_owners.setdefault(admin.groups.first().pk, []).append(admin)
        cohorts = self.groups["cohorts"]
        # Written with each learner row: bulk_create sends no signals (users/scope.py).
        scopes = scopes_by_group()
        today = timezone.localdate()
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            batch, cohort_of = [], []
            for n in range(done, done + size):
                if n == 0:
                    first, last = "John", "Smith"
                elif n == 1:
                    first, last = "Zoë", "Ashworth"
                else:
                    first, last = self.rng.choice(first_names), self.rng.choice(last_names)
                cohort = cohorts[n % len(cohorts)] if n > 1 else cohorts[0]
                cohort_of.append(cohort)
                status = self.rng.choices(statuses, status_w)[0]
                employer = self.rng.choice(self.employers)
                start = today - datetime.timedelta(days=self.rng.randrange(30, 900))
                town, postcode = self.rng.choice(towns)
                batch.append(
                    self._person(
                        email=f"{_slug(first)}.{_slug(last)}.{n}@learners.example.com",
                        first_name=first,
                        last_name=last,
                        user_type=User.Type.LEARNER,
                        title=self.rng.choice(["Mr", "Ms", "Mrs", "Miss", "Mx", ""]),
                        date_of_birth=today
                        - datetime.timedelta(days=self.rng.randrange(16 * 365, 55 * 365)),
                        sex=self.rng.choice(["F", "M"]),
                        mobile=f"07{self.rng.randrange(10**9):09d}",
                        address_line_1=self.rng.choice(streets),
                        town=town,
                        postcode=postcode,
                        ni_number=_ni_number(self.rng, n),
                        uln=_uln(self.rng),
                        reference_number=f"REF{n + 1:06d}",
                        subscription_status=status,
                        status_before_cancel=User.Status.FULL_USER
                        if status == User.Status.CANCELLED
                        else "",
                        subscription_start=start,
                        subscription_end=start
                        + datetime.timedelta(days=self.rng.randrange(365, 1100)),
                        organisation=employer,
                        password="!unusable",
                        created_at=timezone.now()
                        - datetime.timedelta(days=self.rng.randrange(0, 900)),
                    )
                )
            self._assign_people(batch, cohort_of, case_owners)
            for learner, cohort in zip(batch, cohort_of, strict=True):
                learner.scope_ids = scopes[cohort.pk]
            User.objects.bulk_create(batch, batch_size=1000)
            memberships, enrolments = [], []
            for learner, cohort in zip(batch, cohort_of, strict=True):
                memberships.append(User.groups.through(user_id=learner.pk, group_id=cohort.pk))
                if self.rng.random() < 0.9:
                    programme = self.rng.choice(self.programmes)
                    enrolments.append(
                        Enrolment(
                            learner_id=learner.pk,
                            programme=programme,
                            status=self.rng.choices(enrol_statuses, enrol_w)[0],
                            start_date=learner.subscription_start,
                            planned_end_date=learner.subscription_start
                            + datetime.timedelta(
                                days=round(30.44 * (programme.duration_months or 18))
                            ),
                            weekly_hours=programme.weekly_hours or 30,
                        )
                    )
            User.groups.through.objects.bulk_create(memberships, batch_size=2000)
            Enrolment.objects.bulk_create(enrolments, batch_size=2000)
            # bulk_create sends no signals: the Users page's current programme columns.
            current_programmes_refresh([learner.pk for learner in batch])
            done += size
            if count >= 20000:
                self.stdout.write(f"  {done} learners")

    def seed_learner_login(self) -> None:
        """Make the first learner (John Smith) an activated login with a programme and an open
        task, so the demo shows what a learner sees when they sign in."""
        learner = User.objects.filter(user_type=User.Type.LEARNER).order_by("pk").first()
        if learner is None:
            return
        # An update, like the bulk inserts: seeding is not an edit by anyone.
        User.objects.filter(pk=learner.pk).update(
            email=DEMO_LEARNER,
            password=make_password(DEMO_PASSWORD),
            subscription_status=User.Status.FULL_USER,
        )
        if not learner.enrolments.exists():
            Enrolment.objects.create(
                learner=learner,
                programme=self.programmes[0],
                status=Enrolment.Status.ACTIVE,
                start_date=timezone.localdate() - datetime.timedelta(days=60),
            )
        Task.objects.create(
            learner=learner,
            title="Upload your signed apprenticeship agreement",
            due_date=timezone.localdate() + datetime.timedelta(days=7),
            created_by=self.admins[1],
        )

    def seed_trackers(self) -> None:
        """Trackers on the demo learner (John Smith), raised by the tutor through the services: a
        job outcome with its sustainability assessment (projecting its milestones); and, on a
        North learner with a running programme, a change of working hours waiting for the
        supervisor's approval, so the demo shows both."""
        learner = User.objects.filter(email=DEMO_LEARNER).first()
        if learner is None:
            return
        supervisor, tutor = self.admins[0], self.admins[1]
        enrolment = learner.enrolments.for_learning_plan()
        start = timezone.localdate() - datetime.timedelta(days=21)
        tracker_create(
            learner=learner,
            tracker_type=TrackerType.objects.get(code="job"),
            data={
                "description": "Started as a junior developer after the bootcamp",
                "enrolment": enrolment,
                "assignee": tutor,
                "organisation": self.employers[0],
                "start_date": start,
                "contract_type": Tracker.ContractType.PERMANENT,
                "weekly_hours": Decimal("37.5"),
                "hourly_rate": Decimal("13.20"),
                "expected_duration_months": 24,
                "risk_rating": Tracker.Risk.LOW,
                "risk_reasons": "Permanent contract; the employer supports the apprenticeship.",
            },
            actor=tutor,
        )
        # The change request is about a programme still running, in the tutor's region.
        # Read again: the tree's paths moved as later groups were added beside it.
        north = Group.objects.get(pk=self.groups["regions"]["North"].pk)
        running = (
            Enrolment.objects.filter(
                status=Enrolment.Status.ACTIVE,
                is_current=True,
                learner__groups__path__startswith=north.path,
            )
            .select_related("learner")
            .order_by("pk")
            .first()
        )
        if running is not None:
            tracker_create(
                learner=running.learner,
                tracker_type=TrackerType.objects.get(code="hours-change"),
                data={
                    "description": "The employer moved the learner to a four-day week",
                    "enrolment": running,
                    "assignee": supervisor,
                },
                change_data={"weekly_hours": Decimal("30"), "effective_date": start},
                actor=tutor,
            )

    def seed_crm_activities(self) -> None:
        """CRM activities: John Smith's logged through the service (audited, one follow-up
        becoming a task), with him, his employer manager and an HR contact linked to him; and a
        few on the first North learners, so the Activities page has rows to search."""
        supervisor, tutor = self.admins[0], self.admins[1]
        learner = User.objects.filter(email=DEMO_LEARNER).first()
        now = timezone.localtime().replace(second=0, microsecond=0)
        if learner is not None:
            hr = CrmContact.objects.create(
                first_name="Harriet",
                last_name="Hughes",
                email="harriet.hughes@employer0.example.com",
                phone="0113 496 0000",
                organisation=learner.organisation or self.employers[0],
                job_title="HR business partner",
                created_by=tutor,
            )
            LearnerContact.objects.create(
                learner=learner, kind=LearnerContact.Kind.CRM, crm_contact=hr, created_by=tutor
            )
            Kind, Way = CrmActivity.Type, CrmActivity.Direction
            logged = [
                (
                    Kind.PHONE_CALL,
                    Way.OUTBOUND,
                    9,
                    20,
                    "learner",
                    "Progress check-in call",
                    "Two units left before gateway.",
                    "Evidence for unit 4 by Friday",
                    7,
                ),
                (
                    Kind.EMAIL,
                    Way.INBOUND,
                    5,
                    None,
                    "employer",
                    "Rota change next month",
                    "The manager asked to move off-the-job day to Thursday.",
                    "Agreed",
                    None,
                ),
                (
                    Kind.MEETING,
                    Way.OUTBOUND,
                    3,
                    45,
                    "crm",
                    "Apprenticeship agreement review",
                    "Walked through the agreement with HR.",
                    "Signed copy to follow",
                    None,
                ),
                (
                    Kind.VIDEO_CALL,
                    Way.OUTBOUND,
                    1,
                    30,
                    "learner",
                    "Gateway preparation",
                    "",
                    "Mock interview booked",
                    None,
                ),
            ]
            for kind, way, days_ago, minutes, who, subject, notes, outcome, follow in logged:
                activity_create(
                    learner=learner,
                    values={
                        "activity_type": kind,
                        "direction": way,
                        "occurred_at": now - datetime.timedelta(days=days_ago, hours=2),
                        "duration_minutes": minutes,
                        "with_whom": {"learner": "LEARNER", "crm": "CRM"}.get(
                            who, "EMPLOYER" if learner.manager_id else "LEARNER"
                        ),
                        "employer_contact_id": learner.manager_id if who == "employer" else None,
                        "crm_contact_id": hr.pk if who == "crm" else None,
                        "subject": subject,
                        "notes": notes,
                        "outcome": outcome,
                        "follow_up_on": (
                            timezone.localdate() + datetime.timedelta(days=follow)
                            if follow
                            else None
                        ),
                    },
                    actor=tutor,
                )
        # Seeding is not an edit by anyone: the other learners' activities are bulk inserts.
        north = Group.objects.get(pk=self.groups["regions"]["North"].pk)
        learners = (
            User.objects.filter(user_type=User.Type.LEARNER, groups__path__startswith=north.path)
            .exclude(email=DEMO_LEARNER)
            .distinct()
            .order_by("pk")[:40]
        )
        subjects = [
            (CrmActivity.Type.PHONE_CALL, "Monthly progress call"),
            (CrmActivity.Type.EMAIL, "Reminder about outstanding evidence"),
            (CrmActivity.Type.VISIT, "Workplace visit"),
            (CrmActivity.Type.TEXT_MESSAGE, "Review date confirmed"),
            (CrmActivity.Type.LETTER, "Break in learning letter"),
        ]
        rows = []
        for learner in learners:
            for _ in range(self.rng.randint(1, 3)):
                kind, subject = self.rng.choice(subjects)
                rows.append(
                    CrmActivity(
                        learner=learner,
                        activity_type=kind,
                        direction=self.rng.choice(CrmActivity.Direction.values),
                        occurred_at=now
                        - datetime.timedelta(
                            days=self.rng.randint(0, 60), hours=self.rng.randint(0, 8)
                        ),
                        duration_minutes=self.rng.choice([None, 10, 15, 30, 60]),
                        with_whom=CrmActivity.With.LEARNER,
                        subject=subject,
                        created_by=self.rng.choice([supervisor, tutor]),
                    )
                )
        CrmActivity.objects.bulk_create(rows)

    def seed_documents(self) -> None:
        """A few documents for the demo learner (John Smith), one shared with him, so the
        Documents section, its page and the learner's own page have something to show."""
        learner = User.objects.filter(email=DEMO_LEARNER).first()
        if learner is None:
            return
        files = [
            ("Commitment statement.pdf", "Commitment statement", "PROGRAMME", True),
            ("Payslip March.pdf", "Payslip, March", "OWN", False),
            ("First review.pdf", "First progress review", "REVIEWS", False),
        ]
        for name, description, folder, shared in files:
            document_add(
                learner=learner,
                name=name,
                content=_demo_pdf(),
                content_type="application/pdf",
                folder=folder,
                description=description,
                actor=self.admins[1],
                visible_to_learner=shared,
            )

    def seed_compliance(self) -> None:
        """The apprenticeship programmes, and the onboarding programme where apprentices sign up,
        require the Commitment Statement and the Apprenticeship Agreement; the demo learner's
        Commitment Statement is made and waits for signatures (one PDF, so it costs about a
        second)."""
        types = list(
            DocumentType.objects.filter(
                code__in=("commitment-statement", "apprenticeship-agreement")
            )
        )
        ProgrammeRequirement.objects.bulk_create(
            ProgrammeRequirement(programme=programme, document_type=kind)
            for programme in self.programmes
            if programme.is_apprenticeship or programme.kind == Programme.Kind.ONBOARDING
            for kind in types
        )
        learner = User.objects.filter(email=DEMO_LEARNER).first()
        if learner is None:
            return
        current_programmes_refresh([learner.pk])
        enrolment = current_enrolment(learner)
        statement = next((t for t in types if t.code == "commitment-statement"), None)
        required = ProgrammeRequirement.objects.filter(
            programme_id=getattr(enrolment, "programme_id", None), document_type=statement
        )
        if enrolment is None or statement is None or not required.exists():
            return
        try:
            compliance_document_create(
                enrolment=enrolment, document_type=statement, actor=self.admins[1]
            )
        except CannotCreate as exc:
            self.stdout.write(f"  No demo compliance document: {exc}")

    def seed_reviews(self) -> None:
        """Every demo programme gets a "Progress review" template; the demo learner (John
        Smith) has one review held and signed by everyone through the signing engine (its
        sealed PDF filed in Review documents) and the next one planned."""
        for programme in self.programmes:
            template = ReviewTemplate.objects.create(
                programme=programme,
                name="Progress review",
                checklist="Read the last review and its actions\nCheck the off-the-job log",
            )
            for position, (title, questions) in enumerate(REVIEW_SECTIONS, start=1):
                section = TemplateSection.objects.create(
                    template=template, title=title, position=position
                )
                for number, (kind, text, required, options) in enumerate(questions, start=1):
                    Question.objects.create(
                        section=section,
                        position=number,
                        kind=kind,
                        text=text,
                        required=required,
                        options=options,
                    )
        learner = User.objects.filter(email=DEMO_LEARNER).first()
        enrolment = current_enrolment(learner) if learner else None
        if enrolment is None:
            return
        template = ReviewTemplate.objects.filter(
            programme=enrolment.programme, is_current=True
        ).first()
        if template is None:
            return
        conductor = self.admins[1]
        today = timezone.localdate()
        review = review_services.review_start(
            enrolment=enrolment,
            template=template,
            meeting_type="FACE_TO_FACE",
            checklist_done=template.checklist_items(),
            actor=conductor,
        )
        answers = {
            q.pk: REVIEW_ANSWERS.get(q.text, "")
            for q in Question.objects.filter(section__template=template)
            if not q.is_read_only
        }
        review = review_services.review_complete(
            review=review,
            answers=answers,
            actions=[
                {
                    "text": "Log this month's off-the-job hours",
                    "due": (today + datetime.timedelta(days=14)).isoformat(),
                }
            ],
            held_on=today - datetime.timedelta(days=7),
            duration_minutes=45,
            based_on_version=review.version,
            actor=conductor,
        )
        if review.envelope is not None:
            for signer in review.envelope.signers.all():
                signing_services.signer_sign(
                    signer=signer,
                    typed_name=signer.name,
                    consent=True,
                    ip="127.0.0.1",
                    user_agent="seed_demo",
                    actor=conductor if signer.user_id == conductor.pk else None,
                )
        review_services.review_plan(
            enrolment=enrolment,
            planned_for=today + datetime.timedelta(weeks=11),
            conductor=conductor,
            template=template,
            actor=conductor,
        )

    def seed_activity(self, learners: int = 200) -> None:
        """Sign-ins and page visits over the last two months for the first learners, so the
        activity summary and usage report have something to show."""
        now = timezone.now()
        areas = list(ActivityEvent.Area)
        events = []
        ids = (
            User.objects.filter(
                user_type=User.Type.LEARNER, subscription_status=User.Status.FULL_USER
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:learners]
        )
        for user_id in ids:
            for _ in range(self.rng.randrange(0, 25)):
                at = now - datetime.timedelta(minutes=self.rng.randrange(0, 60 * 24 * 62))
                events.append(
                    ActivityEvent(user_id=user_id, kind=ActivityEvent.Kind.SIGN_IN, occurred_at=at)
                )
                for _ in range(self.rng.randrange(1, 4)):
                    events.append(
                        ActivityEvent(
                            user_id=user_id,
                            kind=ActivityEvent.Kind.PAGE_VISIT,
                            area=self.rng.choice(areas),
                            occurred_at=at + datetime.timedelta(minutes=self.rng.randrange(1, 30)),
                        )
                    )
        ActivityEvent.objects.bulk_create(events, batch_size=2000)

    def seed_ilrs(self, limit: int = 2000) -> None:
        """2025-26 ILRs that pass the portal's DfE rules, for up to ``limit`` active apprentices
        whose programme ran during the collection year: a programme aim (ZPROG001, FundModel 36,
        the programme's standard) with SOF and ACT FAMs and TNP1/TNP2 prices."""
        year_start, year_end = datetime.date(2025, 8, 1), datetime.date(2026, 7, 31)
        enrolments = (
            Enrolment.objects.filter(
                status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.ENTERED_EPA],
                programme__ilr_enabled=True,
                programme__is_apprenticeship=True,
                start_date__range=(datetime.date(2024, 8, 1), year_end),
                learner__subscription_status=User.Status.FULL_USER,
            )
            .select_related("learner", "programme")
            .order_by("pk")[:limit]
        )
        statuses = [
            IlrLearner.EpisodeStatus.DRAFT,
            IlrLearner.EpisodeStatus.DRAFT,
            IlrLearner.EpisodeStatus.LEARNER_SIGNED,
            IlrLearner.EpisodeStatus.QA_VERIFIED,
        ]
        ilrs, pending = [], []
        for enrolment in enrolments:
            learner = enrolment.learner
            start, end = enrolment.start_date, enrolment.planned_end_date
            sixteenth = learner.date_of_birth.replace(year=learner.date_of_birth.year + 16)
            if end < year_start or sixteenth > start - datetime.timedelta(days=400):
                continue  # outside the year, or too young for DateOfBirth_48
            postcode = learner.postcode if is_postcode_format(learner.postcode) else "ZZ99 9ZZ"
            ilrs.append(
                IlrLearner(
                    learner=learner,
                    episode_status=self.rng.choice(statuses),
                    learn_ref_number=learner.reference_number,
                    uln=learner.uln,
                    family_name=learner.last_name,
                    given_names=learner.first_name,
                    date_of_birth=learner.date_of_birth,
                    ethnicity=self.rng.choice(codes.Ethnicity.values),
                    sex=learner.sex,
                    lldd_health_prob=self.rng.choice([2, 2, 2, 1]),
                    ni_number=learner.ni_number,
                    postcode_prior=postcode,
                    postcode=postcode,
                    tel_no=learner.mobile,
                    email=learner.email,
                    privacy_notice_declared_on=start,
                )
            )
            pending.append(enrolment)
        # QA-verified episodes name who verified them, as the ILR page and its lock say so.
        qa_admins = (
            list(User.objects.filter(user_type=User.Type.ADMINISTRATOR, roles__name="ILR QA"))
            or self.admins[:1]
        )
        for ilr in ilrs:
            if ilr.episode_status == IlrLearner.EpisodeStatus.QA_VERIFIED:
                ilr.qa_verified_by = self.rng.choice(qa_admins)
                ilr.qa_verified_at = timezone.now() - datetime.timedelta(
                    days=self.rng.randrange(1, 60)
                )
        IlrLearner.objects.bulk_create(ilrs, batch_size=1000)
        aims, prior, employment = [], [], []
        for ilr, enrolment in zip(ilrs, pending, strict=True):
            start = enrolment.start_date
            prior.append(PriorAttain(ilr=ilr, prior_level=3, date_level_app=start))
            employment.append(
                LearnerEmploymentStatus(
                    ilr=ilr,
                    emp_stat=codes.EmpStat.EMPLOYED,
                    date_emp_stat_app=start - datetime.timedelta(days=1),
                    emp_id=999999999,
                )
            )
            aims.append(
                LearningDelivery(
                    ilr=ilr,
                    enrolment=enrolment,
                    learn_aim_ref="ZPROG001",
                    aim_type=codes.AimType.PROGRAMME,
                    aim_seq_number=1,
                    learn_start_date=start,
                    learn_plan_end_date=enrolment.planned_end_date,
                    fund_model=codes.FundModel.APPRENTICESHIPS,
                    p_hours=enrolment.programme.planned_otj_hours,
                    prog_type=codes.ProgType.STANDARD,
                    std_code=enrolment.programme.standard_code,
                    del_loc_post_code=ilr.postcode,
                )
            )
        LLDDandHealthProblem.objects.bulk_create(
            [
                LLDDandHealthProblem(
                    ilr=ilr, lldd_cat=self.rng.choice(codes.LLDDCat.values), primary_lldd=True
                )
                for ilr in ilrs
                if ilr.lldd_health_prob == codes.LLDDHealthProb.YES
            ]
        )
        PriorAttain.objects.bulk_create(prior, batch_size=2000)
        LearnerEmploymentStatus.objects.bulk_create(employment, batch_size=2000)
        LearningDelivery.objects.bulk_create(aims, batch_size=2000)
        fams, prices = [], []
        for aim in aims:
            start = aim.learn_start_date
            fams.append(
                LearningDeliveryFAM(
                    delivery=aim, learn_del_fam_type="SOF", learn_del_fam_code="105"
                )
            )
            fams.append(
                LearningDeliveryFAM(
                    delivery=aim,
                    learn_del_fam_type="ACT",
                    learn_del_fam_code="1",
                    learn_del_fam_date_from=start,
                )
            )
            for code, amount in ((1, 9000), (2, 1500)):
                prices.append(
                    AppFinRecord(
                        delivery=aim,
                        afin_type="TNP",
                        afin_code=code,
                        afin_date=start,
                        afin_amount=amount,
                    )
                )
        LearningDeliveryFAM.objects.bulk_create(fams, batch_size=2000)
        AppFinRecord.objects.bulk_create(prices, batch_size=2000)

    def seed_otj_hours(self, learners: int = 60) -> None:
        """Weekly off-the-job activities for the first active apprentices, some on plan, some
        behind it, most verified, so the ledger, its totals and the behind-plan warning show."""
        rng = random.Random(self.rng.randrange(10**9))
        today = timezone.localdate()
        verifiers = self.admins[:3]
        activities = list(OtjEntry.Activity.values)
        entries = []
        enrolments = (
            Enrolment.objects.filter(
                status=Enrolment.Status.ACTIVE,
                programme__is_apprenticeship=True,
                start_date__lt=today,
                planned_end_date__isnull=False,
            )
            .select_related("programme")
            .order_by("learner_id")[:learners]
        )
        for enrolment in enrolments:
            planned = planned_otj_hours(enrolment)
            weeks = max(1, (enrolment.planned_end_date - enrolment.start_date).days // 7)
            if not planned:
                continue
            # Most learners keep pace with the plan; about a third fall behind it.
            pace = rng.choice([1.0, 1.05, 1.1, 0.95, 0.5, 0.3])
            weekly = min(Decimal(planned) / weeks * Decimal(str(pace)), Decimal("24"))
            day = enrolment.start_date
            while day < today and day < enrolment.planned_end_date:
                verified = day < today - datetime.timedelta(days=14) and rng.random() < 0.9
                entries.append(
                    OtjEntry(
                        learner_id=enrolment.learner_id,
                        enrolment=enrolment,
                        date=day,
                        hours=weekly.quantize(Decimal("0.25")) or Decimal("0.25"),
                        activity_type=rng.choice(activities),
                        description="Weekly off-the-job training",
                        verified_by=rng.choice(verifiers) if verified else None,
                        verified_at=timezone.now() if verified else None,
                    )
                )
                day += datetime.timedelta(days=7)
        OtjEntry.objects.bulk_create(entries, batch_size=2000)

    def seed_progress(self, learners: int = 60) -> None:
        """The course catalogue, and milestones, courses and functional skills assessments for
        the first active apprentices, so those profile sections have something to show."""
        rng = random.Random(self.rng.randrange(10**9))
        courses = [
            Course.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in DEMO_COURSES
        ]
        enrolments = (
            Enrolment.objects.filter(
                status=Enrolment.Status.ACTIVE,
                programme__is_apprenticeship=True,
                start_date__isnull=False,
            )
            .order_by("learner_id")
            .select_related("programme")[:learners]
        )
        today = timezone.localdate()
        milestones, taken, assessments = [], [], []
        for enrolment in enrolments:
            start = enrolment.start_date
            for number, weeks in enumerate((13, 26, 52), start=1):
                due = start + datetime.timedelta(weeks=weeks)
                reached = due < today
                milestones.append(
                    Milestone(
                        learner_id=enrolment.learner_id,
                        enrolment=enrolment,
                        description=f"Milestone {number}",
                        date=due,
                        employer_weeks_remaining=max(0, 78 - weeks),
                        status=Milestone.Status.ACHIEVED if reached else Milestone.Status.PROJECTED,
                        achievement_date=due if reached else None,
                        claim_status=Milestone.Claim.CLAIMED
                        if reached
                        else Milestone.Claim.NOT_CLAIMED,
                    )
                )
            for course in rng.sample(courses, rng.randrange(0, 3)):
                progress = rng.choice((0, 25, 60, 100))
                taken.append(
                    LearnerCourse(
                        learner_id=enrolment.learner_id,
                        course=course,
                        started_on=min(start, today),
                        progress=progress,
                        status=LearnerCourse.Status.COMPLETED
                        if progress == 100
                        else LearnerCourse.Status.IN_PROGRESS,
                        completed_on=min(start + datetime.timedelta(days=60), today)
                        if progress == 100
                        else None,
                    )
                )
            for subject in (
                FunctionalSkillAssessment.Subject.ENGLISH,
                FunctionalSkillAssessment.Subject.MATHS,
            ):
                assessments.append(
                    FunctionalSkillAssessment(
                        learner_id=enrolment.learner_id,
                        subject=subject,
                        kind=FunctionalSkillAssessment.Kind.INITIAL,
                        level=rng.choice(FunctionalSkillAssessment.Level.values),
                        score=rng.randrange(30, 95),
                        assessed_on=min(start - datetime.timedelta(days=14), today),
                        assessor_name="Initial assessment tool",
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=2000)
        LearnerCourse.objects.bulk_create(taken, batch_size=2000)
        FunctionalSkillAssessment.objects.bulk_create(assessments, batch_size=2000)

    def _assign_people(self, batch, cohort_of, case_owners) -> None:
        """Case owner from the learner's region; manager and mentor from their employer."""
        # A cohort's path starts with its region's path (root, then region: two steps).
        regions_by_path = {g.path: g.pk for g in self.groups["regions"].values()}
        for learner, cohort in zip(batch, cohort_of, strict=True):
            region_pk = regions_by_path[cohort.path[: Group.steplen * 2]]
            learner.case_owner = self.rng.choice(case_owners[region_pk])
            logins = self.employer_logins.get(learner.organisation_id, [])
            if logins:
                learner.manager = logins[0]
                learner.mentor = logins[-1]


def _programme_details(index: int, details) -> dict:
    if details is None:
        return {}
    level, months, weekly_hours, otj_hours = details
    return {
        "standard_code": 100 + index,
        "level": level,
        "duration_months": months,
        "weekly_hours": weekly_hours,
        "planned_otj_hours": otj_hours,
        "ilr_enabled": True,
    }


def _components_done(rng, total: int, status: str, start, end, today) -> int:
    """How many of ``total`` components a demo learner has completed."""
    if status == Enrolment.Status.COMPLETE:
        return total
    if not total or not start or not end or end <= start:
        return 0
    elapsed = min(max((today - start) / (end - start), 0.0), 1.0)
    # Most keep pace, a third fall behind, a few are ahead.
    pace = rng.choice((1.0, 1.0, 1.1, 0.9, 0.6, 0.4))
    return min(total, round(total * elapsed * pace))


def _demo_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _slug(name: str) -> str:
    return "".join(c for c in fold_for_search(name) if c in string.ascii_lowercase)


def _ni_number(rng: random.Random, n: int) -> str:
    while True:
        prefix = rng.choice(NI_FIRST) + rng.choice(NI_SECOND)
        if prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
            return f"{prefix}{n % 1_000_000:06d}{rng.choice('ABCD')}"


def _uln(rng: random.Random) -> str:
    while True:
        stem = str(rng.randrange(10**8, 10**9))
        digit = uln_check_digit(stem + "0")
        if digit is not None:
            return stem + digit
