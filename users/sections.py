"""Profile sections that belong to accounts and people (portal.sections puts them in order)."""

from django.db.models import Q
from django.http import HttpRequest

from aptem.sections import Section

from .access import may_cancel, may_edit
from .email_models import OutboundEmail
from .invitations import INVITABLE_STATUSES
from .models import Group, User

PEOPLE_SHOWN = 50


def _people(request: HttpRequest, subject: User) -> dict:
    """An employer's learners (managed or mentored); an administrator's visible groups."""
    context: dict = {}
    if subject.user_type == User.Type.EMPLOYER:
        context["learners"] = list(
            User.objects.visible_to(request.user)
            .filter(Q(manager=subject) | Q(mentor=subject), user_type=User.Type.LEARNER)
            .order_by("last_name", "first_name")[:PEOPLE_SHOWN]
        )
    if subject.user_type == User.Type.ADMINISTRATOR:
        # A list, so the profile's index counts what the section shows without a second query.
        context["visible_groups"] = list(
            Group.objects.all()
            if subject.has_perm("users.view_all_groups")
            else Group.objects.visible_to(subject)
        )
    return context


def _people_count(context: dict) -> str | None:
    # An employer's list stops at PEOPLE_SHOWN learners, so a full list may have more.
    learners = context.get("learners")
    if learners is not None:
        return f"{len(learners)}+" if len(learners) >= PEOPLE_SHOWN else str(len(learners))
    groups = context.get("visible_groups")
    return None if groups is None else str(len(groups))


def _subscription(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    return {
        # One indexed lookup, only for someone ever invited: did the last invitation go?
        "invitation_email": (
            OutboundEmail.objects.filter(
                recipient=subject, kind=OutboundEmail.Kind.INVITATION
            ).first()
            if subject.invitation_sent_at
            else None
        ),
        "may_invite": may_edit(viewer, subject)
        and subject.subscription_status in INVITABLE_STATUSES,
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
    count=_people_count,
    user_types=frozenset({User.Type.EMPLOYER, User.Type.ADMINISTRATOR}),
)
SUBSCRIPTION = Section(
    key="subscription",
    title="Subscription details",
    template="users/sections/_subscription.html",
    summary=_subscription,
    for_every_user=True,
)
