"""PostgreSQL-only indexes behind the Users search.

Name and email search are ``LIKE '%word%'`` on lower-case columns, which trigram GIN indexes
serve; reference number search is a case-insensitive prefix match, which an expression index
serves. (NI number prefix search uses the ``_like`` index Django adds for ``db_index``.) SQLite has no such
index types and needs none at its scale, so this migration does nothing there.
"""

from django.db import migrations

from aptem.migrations_helpers import on_postgresql

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS user_search_name_trgm ON users_user "
    "USING gin (search_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_email_trgm ON users_user USING gin (email gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS user_reference_prefix ON users_user "
    "(UPPER(reference_number::text) text_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS user_search_name_trgm",
    "DROP INDEX IF EXISTS user_email_trgm",
    "DROP INDEX IF EXISTS user_reference_prefix",
]


class Migration(migrations.Migration):
    dependencies = [("users", "0002_roles")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
