"""The profile page: one ordered list of sections, in the order of the seed help article.

Each section lives in its app's ``sections.py``. A section says who may see it and builds its
summary context for one user with a fixed number of queries, so the whole page's query count
does not grow with the learner's data (tests/users/test_profile.py proves it). Later features
add their sections to ``SECTIONS`` at their place in the seed's order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string

from .models import User


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    # (request, subject) -> the summary's template context.
    summary: Callable[[HttpRequest, User], dict]
    # The viewer needs every one of these permissions to see the section.
    permissions: tuple[str, ...] = ()
    user_types: frozenset[str] = field(default_factory=lambda: frozenset({User.Type.LEARNER}))

    def is_visible(self, viewer: User, subject: User) -> bool:
        return subject.user_type in self.user_types and all(
            viewer.has_perm(p) for p in self.permissions
        )


def visible_sections(request: HttpRequest, subject: User) -> list[dict]:
    """The sections this viewer may see on this user's profile, each rendered to HTML."""
    from . import sections

    rendered = []
    for section in sections.SECTIONS:
        if section.is_visible(request.user, subject):
            context = {"subject": subject, **section.summary(request, subject)}
            html = render_to_string(section.template, context, request=request)
            rendered.append({"section": section, "html": html})
    return rendered
