"""Helpers for migrations that add PostgreSQL-only objects (indexes, triggers).

The code stays portable (DESIGN.md §2): on SQLite these operations do nothing.
"""

from collections.abc import Callable, Sequence


def on_postgresql(statements: Sequence[str]) -> Callable:
    """A RunPython function that executes ``statements`` only on PostgreSQL."""

    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            # No parameters, so a literal % (as in RAISE messages) is not a placeholder.
            schema_editor.execute(statement, params=None)

    return apply
