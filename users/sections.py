"""Profile sections that belong to accounts and people, and the page's section order."""

from django.db.models import Q
from django.http import HttpRequest

from activity.sections import ACTIVITY
from audit.sections import AUDIT
from crm.sections import CONTACTS, NOTES
from programmes.progress.sections import COURSES, FUNCTIONAL_SKILLS, MILESTONES
from programmes.sections import PROGRAMMES

from .access import may_cancel, may_edit
from .models import Group, User
from .profile import Section

ALL_TYPES = frozenset(User.Type)


def _people(request: HttpRequest, subject: User) -> dict:
    """An employer's learners (managed or mentored); an administrator's visible groups."""
    context: dict = {}
    if subject.user_type == User.Type.EMPLOYER:
        context["learners"] = list(
            User.objects.visible_to(request.user)
            .filter(Q(manager=subject) | Q(mentor=subject), user_type=User.Type.LEARNER)
            .order_by("last_name", "first_name")[:50]
        )
    if subject.user_type == User.Type.ADMINISTRATOR:
        context["visible_groups"] = (
            Group.objects.all()
            if subject.has_perm("users.view_all_groups")
            else Group.objects.visible_to(subject)
        )
    return context


def _subscription(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    return {
        "may_cancel": may_cancel(viewer, subject),
        "may_extend": may_edit(viewer, subject),
        "may_archive": viewer.has_perm("users.archive_user")
        and subject.subscription_status != User.Status.ARCHIVED
        and viewer.pk != subject.pk,
    }


PEOPLE = Section(
    key="people",
    title="Learners and groups",
    template="users/sections/_people.html",
    summary=_people,
    user_types=frozenset({User.Type.EMPLOYER, User.Type.ADMINISTRATOR}),
)
SUBSCRIPTION = Section(
    key="subscription",
    title="Subscription details",
    template="users/sections/_subscription.html",
    summary=_subscription,
    user_types=ALL_TYPES,
)

# The seed's order. Sections of features not built yet are simply absent.
SECTIONS: list[Section] = [
    ACTIVITY,
    PROGRAMMES,
    FUNCTIONAL_SKILLS,
    PEOPLE,
    MILESTONES,
    NOTES,
    COURSES,
    CONTACTS,
    SUBSCRIPTION,
    AUDIT,
]
