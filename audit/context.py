"""Who is acting, for audit entries written outside the auditlog middleware's reach.

In a request the middleware names the signed-in user on every entry. A service also takes a
keyword ``actor``; running it under ``acting_as`` names that actor on the entries it writes
wherever it runs (a background task, a management command, a test). auditlog's own
``set_actor`` cannot be nested inside the middleware's (the outer one stops working), so the
actor travels in a context variable of ours, which the entry manager reads.

The address of the request that started the work travels with the actor (``acting_as``'s
``remote_addr``), so a background task's entries carry the address its starter used.

A correlation id travels the same way: every entry written in one request (``audit.middleware``)
or one outermost ``acting_as`` shares it, so the trail shows the entries of one save together.
auditlog reads it through ``AUDITLOG_CID_GETTER``; its own default only copies a header the
client sends, which would be neither always there nor trustworthy.
"""

import functools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)
_cid: ContextVar[str | None] = ContextVar("audit_cid", default=None)
_remote_addr: ContextVar[str | None] = ContextVar("audit_remote_addr", default=None)
_because: ContextVar[dict | None] = ContextVar("audit_because", default=None)


def current_cid() -> str | None:
    """The correlation id of the request or service run writing entries now, or None."""
    return _cid.get()


@contextmanager
def one_correlation() -> Iterator[None]:
    """Entries written inside share one correlation id (the outer one's, when nested)."""
    token = _cid.set(uuid.uuid4().hex) if _cid.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _cid.reset(token)


def current_actor() -> Any:
    """The user named by the innermost ``acting_as``, or None."""
    return _actor.get()


def current_remote_addr() -> str | None:
    """The address given to the innermost ``acting_as``, or None."""
    return _remote_addr.get()


@contextmanager
def acting_as(actor: Any, *, remote_addr: str | None = None) -> Iterator[None]:
    """Every audit entry written inside names ``actor`` (unless it names one itself) and, when
    given, ``remote_addr`` (in a request, auditlog's middleware sets the request's own)."""
    token = _actor.set(actor)
    address_token = _remote_addr.set(remote_addr)
    try:
        with one_correlation():
            yield
    finally:
        _remote_addr.reset(address_token)
        _actor.reset(token)


def signed_by_actor(service: Callable) -> Callable:
    """For a service taking a keyword ``actor``: the entries it writes name that actor."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return service(*args, **kwargs)

    return wrapper


@contextmanager
def because(reason: str, **data: Any) -> Iterator[None]:
    """Every audit entry written inside gives ``reason`` (before any reason of its own) and
    carries ``data``: an approved change request's entries all name the tracker that made
    them, whichever service writes them."""
    token = _because.set({"reason": reason, **data})
    try:
        yield
    finally:
        _because.reset(token)


def with_cause(additional_data: dict | None) -> dict | None:
    """``additional_data`` of an entry written now, with the ``because`` in force added."""
    cause = _because.get()
    if cause is None:
        return additional_data
    data = dict(additional_data or {})
    own = data.get("reason")
    data.update(cause)
    if own and own != cause["reason"]:
        data["reason"] = f"{cause['reason']}: {own}"
    return data
