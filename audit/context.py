"""Who is acting, for audit entries written outside the auditlog middleware's reach.

In a request the middleware names the signed-in user on every entry. A service also takes a
keyword ``actor``; running it under ``acting_as`` names that actor on the entries it writes
wherever it runs (a background task, a management command, a test). auditlog's own
``set_actor`` cannot be nested inside the middleware's (the outer one stops working), so the
actor travels in a context variable of ours, which the entry manager reads.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)


def current_actor() -> Any:
    """The user named by the innermost ``acting_as``, or None."""
    return _actor.get()


@contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Every audit entry written inside names ``actor`` (unless it names one itself)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def signed_by_actor(service: Callable) -> Callable:
    """For a service taking a keyword ``actor``: the entries it writes name that actor."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return service(*args, **kwargs)

    return wrapper
