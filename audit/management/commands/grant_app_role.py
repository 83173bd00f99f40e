"""Give the role the portal runs as exactly the rights it needs on PostgreSQL (README, Deploying).

Run it as the role that owns the tables (the one that runs ``migrate``). The app role may read
and write every table, but on the audit table only SELECT and INSERT: it cannot UPDATE, DELETE
or TRUNCATE audit entries, and since it does not own the table it cannot ALTER it or disable its
triggers either. Default privileges cover the tables and sequences later migrations create; run
the command again after a migration that adds a table to another schema, or to re-apply the
audit table's narrower rights after anyone granted more by hand.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

from audit.models import AuditEntry


def app_role_statements(cursor, role: str) -> list[sql.Composed]:
    """The GRANT and REVOKE statements for ``role`` on the cursor's database and schema."""
    cursor.execute("SELECT current_database(), current_schema(), current_user")
    database, schema, owner = cursor.fetchone()
    role_id, schema_id = sql.Identifier(role), sql.Identifier(schema)
    audit_table = sql.Identifier(schema, AuditEntry._meta.db_table)
    values = {
        "role": role_id,
        "schema": schema_id,
        "database": sql.Identifier(database),
        "owner": sql.Identifier(owner),
        "audit": audit_table,
    }
    templates = [
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables created by later migrations (run by the owner) are granted as they appear.
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        "GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # Last, so it narrows what the grants above gave: the audit trail is append-only.
        "REVOKE ALL ON TABLE {audit} FROM {role}",
        "GRANT SELECT, INSERT ON TABLE {audit} TO {role}",
    ]
    return [sql.SQL(template).format(**values) for template in templates]


class Command(BaseCommand):
    help = (
        "Print (or with --execute, run) the GRANTs that let ROLE run the portal without owning "
        "its tables: read and write everything, but only read and add audit entries. "
        "PostgreSQL only; run as the role that owns the tables."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="the login role the portal runs as")
        parser.add_argument("--execute", action="store_true", help="run the statements")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role: str, execute: bool, database: str, **options) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no role {role!r}: create it first (CREATE ROLE).")
            statements = app_role_statements(cursor, role)
            for statement in statements:
                text = statement.as_string(cursor.connection)
                if execute:
                    cursor.execute(text)
                self.stdout.write(text + ";")
        if execute:
            self.stdout.write(f"Granted role {role!r} the portal's rights.")
