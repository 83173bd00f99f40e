"""Small lists that many pages draw and that rarely change, kept in Django's cache.

The Users page's search panel offers every programme, every case owner and (to those who see
all groups) every group. Reading those from the database on every search cost three of its
seven queries and about a fifth of its time, for lists that change when someone adds a
programme or an administrator. A ``SharedList`` is built from the database once, kept in the
default cache, and forgotten whenever a row it is built from changes (its owner connects the
model signals to ``forget``), so the next request builds it again.

With ``REDIS_URL`` set the cache is Redis, shared by every worker process, so a change shows
at once everywhere. Without it the cache is each process's own memory: the process that made
the change forgets at once, the others within ``settings.SHARED_LISTS_SECONDS`` (the lists'
lifetime in any cache, which also bounds changes made without model signals, such as a
``QuerySet.update``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# Part of every key: bump it when a list's shape changes, so a deployment never reads a list
# an older release stored.
KEY_VERSION = 1


class SharedList(Generic[T]):
    def __init__(self, name: str, build: Callable[[], list[T]]):
        self.key = f"shared-list:{KEY_VERSION}:{name}"
        self.build = build

    def get(self) -> list[T]:
        value = cache.get(self.key)
        if value is None:
            value = self.build()
            cache.set(self.key, value, settings.SHARED_LISTS_SECONDS)
        return value

    def forget(self, **_signal_kwargs) -> None:
        """Drop the list now and again when the transaction commits.

        Now, so this request sees its own change; at the commit too, because another request
        may have rebuilt the list from the rows as they were before the commit in between.
        Takes (and ignores) a signal's keyword arguments so it can be a signal receiver.
        """
        cache.delete(self.key)
        transaction.on_commit(lambda: cache.delete(self.key))
