"""Seeding for the benchmark: seed_demo's cast, then learners in bulk (COPY on PostgreSQL).

``seed(n)`` runs ``seed_demo`` for the fixed cast (groups, organisations, programmes,
administrators, logins and its first 300 learners, unchanged) and adds the remaining learners
with the same distributions as seed_demo (names, statuses, cohorts round-robin, one enrolment
for 90 %, case owners from the learner's region, manager and mentor from the employer), but
without model instances: plain rows, written with ``COPY`` on PostgreSQL (``executemany`` on
SQLite, for the tests). On PostgreSQL the secondary indexes and foreign keys of the three bulk
tables are dropped first and recreated after the load, which is several times faster than
maintaining them row by row; everything runs in one transaction, so a failure leaves nothing.

Derived data is filled the way ``User.save`` fills it: ``search_name`` from the folded names,
the e-mail address in lower case, NI numbers and postcodes normalised.

``ensure_heavy_profile`` gives one learner 1,000 rows in every profile section with rows
(notes, audit entries, activity events, tasks, enrolments, milestones, functional skills
assessments, contacts) for the profile case of the benchmark.
"""

import datetime
import io
import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from activity.models import ActivityEvent, Task
from aptem.validators import fold_for_search, normalise_postcode, uln_check_digit
from audit.models import AuditEntry
from crm.models import CrmContact, LearnerContact, Note
from portal.management.commands.seed_demo import (
    ENROLMENT_WEIGHTS,
    NI_FIRST,
    NI_SECOND,
    STATUS_WEIGHTS,
    _slug,
)
from programmes.models import Enrolment, FunctionalSkillAssessment, Milestone, Programme
from users.models import Group, User
from users.scope import scopes_by_group

DEMO_LEARNERS = 300  # seed_demo's own learners, made with model instances as in the demo
CHUNK = 50_000
BULK_TABLES = [User._meta.db_table, User.groups.through._meta.db_table, Enrolment._meta.db_table]
HEAVY_ROWS = 1000


def seed(learners: int, seed: int = 42, log: Callable[[str], None] = print) -> None:
    """Seed an empty database with the demo cast and ``learners`` learners in all."""
    started = time.perf_counter()
    with transaction.atomic():
        call_command(
            "seed_demo", learners=min(learners, DEMO_LEARNERS), seed=seed, stdout=io.StringIO()
        )
        log(f"  seed_demo cast and {min(learners, DEMO_LEARNERS)} learners: {_since(started)}")
        if learners > DEMO_LEARNERS:
            BulkLearners(seed, log).load(DEMO_LEARNERS, learners - DEMO_LEARNERS)


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


class BulkLearners:
    """Learner, membership and enrolment rows in seed_demo's distributions, written in bulk."""

    def __init__(self, seed: int, log: Callable[[str], None]):
        self.rng = random.Random(seed + 1)
        self.log = log
        # Pools drawn the way seed_demo draws them (Faker's name frequencies, then a uniform
        # choice), so "smith" and "an" match the same share of learners; Faker per learner
        # would cost minutes at a million.
        faker = Faker("en_GB")
        faker.seed_instance(seed)
        firsts = [faker.first_name() for _ in range(600)] + ["Zoë", "Chloé", "Siân"]
        lasts = [faker.last_name() for _ in range(1500)] + ["Ó Briain", "Brontë"]
        self.first_names = [(n, fold_for_search(n), _slug(n)) for n in firsts]
        self.last_names = [(n, fold_for_search(n), _slug(n)) for n in lasts]
        self.streets = [", ".join(faker.street_address().splitlines()) for _ in range(500)]
        self.towns = [(faker.city(), normalise_postcode(faker.postcode())) for _ in range(300)]
        # seed_demo's regions → centres → cohorts tree; learners go round its cohorts in turn.
        root = Group.objects.get(depth=1, name="Regions")
        self.cohorts = list(
            Group.objects.filter(depth=4, path__startswith=root.path)
            .order_by("pk")
            .values_list("pk", "path")
        )
        self.case_owners: dict[str, list[int]] = {}
        owners = User.objects.filter(
            user_type=User.Type.ADMINISTRATOR, password="!unusable", groups__depth=2
        ).values_list("pk", "groups__path")
        for pk, path in owners:
            self.case_owners.setdefault(path, []).append(pk)
        # A cohort's path starts with its region's path (root, then region: two steps).
        self.region_of = {pk: path[: Group.steplen * 2] for pk, path in self.cohorts}
        # Each learner's group scope (users/scope.py), written with the row: COPY sends no
        # signals.
        self.scopes = scopes_by_group()
        self.employers = {}
        for pk, org in (
            User.objects.filter(user_type=User.Type.EMPLOYER)
            .order_by("pk")
            .values_list("pk", "organisation_id")
        ):
            self.employers.setdefault(org, []).append(pk)
        self.programmes = list(Programme.objects.order_by("pk"))

    def load(self, first_n: int, count: int) -> None:
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        if postgres:
            dropped = _drop_indexes_and_foreign_keys(BULK_TABLES)
            self.log(f"  dropped {len(dropped)} indexes and foreign keys: {_since(started)}")
        next_id = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        writer = _copy_rows if postgres else _insert_rows
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            users, memberships, enrolments = self.rows(first_n + done, next_id + done, size)
            writer(User, _USER_COLUMNS, users)
            writer(User.groups.through, ["user_id", "group_id"], memberships)
            writer(Enrolment, _ENROLMENT_COLUMNS, enrolments)
            done += size
            self.log(f"  {first_n + done} learners: {_since(started)}")
        if postgres:
            step = time.perf_counter()
            with connection.cursor() as cursor:
                # Index builds sort in memory; the default 64 MB spills a million rows to disk.
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for sql in dropped:
                    cursor.execute(sql)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{User._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {User._meta.db_table}))"
                )
            self.log(f"  recreated indexes and foreign keys: {_since(step)}")

    def rows(self, first_n: int, first_id: int, size: int) -> tuple[list, list, list]:
        """``size`` learners numbered from ``first_n`` (for NI and reference numbers, as in
        seed_demo), with ids from ``first_id``; their memberships and enrolments.

        Every draw is ``pick(pool)`` or a precomputed list indexed by one ``random()``: the
        ``random.choice`` and ``randrange`` seed_demo uses cost most of a minute at a million."""
        rand = self.rng.random

        def pick(pool):
            return pool[int(rand() * len(pool))]

        today = timezone.localdate()
        now = timezone.now()
        created = [now - datetime.timedelta(days=d) for d in range(900)]
        starts = [today - datetime.timedelta(days=d) for d in range(30, 900)]
        births = [today - datetime.timedelta(days=d) for d in range(16 * 365, 55 * 365)]
        terms = [datetime.timedelta(days=d) for d in range(365, 1100)]
        statuses = _weighted(STATUS_WEIGHTS)
        enrol_statuses = _weighted(ENROLMENT_WEIGHTS)
        titles = ["Mr", "Ms", "Mrs", "Miss", "Mx", ""]
        employer_ids = list(self.employers) or [None]
        durations = {
            p.pk: datetime.timedelta(days=round(30.44 * (p.duration_months or 18)))
            for p in self.programmes
        }
        owners = {pk: self.case_owners[self.region_of[pk]] for pk, _ in self.cohorts}
        cohorts = [pk for pk, _ in self.cohorts]
        users, memberships, enrolments = [], [], []
        for i in range(size):
            n, pk = first_n + i, first_id + i
            first, first_folded, first_slug = pick(self.first_names)
            last, last_folded, last_slug = pick(self.last_names)
            cohort = cohorts[n % len(cohorts)]
            status = pick(statuses)
            employer = pick(employer_ids)
            logins = self.employers.get(employer, [])
            start = pick(starts)
            town, postcode = pick(self.towns)
            current = (None, None, None)
            if rand() < 0.9:
                programme = pick(self.programmes)
                enrolment_status = pick(enrol_statuses)
                current = (programme.pk, programme.name, enrolment_status)
                enrolments.append(
                    (
                        pk,
                        programme.pk,
                        enrolment_status,
                        start,
                        start + durations[programme.pk],
                        programme.weekly_hours or 30,
                        now,
                    )
                )
            users.append(
                (
                    pk,
                    f"{first_slug}.{last_slug}.{n}@learners.example.com",
                    first,
                    last,
                    f"{first_folded} {last_folded}",
                    pick(titles),
                    pick(births),
                    "F" if rand() < 0.5 else "M",
                    f"07{int(rand() * 10**9):09d}",
                    pick(self.streets),
                    town,
                    postcode,
                    f"{pick(NI_PREFIXES)}{n % 1_000_000:06d}{pick('ABCD')}",
                    _uln(rand),
                    f"REF{n + 1:06d}",
                    status,
                    User.Status.FULL_USER if status == User.Status.CANCELLED else "",
                    start,
                    start + pick(terms),
                    employer,
                    pick(owners[cohort]),
                    logins[0] if logins else None,
                    logins[-1] if logins else None,
                    pick(created),
                    now,
                    *current,
                    self.scopes[cohort],
                )
            )
            memberships.append((pk, cohort))
        return users, memberships, enrolments


# NI number prefixes seed_demo allows (no D, F, I, Q, U, V; not BG, GB, NK, KN, TN, NT, ZZ).
NI_PREFIXES = [
    a + b
    for a in NI_FIRST
    for b in NI_SECOND
    if a + b not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
]


def _weighted(weights: list[tuple]) -> list:
    """A pool in which each value appears as often as its weight: one draw picks by weight."""
    return [value for value, weight in weights for _ in range(weight)]


def _uln(rand: Callable[[], float]) -> str:
    """A ULN with a valid check digit (seed_demo's rule, drawn with ``random()``)."""
    while True:
        stem = str(100_000_000 + int(rand() * 900_000_000))
        digit = uln_check_digit(stem + "0")
        if digit is not None:
            return stem + digit


# Varying columns, in the order BulkLearners.rows writes them; every other column of the table
# takes its model default (the same for every row), see _constant_columns.
_USER_COLUMNS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "search_name",
    "title",
    "date_of_birth",
    "sex",
    "mobile",
    "address_line_1",
    "town",
    "postcode",
    "ni_number",
    "uln",
    "reference_number",
    "subscription_status",
    "status_before_cancel",
    "subscription_start",
    "subscription_end",
    "organisation_id",
    "case_owner_id",
    "manager_id",
    "mentor_id",
    "created_at",
    "updated_at",
    # The maintained current programme (programmes/current.py), written here with the
    # enrolment itself: COPY sends no signals.
    "current_programme_id",
    "current_programme_name",
    "current_programme_status",
    # The maintained group scope (users/scope.py): the cohort and its ancestors.
    "scope_ids",
]
_USER_CONSTANTS = {"user_type": User.Type.LEARNER, "password": "!unusable"}
_ENROLMENT_COLUMNS = [
    "learner_id",
    "programme_id",
    "status",
    "start_date",
    "planned_end_date",
    "weekly_hours",
    "created_at",
]


def _constant_columns(model, varying: list[str]) -> tuple[list[str], list]:
    """The model's other columns with their defaults, as the database should store them."""
    constants = _USER_CONSTANTS if model is User else {}
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in varying or field.primary_key:
            continue
        value = constants.get(field.column, field.get_default())
        if field.get_internal_type() == "JSONField":
            value = "[]" if value == [] else value
        else:
            value = field.get_db_prep_save(value, connection)
        columns.append(field.column)
        values.append(value)
    return columns, values


def _copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    extra_columns, extra = _constant_columns(model, columns)
    extra = tuple(extra)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *extra_columns])
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """The SQLite path (tests): Django adapts the values, so dates and times are stored as
    the ORM stores them."""
    extra_columns, extra = _constant_columns(model, columns)
    fields = {f.column: f for f in model._meta.concrete_fields}
    all_columns = [*columns, *extra_columns]
    names = ", ".join(connection.ops.quote_name(c) for c in all_columns)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({names}) "
        f"VALUES ({', '.join(['%s'] * len(all_columns))})"
    )
    prepared = (
        [fields[c].get_db_prep_save(v, connection) for c, v in zip(columns, row, strict=True)]
        + list(extra)
        for row in rows
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(prepared))


def _drop_indexes_and_foreign_keys(tables: list[str]) -> list[str]:
    """Drop the secondary indexes (not those behind a primary key or unique constraint) and
    the foreign keys of ``tables``; return the statements that recreate them, indexes first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        # seed_demo's rows, in this transaction, still owe their deferred foreign key checks,
        # and PostgreSQL alters no table with checks pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    recreate = [definition for _, definition in indexes]
    recreate += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in foreign_keys
    ]
    return recreate


def ensure_heavy_profile(learner: User, rows: int = HEAVY_ROWS) -> None:
    """Give ``learner`` at least ``rows`` rows in every profile section that lists rows."""
    author = User.objects.filter(email="tutor@example.org").first()
    now = timezone.now()
    today = timezone.localdate()
    programme = Programme.objects.order_by("pk").first()

    def top_up(queryset, make: Callable[[int], object]) -> None:
        missing = rows - queryset.count()
        if missing > 0:
            queryset.model.objects.bulk_create([make(i) for i in range(missing)], batch_size=1000)

    def at(i: int) -> datetime.datetime:
        return now - datetime.timedelta(hours=i)

    with transaction.atomic():
        top_up(
            Note.objects.filter(learner=learner),
            lambda i: Note(learner=learner, text=f"Review call {i}: on track.", created_by=author),
        )
        user_type = ContentType.objects.get_for_model(User)
        top_up(
            AuditEntry.objects.filter(learner_id=learner.pk),
            lambda i: AuditEntry(
                content_type=user_type,
                object_pk=str(learner.pk),
                object_id=learner.pk,
                object_repr=str(learner),
                action=AuditEntry.Action.UPDATE,
                changes={"mobile": [f"07000{i:06d}", f"07000{i + 1:06d}"]},
                timestamp=at(i),
                actor=author,
                learner_id=learner.pk,
            ),
        )
        top_up(
            ActivityEvent.objects.filter(user=learner),
            lambda i: ActivityEvent(
                user=learner, kind=ActivityEvent.Kind.SIGN_IN, occurred_at=at(i)
            ),
        )
        top_up(
            Task.objects.filter(learner=learner),
            lambda i: Task(learner=learner, title=f"Task {i}", created_by=author),
        )
        top_up(
            Enrolment.objects.filter(learner=learner),
            lambda i: Enrolment(
                learner=learner,
                programme=programme,
                status=Enrolment.Status.COMPLETE,
                is_current=False,
                start_date=today - datetime.timedelta(days=3000 + i),
            ),
        )
        enrolment = Enrolment.objects.filter(learner=learner).first()
        top_up(
            Milestone.objects.filter(learner=learner),
            lambda i: Milestone(
                learner=learner,
                enrolment=enrolment,
                description=f"Milestone {i}",
                date=today - datetime.timedelta(days=i),
            ),
        )
        top_up(
            FunctionalSkillAssessment.objects.filter(learner=learner),
            lambda i: FunctionalSkillAssessment(
                learner=learner,
                subject=FunctionalSkillAssessment.Subject.ENGLISH,
                kind=FunctionalSkillAssessment.Kind.INITIAL,
                level=FunctionalSkillAssessment.Level.values[0],
                score=50,
                assessed_on=today - datetime.timedelta(days=i),
                assessor_name="Initial assessment tool",
            ),
        )
        missing = rows - LearnerContact.objects.filter(learner=learner).count()
        if missing > 0:
            contacts = CrmContact.objects.bulk_create(
                [
                    CrmContact(first_name="Bench", last_name=f"Contact {_letters(i)}")
                    for i in range(missing)
                ]
            )
            LearnerContact.objects.bulk_create(
                [
                    LearnerContact(learner=learner, kind=LearnerContact.Kind.CRM, crm_contact=c)
                    for c in contacts
                ],
                batch_size=1000,
            )


def _letters(i: int) -> str:
    # Person names refuse digits; a base-26 spelling of the number keeps them unique.
    out = ""
    for _ in range(4):
        out, i = chr(ord("a") + i % 26) + out, i // 26
    return out.capitalize()
