"""Each user's group scope (users/scope.py): the ids of their groups and of every ancestor, so
the access scope and the Users page's group filter are one GIN-indexed condition."""

from django.db import migrations

import aptem.fields
from aptem.migrations_helpers import on_postgresql

# One statement at a million users: groups joined to their ancestors once, then one pass over
# the memberships (users/scope.py's COMPUTED_POSTGRESQL, as of this migration).
FILL_POSTGRESQL = """
WITH ancestor AS (
    SELECT g.id AS group_id, a.id AS ancestor_id
    FROM users_group g JOIN users_group a ON a.path = substr(g.path, 1, length(a.path))
)
UPDATE users_user u SET scope_ids = c.ids
FROM (
    SELECT m.user_id, array_agg(DISTINCT ancestor.ancestor_id ORDER BY ancestor.ancestor_id)
        AS ids
    FROM users_user_groups m JOIN ancestor ON ancestor.group_id = m.group_id
    GROUP BY m.user_id
) c
WHERE c.user_id = u.id
"""


def fill_scope_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL, params=None)
        return
    # Elsewhere (SQLite, small data) in Python: a few groups, their paths give the ancestors.
    User = apps.get_model("users", "User")
    Group = apps.get_model("users", "Group")
    step = 4  # treebeard's steplen for users.Group
    group_ids = dict(Group.objects.values_list("path", "pk"))
    scopes: dict[int, set[int]] = {}
    for user_id, path in User.groups.through.objects.values_list("user_id", "group__path"):
        scopes.setdefault(user_id, set()).update(
            group_ids[path[:end]] for end in range(step, len(path) + 1, step)
        )
    for user_id, scope in scopes.items():
        User.objects.filter(pk=user_id).update(scope_ids=sorted(scope))


class Migration(migrations.Migration):
    dependencies = [("users", "0010_user_current_programme")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="scope_ids",
            field=aptem.fields.IntegerSetField(blank=True, default=list, editable=False),
        ),
        # Filled before the index is built: building it once is far cheaper than maintaining
        # it through a million updates.
        migrations.RunPython(fill_scope_ids, migrations.RunPython.noop),
        migrations.RunPython(
            on_postgresql(["CREATE INDEX user_scope_ids ON users_user USING gin (scope_ids)"]),
            on_postgresql(["DROP INDEX IF EXISTS user_scope_ids"]),
        ),
    ]
