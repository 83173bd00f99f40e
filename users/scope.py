"""Each user's group scope, ``users.User.scope_ids``: the ids of their groups and of every
ancestor of those groups, so ``User.objects.visible_to`` and the Users page's group filter are
one indexed condition on the user row (``scope_ids && ARRAY[...]``, GIN on PostgreSQL) instead of
a join over the memberships.

The signals in ``users/signals.py`` refresh it when memberships change (either side of
``User.groups``: forms, services, the Django admin, the ILR import), when a group moves under
another parent (``GroupManager.move``) and when a group is deleted. Code that writes memberships
in bulk (``bulk_create`` of the through model, COPY), which sends no signals, calls
``group_scopes_refresh`` itself or writes the column with the row. Renaming a group changes
nothing here: the column holds ids, not paths or names. The column is written with
``QuerySet.update``: derived data is not a change of the person, so it writes no audit entry and
bumps no ``version``.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import QuerySet

from .models import Group, User

# The computed scope of every user on PostgreSQL, or of those in ``{users}`` (a subquery of
# ids): groups joined to their ancestors once (a few hundred rows), then one pass over the
# memberships; seconds at a million users rather than a million small queries.
COMPUTED_POSTGRESQL = """
WITH ancestor AS (
    SELECT g.id AS group_id, a.id AS ancestor_id
    FROM users_group g JOIN users_group a ON a.path = substr(g.path, 1, length(a.path))
)
SELECT s.id, COALESCE(
    array_agg(DISTINCT ancestor.ancestor_id ORDER BY ancestor.ancestor_id)
    FILTER (WHERE ancestor.ancestor_id IS NOT NULL),
    '{{}}'
)::integer[] AS ids
FROM users_user s
LEFT JOIN users_user_groups m ON m.user_id = s.id
LEFT JOIN ancestor ON ancestor.group_id = m.group_id
WHERE {users}
GROUP BY s.id
"""
# The computed scopes are MATERIALIZED: computed once, then joined. Inlined, on tables without
# statistics (a test database, a fresh restore) the planner may recompute the whole aggregate
# for every user row, which took minutes for a few hundred users.
REFRESH_POSTGRESQL = """
WITH c AS MATERIALIZED ({computed})
UPDATE users_user u SET scope_ids = c.ids FROM c
WHERE c.id = u.id AND u.scope_ids IS DISTINCT FROM c.ids
"""
MISMATCHES_POSTGRESQL = """
WITH c AS MATERIALIZED ({computed})
SELECT u.id, u.scope_ids, c.ids FROM users_user u JOIN c ON c.id = u.id
WHERE u.scope_ids IS DISTINCT FROM c.ids ORDER BY u.id
"""


def _postgresql(sql: str, users: QuerySet | None) -> tuple[str, tuple]:
    where, params = "TRUE", ()
    if users is not None:
        subquery, params = users.values("pk").query.sql_with_params()
        where = f"s.id IN ({subquery})"
    return sql.format(computed=COMPUTED_POSTGRESQL.format(users=where)), params


def group_scopes_refresh(users: QuerySet | None = None) -> int:
    """Recompute the scope of these users (every user when None); how many rows changed."""
    if users is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_postgresql(REFRESH_POSTGRESQL, users))
            return cursor.rowcount
    # A few users (the signals): a handful of indexed queries, whatever the planner's statistics
    # say about freshly written tables.
    users = User.objects.all() if users is None else users
    stored = dict(users.values_list("pk", "scope_ids"))
    by_scope = defaultdict(list)
    for pk, scope in computed_scopes(users).items():
        if scope != stored.get(pk):
            by_scope[tuple(scope)].append(pk)
    for scope, pks in by_scope.items():
        for start in range(0, len(pks), 500):  # SQLite's limit on query parameters
            User.objects.filter(pk__in=pks[start : start + 500]).update(scope_ids=list(scope))
    return sum(len(pks) for pks in by_scope.values())


def scopes_by_group() -> dict[int, list[int]]:
    """Each group's id with its ancestors' ids: the scope of a member of just that group. For
    writers that insert members in bulk (seeding), which can write the column with the row."""
    group_ids = dict(Group.objects.values_list("path", "pk"))
    step = Group.steplen
    return {
        pk: sorted(group_ids[path[:end]] for end in range(step, len(path) + 1, step))
        for path, pk in group_ids.items()
    }


def computed_scopes(users: QuerySet) -> dict[int, list[int]]:
    """What each user's scope should be, from their memberships (users without any: [])."""
    by_group = scopes_by_group()
    scopes = {pk: set() for pk in users.values_list("pk", flat=True)}
    memberships = User.groups.through.objects.filter(user__in=users.values("pk"))
    for user_id, group_id in memberships.values_list("user_id", "group_id").iterator(5000):
        scopes[user_id].update(by_group[group_id])
    return {pk: sorted(scope) for pk, scope in scopes.items()}


def group_scope_mismatches(users: QuerySet | None = None) -> list[dict]:
    """The users whose stored scope differs from what their memberships say, each as a dict of
    the stored and the computed ids (an empty list when all is right)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_postgresql(MISMATCHES_POSTGRESQL, users))
            return [
                {"pk": pk, "stored": stored, "computed": computed}
                for pk, stored, computed in cursor.fetchall()
            ]
    users = User.objects.all() if users is None else users
    computed = computed_scopes(users)
    return [
        {"pk": pk, "stored": stored, "computed": computed[pk]}
        for pk, stored in users.values_list("pk", "scope_ids").order_by("pk").iterator(5000)
        if stored != computed[pk]
    ]
