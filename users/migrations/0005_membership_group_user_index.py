"""An index on group memberships by (group, user).

Group visibility and the Groups filter ask "which users belong to any of these groups?"; with
both columns in one index, PostgreSQL answers from the index alone instead of visiting the
table. The table is Django's automatic many-to-many table, which cannot declare indexes itself.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("users", "0004_fewer_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS users_user_groups_group_user "
            "ON users_user_groups (group_id, user_id)",
            "DROP INDEX IF EXISTS users_user_groups_group_user",
        )
    ]
