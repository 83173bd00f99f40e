"""On PostgreSQL, the database itself refuses two template versions of one type whose dates
overlap (an exclusion constraint over the inclusive date range); the form says so in words
first. btree_gist is a trusted extension, so the database owner may create it."""

from django.db import migrations

from aptem.migrations_helpers import on_postgresql

ADD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE compliance_templateversion ADD CONSTRAINT template_version_no_overlap
    EXCLUDE USING gist (
        document_type_id WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&
    )
    """,
]
DROP = [
    "ALTER TABLE compliance_templateversion DROP CONSTRAINT IF EXISTS template_version_no_overlap"
]


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_types_and_roles")]

    operations = [migrations.RunPython(on_postgresql(ADD), on_postgresql(DROP))]
