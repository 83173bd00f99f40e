"""On PostgreSQL, refuse TRUNCATE on audit entries too (0003 refuses UPDATE and DELETE).

A statement-level trigger, since TRUNCATE fires no row triggers. It lets TRUNCATE through only
when the session set ``audit.allow_truncate = on`` AND its role owns the table: the test suite's
flush between transactional tests needs that (tests/conftest.py sets it on the test database's
connections only). It takes nothing from anyone: the owner may DISABLE TRIGGER anyway, which is
why production runs the portal as a role that does not own the table (README, Deploying, and
``manage.py grant_app_role``), and that role can never pass the check. For the owner the trigger
is a guard against an accidental TRUNCATE or ``manage.py flush``.
"""

from django.db import migrations

from aptem.migrations_helpers import on_postgresql

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('audit.allow_truncate', true), '') = 'on'
           AND pg_has_role(
               current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'
           ) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'Audit entries cannot be changed or deleted (%).', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_entry_refuse_truncate ON audit_auditentry",
    """
    CREATE TRIGGER audit_entry_refuse_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_truncate()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_entry_refuse_truncate ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_truncate()",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_unlink_swapped_auditlog_table")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
