"""The learner's current programme, copied onto their user row (``users.User.current_programme``
and its name and status) so the Users page filters and sorts on indexed columns.

The current programme is the learner's current enrolment with the latest start (then the newest
one), exactly what the Users page's per-row subquery used to say. The signals in
``programmes/signals.py`` refresh it whenever an enrolment or a programme is saved or deleted;
code that writes enrolments in bulk (``bulk_create``, ``QuerySet.update``), which sends no
signals, calls ``current_programmes_refresh`` itself. The columns are written with
``QuerySet.update``: derived data is not a change of the person, so it writes no audit entry and
bumps no ``version`` (a form opened on the learner stays valid).
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from users.models import User

from .models import Enrolment, Programme


def current_enrolment_subquery() -> QuerySet:
    """The current enrolment of the user ``OuterRef("pk")`` the Users page shows."""
    return Enrolment.objects.filter(learner=OuterRef("pk"), is_current=True).order_by(
        "-start_date", "-pk"
    )


def with_computed_current_programme(queryset: QuerySet) -> QuerySet:
    """Annotate ``computed_programme`` (id), ``computed_programme_name`` and
    ``computed_programme_status`` from the enrolments themselves (the consistency check)."""
    current = current_enrolment_subquery()
    return queryset.annotate(
        computed_programme=Subquery(current.values("programme")[:1]),
        computed_programme_name=Subquery(current.values("programme__name")[:1]),
        computed_programme_status=Subquery(current.values("status")[:1]),
    )


# Every learner at once on PostgreSQL: one pass over the current enrolments instead of three
# subqueries per user (seconds rather than minutes at a million learners).
REFRESH_ALL_POSTGRESQL = (
    """
    UPDATE users_user u
    SET current_programme_id = c.programme_id,
        current_programme_name = c.name,
        current_programme_status = c.status
    FROM (
        SELECT DISTINCT ON (e.learner_id) e.learner_id, e.programme_id, p.name, e.status
        FROM programmes_enrolment e JOIN programmes_programme p ON p.id = e.programme_id
        WHERE e.is_current
        ORDER BY e.learner_id, e.start_date DESC, e.id DESC
    ) c
    WHERE c.learner_id = u.id AND (
        u.current_programme_id IS DISTINCT FROM c.programme_id
        OR u.current_programme_name IS DISTINCT FROM c.name
        OR u.current_programme_status IS DISTINCT FROM c.status
    )
    """,
    """
    UPDATE users_user u
    SET current_programme_id = NULL, current_programme_name = NULL,
        current_programme_status = NULL
    WHERE u.current_programme_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM programmes_enrolment e WHERE e.learner_id = u.id AND e.is_current
    )
    """,
)


def current_programmes_refresh(learner_ids: Iterable[int] | None = None) -> int:
    """Recompute the columns of these learners (every user when None); how many rows were
    written. Bulk writers of enrolments (seeding, imports with ``bulk_create``) call this."""
    if learner_ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            written = 0
            for sql in REFRESH_ALL_POSTGRESQL:
                cursor.execute(sql)
                written += cursor.rowcount
        return written
    users = User.objects.all() if learner_ids is None else User.objects.filter(pk__in=learner_ids)
    current = current_enrolment_subquery()
    return users.update(
        current_programme=Subquery(current.values("programme")[:1]),
        current_programme_name=Subquery(current.values("programme__name")[:1]),
        current_programme_status=Subquery(current.values("status")[:1]),
    )


def programme_renamed(programme: Programme) -> int:
    """Give the programme's current learners its new name; how many rows changed."""
    return (
        User.objects.filter(current_programme=programme)
        .exclude(current_programme_name=programme.name)
        .update(current_programme_name=programme.name)
    )


def current_programme_mismatches(users: QuerySet | None = None) -> list[dict]:
    """The users whose stored current programme differs from what their enrolments say, each
    as a dict of the stored and the computed values (an empty list when all is right).
    Compared in Python: NULL on either side makes an SQL comparison unknown."""
    users = User.objects.all() if users is None else users
    fields = ("programme", "programme_name", "programme_status")
    rows = (
        with_computed_current_programme(users)
        .values("pk", *(f"current_{f}" for f in fields), *(f"computed_{f}" for f in fields))
        .order_by("pk")
    )
    return [
        row
        for row in rows.iterator(chunk_size=5000)
        if any(row[f"current_{f}"] != row[f"computed_{f}"] for f in fields)
    ]
