"""Remove the foreign keys of django-auditlog's own, unused ``auditlog_logentry`` table.

AUDITLOG_LOGENTRY_MODEL swaps auditlog's model out for audit.AuditEntry, yet auditlog's
migrations still create its table. Django ignores swapped-out models when it flushes a database
(as the test runner does after every transactional and browser test), and PostgreSQL refuses to
truncate ``users_user`` while that forgotten table still references it. The table is never
written, so its constraints can go; the table stays, so auditlog's own migrations keep working.
"""

from django.db import migrations

from aptem.migrations_helpers import on_postgresql

DROP_FOREIGN_KEYS = """
DO $$
DECLARE constraint_name text;
BEGIN
    IF to_regclass('auditlog_logentry') IS NULL THEN
        RETURN;
    END IF;
    FOR constraint_name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(on_postgresql([DROP_FOREIGN_KEYS]), migrations.RunPython.noop),
    ]
