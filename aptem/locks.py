"""Locks on names rather than rows, held until the current transaction ends.

Parallel tasks sometimes must take turns over something that has no row yet (a person an
import is about to create, a position of a file not yet reported on). On PostgreSQL a
transaction-level advisory lock per name does that without making unrelated work wait; each
caller says what to lock instead on other databases (``supported``).
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction


def supported() -> bool:
    """The database has named locks (PostgreSQL's advisory locks)."""
    return connection.vendor == "postgresql"


def _key(name: str) -> int:
    # Advisory locks take one signed 64-bit key: a stable hash of the name (a collision only
    # makes two unrelated names take turns).
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(names: list[str]) -> None:
    """Wait for, then hold until the transaction ends, a lock on each name.

    The keys are taken in one order, so two transactions wanting overlapping names never
    deadlock. Call inside ``transaction.atomic()`` and only where ``supported()``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Named locks are held until the transaction ends: open one first.")
    with connection.cursor() as cursor:
        for key in sorted({_key(name) for name in names}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
