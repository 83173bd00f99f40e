"""The role the portal runs as in production cannot rewrite or empty the audit trail.

README (Deploying): migrations run as the role owning the tables; the portal runs as a role
given its rights by ``manage.py grant_app_role``. CI creates that role and passes it in
DATABASE_APP_USER / DATABASE_APP_PASSWORD; this test grants it through the same command on the
test database, connects as it and tries everything that would empty or rewrite the trail.
"""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from psycopg import errors, sql

from audit.models import AuditEntry

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL-only"),
    # The app role's own connection sees only committed rows and tables; serialized_rollback
    # restores the content types and roles an earlier transactional test's flush removed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TABLE = AuditEntry._meta.db_table
TRUNCATE_REFUSED = r"cannot be changed or deleted \(TRUNCATE\)"


@pytest.fixture
def app_role() -> tuple[str, str]:
    user = os.environ.get("DATABASE_APP_USER")
    password = os.environ.get("DATABASE_APP_PASSWORD", "")
    if not user:
        message = "DATABASE_APP_USER is not set: create the app role as .ci/run does"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run this test, not skip it.")
        pytest.skip(message)
    return user, password


@pytest.fixture
def app_connection(app_role, learner):
    """A connection to the test database as the app role, after granting it its rights."""
    user, password = app_role
    call_command("grant_app_role", user, "--execute", stdout=open(os.devnull, "w"))  # noqa: SIM115
    params = connection.get_connection_params()
    params.update(user=user, password=password, autocommit=True)
    params.pop("options", None)  # the test suite's own truncate switch is not the app's
    with psycopg.connect(**params) as app:
        yield app


def refused(app, statement: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        app.execute(statement)


def test_the_app_role_reads_and_adds_audit_entries(app_connection, learner):
    before = app_connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    assert before == AuditEntry.objects.count() > 0
    columns = sql.SQL(", ").join(
        sql.Identifier(field.column)
        for field in AuditEntry._meta.concrete_fields
        if not field.primary_key
    )
    app_connection.execute(
        sql.SQL("INSERT INTO {t} ({c}) SELECT {c} FROM {t} ORDER BY id LIMIT 1").format(
            t=sql.Identifier(TABLE), c=columns
        )
    )
    assert AuditEntry.objects.count() == before + 1


def test_the_app_role_cannot_update_delete_truncate_or_disable_the_triggers(app_connection):
    count = AuditEntry.objects.count()
    refused(app_connection, f"UPDATE {TABLE} SET object_repr = 'rewritten'")
    refused(app_connection, f"DELETE FROM {TABLE}")
    refused(app_connection, f"TRUNCATE {TABLE}")
    # The switch the test suite's flush uses does nothing for a role that does not own the table.
    app_connection.execute("SET audit.allow_truncate = on")
    refused(app_connection, f"TRUNCATE {TABLE}")
    refused(app_connection, f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    refused(app_connection, f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_refuse_truncate")
    refused(app_connection, f"DROP TABLE {TABLE}")
    assert AuditEntry.objects.count() == count


def test_the_app_role_still_writes_the_other_tables(app_connection, learner):
    app_connection.execute(
        "UPDATE users_user SET mobile = '07700 900456' WHERE id = %s", [learner.pk]
    )
    learner.refresh_from_db()
    assert learner.mobile == "07700 900456"


def test_the_owner_cannot_truncate_the_audit_table_either(learner):
    count = AuditEntry.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        # As the portal would run if it owned the table: without the test suite's switch.
        cursor.execute("SET LOCAL audit.allow_truncate = off")
        with pytest.raises(DatabaseError, match=TRUNCATE_REFUSED), transaction.atomic():
            cursor.execute(f"TRUNCATE {TABLE}")
    assert AuditEntry.objects.count() == count


def test_grant_app_role_refuses_a_missing_role(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no role 'nobody_here'"):
        call_command("grant_app_role", "nobody_here")
