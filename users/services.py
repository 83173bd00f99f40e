"""Audited write workflows for users. Each runs in one transaction and takes the acting user."""

import logging

from django.contrib.auth.models import Group as Role
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aptem.versioning import lock_unless_stale, save_as_new_version
from audit.context import signed_by_actor

from . import hooks, invitations
from .email_models import OutboundEmail
from .emails import email_queue
from .forms import UserForm
from .models import Group, User

logger = logging.getLogger(__name__)

STANDARD_ROLE = "Standard administrator"


@transaction.atomic
def user_create(*, form: UserForm, actor: User, site_url: str = "") -> User:
    """Create a user; an invited one (every administrator) is emailed an activation link built
    on ``site_url`` once the transaction commits."""
    if "roles" in form.cleaned_data:
        _refuse_ungrantable(actor, form.cleaned_data["roles"])
    user = form.save(commit=False)
    user.user_type = form.user_type
    user.created_by = actor
    user.set_unusable_password()
    if user.user_type == User.Type.ADMINISTRATOR:
        # An administrator is always invited.
        invite = True
    else:
        invite = bool(form.cleaned_data.get("invite_now"))
    user.subscription_status = User.Status.INVITED if invite else User.Status.PROSPECT
    if invite:
        user.invitation_sent_at = timezone.now()
    if user.subscription_start is None and user.user_type == User.Type.LEARNER:
        user.subscription_start = timezone.localdate()
    user.save()
    form.save_m2m()
    if user.user_type == User.Type.ADMINISTRATOR:
        user.roles.add(Role.objects.get(name=STANDARD_ROLE))
    if invite and user.email:
        _email_invitation_on_commit(user, site_url, actor)
    return user


@transaction.atomic
def user_update(*, user: User, form: UserForm, actor: User, based_on_version: int) -> User:
    """Save an edit unless someone else saved the record after ``based_on_version``."""
    current = lock_unless_stale(user, based_on_version)
    # Groups the editor cannot see and roles they may not grant are not on the form; keep them
    # rather than drop them, so an edit never changes what lies outside the editor's own power.
    hidden_groups = set(current.groups.exclude(pk__in=Group.objects.visible_to(actor)))
    kept_roles = set(current.roles.exclude(pk__in=actor.grantable_roles()))
    if "roles" in form.cleaned_data:
        _refuse_ungrantable(actor, set(form.cleaned_data["roles"]) - kept_roles)
    user.version = current.version + 1
    user.save()
    if "groups" in form.cleaned_data:
        user.groups.set({*form.cleaned_data["groups"], *hidden_groups})
    if "roles" in form.cleaned_data:
        chosen = {*form.cleaned_data["roles"], *kept_roles}
        chosen.add(Role.objects.get(name=STANDARD_ROLE))
        user.roles.set(chosen)
    return user


def _refuse_ungrantable(actor: User, roles) -> None:
    """The last line behind the form's own check: a role the actor may not grant is refused
    before anything is written."""
    refusals = [refusal for role in roles if (refusal := actor.role_refusal(role))]
    if refusals:
        raise PermissionDenied(" ".join(refusals))


@transaction.atomic
@signed_by_actor
def user_cancel(*, user: User, actor: User, reason: str, based_on_version: int) -> User:
    user = lock_unless_stale(user, based_on_version)
    if not user.can_be_cancelled:
        raise ValueError(
            f"A user whose status is {user.get_subscription_status_display()} cannot be cancelled."
        )
    values = {
        "status_before_cancel": user.subscription_status,
        "subscription_status": User.Status.CANCELLED,
    }
    return save_as_new_version(user, values, reason=reason, only_values=True)


@transaction.atomic
@signed_by_actor
def user_reinstate(*, user: User, actor: User, reason: str, based_on_version: int) -> User:
    user = lock_unless_stale(user, based_on_version)
    if not user.can_be_reinstated:
        raise ValueError("Only cancelled users can be reinstated.")
    values = {
        "subscription_status": user.status_before_cancel or User.Status.PROSPECT,
        "status_before_cancel": "",
    }
    return save_as_new_version(user, values, reason=reason, only_values=True)


@transaction.atomic
@signed_by_actor
def user_extend(*, user: User, actor: User, end, reason: str, based_on_version: int) -> User:
    """Move the subscription end date; an expired user whose new end is ahead is active again."""
    user = lock_unless_stale(user, based_on_version)
    status = user.subscription_status
    if status == User.Status.EXPIRED and end >= timezone.localdate():
        status = (
            User.Status.FULL_USER
            if user.invitation_accepted_at or user.has_usable_password()
            else User.Status.INVITED
            if user.invitation_sent_at
            else User.Status.PROSPECT
        )
    values = {"subscription_end": end, "subscription_status": status}
    return save_as_new_version(user, values, reason=reason, only_values=True)


class ArchiveRefused(Exception):
    """The user cannot be archived; the message says why, in words for the page."""


@transaction.atomic
@signed_by_actor
def user_archive(*, user: User, actor: User, reason: str, based_on_version: int) -> User:
    user = lock_unless_stale(user, based_on_version)
    refusal = hooks.archive_refusal(user)
    if refusal:
        raise ArchiveRefused(refusal)
    values = {"subscription_status": User.Status.ARCHIVED}
    return save_as_new_version(user, values, reason=reason, only_values=True)


def subscriptions_expire(*, today=None) -> int:
    """Mark as Expired every active user whose subscription ended before ``today``.

    Safe to run repeatedly: users already expired (or cancelled or archived) are left alone.
    Each user is saved separately so every change has its own audit entry.
    """
    today = today or timezone.localdate()
    due = User.objects.filter(
        subscription_end__lt=today,
        subscription_status__in=[User.Status.PROSPECT, User.Status.INVITED, User.Status.FULL_USER],
    )
    count = 0
    for user in due.iterator(chunk_size=500):
        with transaction.atomic():
            save_as_new_version(
                user,
                {"subscription_status": User.Status.EXPIRED},
                reason=f"Subscription ended on {user.subscription_end:%d/%m/%Y}",
                only_values=True,
            )
        count += 1
    return count


@transaction.atomic
@signed_by_actor
def invitation_send(*, user: User, actor: User, site_url: str, based_on_version: int) -> User:
    """Invite (or invite again) a prospect or invited user: a newer link supersedes older ones.
    Refused if the user changed after the page was opened (the email address may be new)."""
    user = lock_unless_stale(user, based_on_version)
    problem = invitations.send_problem(user)
    if problem:
        raise ValueError(problem)
    values = {
        "subscription_status": User.Status.INVITED,
        "invitation_sent_at": timezone.now(),
        "invitation_accepted_at": None,
    }
    save_as_new_version(user, values, reason="Invitation sent", only_values=True)
    _email_invitation_on_commit(user, site_url, actor)
    return user


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """Activate an invited user with the password they chose (already validated)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.subscription_status != User.Status.INVITED or user.invitation_accepted_at:
        raise ValueError("This invitation can no longer be accepted.")
    user.set_password(password)
    values = {
        "password": user.password,  # the hash set_password made
        "subscription_status": User.Status.FULL_USER,
        "invitation_accepted_at": timezone.now(),
    }
    return save_as_new_version(user, values, reason="Invitation accepted", only_values=True)


def _email_invitation_on_commit(user: User, site_url: str, actor: User) -> None:
    # The link is built now, from the invitation just saved; the outbox row is part of this
    # transaction and its task is queued only if it commits.
    context = {
        "user": user,
        "url": invitations.activation_url(user, site_url),
        "valid_days": invitations.MAX_AGE.days,
    }
    email_queue(
        to=user,
        subject="Your invitation to the learner portal",
        template="emails/invitation",
        context=context,
        kind=OutboundEmail.Kind.INVITATION,
        actor=actor,
    )
