"""Helpers for the module fixtures that load a large data set once, in a transaction rolled back
after the module's last test (``_made_once`` and friends, README "Testing")."""

from django.db import connection


def finish_load() -> None:
    """Call at the end of a shared load, inside its transaction: checks the load's deferred
    constraints and gives the planner its row counts."""
    check_loaded_constraints()
    analyze_loaded_tables()


def check_loaded_constraints() -> None:
    """Check the load's deferred foreign keys now, once.

    Every test's teardown checks the deferred constraints (Django's ``TestCase`` runs ``SET
    CONSTRAINTS ALL IMMEDIATE`` in the test's savepoint). On PostgreSQL the checks still queued
    from the uncommitted load fire there too, and rolling back the savepoint puts them back in
    the queue, so each test paid again for checking every row of the load: 0.4 s a test for
    seed_demo's 300 learners. Fired here, in the load's own transaction, they are done for good.
    """
    connection.check_constraints()


def analyze_loaded_tables() -> None:
    """Give PostgreSQL's planner the row counts of what the fixture has just loaded.

    The load is never committed, so autovacuum never analyzes it. Worse, by the time a module
    runs, autovacuum has usually analyzed the tables after earlier tests' rolled-back inserts:
    the planner then believes they hold no rows on many pages, estimates one row for every
    scan of the loaded data and joins it with nested loops. The group-scope check
    (``users.scope.group_scope_mismatches``) took over two minutes on seed_demo's 300 learners
    that way instead of a few milliseconds. ANALYZE inside the transaction samples the
    uncommitted rows (they are this transaction's own). Its column statistics roll back with
    the load; the row and page counts it writes into ``pg_class`` stay, so later estimates err
    towards too many rows (a hash join where a nested loop would do), never towards none.
    """
    if connection.vendor != "postgresql":
        return
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
