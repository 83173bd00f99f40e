"""The profile page: one ordered list of sections, in the order of the seed help article.

Each section lives in its app's ``sections.py`` (the type is ``aptem.sections.Section``). A
section says who may see it and builds its summary context for one user with a fixed number of
queries, so the whole page's query count does not grow with the learner's data
(tests/portal/test_profile.py proves it). Later features add their sections to ``SECTIONS`` at
their place in the seed's order; only this top-level app knows every app, so the list is here.
"""

from django.http import HttpRequest
from django.template.loader import render_to_string

from activity.sections import ACTIVITY
from aptem.sections import Section
from audit.sections import AUDIT
from compliance.sections import COMPLIANCE
from crm.sections import ACTIVITIES, CONTACTS, NOTES
from documents.sections import DOCUMENTS
from programmes.progress.sections import COURSES, FUNCTIONAL_SKILLS, MILESTONES
from programmes.sections import PROGRAMMES
from reviews.sections import REVIEW_DOCUMENTS, REVIEWS
from trackers.sections import TRACKERS
from users.models import User
from users.sections import PEOPLE, SUBSCRIPTION

# The seed's order. Sections of features not built yet are simply absent.
SECTIONS: list[Section] = [
    ACTIVITY,
    PROGRAMMES,
    FUNCTIONAL_SKILLS,
    PEOPLE,
    REVIEWS,
    TRACKERS,
    MILESTONES,
    NOTES,
    COURSES,
    CONTACTS,
    ACTIVITIES,
    COMPLIANCE,
    REVIEW_DOCUMENTS,
    DOCUMENTS,
    SUBSCRIPTION,
    AUDIT,
]


SECTION_KEYS = frozenset(section.key for section in SECTIONS)


def visible_sections(request: HttpRequest, subject: User) -> list[dict]:
    """The sections this viewer may see on this user's profile, each rendered to HTML, with its
    count for the page's index and whether the viewer keeps it collapsed (their preference is
    on their own, already loaded, user row: no query)."""
    collapsed = set(request.user.collapsed_sections)
    rendered = []
    for section in SECTIONS:
        if section.is_visible(request.user, subject):
            context = {"subject": subject, **section.summary(request, subject)}
            html = render_to_string(section.template, context, request=request)
            rendered.append(
                {
                    "section": section,
                    "html": html,
                    "count": section.count(context) if section.count else None,
                    "collapsed": section.key in collapsed,
                }
            )
    return rendered
