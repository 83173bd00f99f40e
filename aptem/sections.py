"""The profile Section type: what every app's ``sections.py`` builds its sections from.

The ordered list of sections and the page that shows them live in ``portal``, the one app that
may know every other app; this type knows none of them, so any app can declare a section.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    # (request, subject) -> the summary's template context, built with a fixed number of
    # queries so the profile page's query count does not grow with the learner's data.
    summary: Callable[[HttpRequest, AbstractBaseUser], dict]
    # The viewer needs every one of these permissions to see the section.
    permissions: tuple[str, ...] = ()
    # The user types (``User.Type`` values) whose profile shows the section; None, the usual
    # case, means learners only.
    user_types: frozenset[str] | None = None
    # Shown on every user's profile, whatever their type (the subscription, the audit trail).
    for_every_user: bool = False
    # (summary context) -> how many items the section holds, as the profile's section index
    # shows it ("3", "5/8"), or None. Read from the summary's own context, so the index costs
    # no query of its own.
    count: Callable[[dict], str | None] | None = None

    def is_visible(self, viewer: AbstractBaseUser, subject: AbstractBaseUser) -> bool:
        if self.for_every_user:
            shown_for_subject = True
        elif self.user_types is None:
            shown_for_subject = subject.is_learner
        else:
            shown_for_subject = subject.user_type in self.user_types
        return shown_for_subject and all(viewer.has_perm(p) for p in self.permissions)
