"""Audited write workflows for users. Each runs in one transaction and takes the acting user."""

from django.contrib.auth.models import Group as Role
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry

from .forms import UserForm
from .models import Group, User

STANDARD_ROLE = "Standard administrator"


class EditConflict(Exception):
    """The record changed after the form was opened; ``changes`` says who changed what."""

    def __init__(self, current_version: int, changes: list[AuditEntry]):
        super().__init__("The record was changed by someone else.")
        self.current_version = current_version
        self.changes = changes


@transaction.atomic
def user_create(*, form: UserForm, actor: User) -> User:
    user = form.save(commit=False)
    user.user_type = form.user_type
    user.created_by = actor
    user.set_unusable_password()
    if user.user_type == User.Type.ADMINISTRATOR:
        # An administrator is always invited; the email itself is sent by the invitations flow.
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
    return user


@transaction.atomic
def user_update(*, user: User, form: UserForm, actor: User, based_on_version: int) -> User:
    """Save an edit unless someone else saved the record after ``based_on_version``."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.version != based_on_version:
        raise EditConflict(current.version, changes_since(current, based_on_version))
    # Groups the editor cannot see are not on the form; keep them rather than drop them.
    hidden_groups = set(current.groups.exclude(pk__in=Group.objects.visible_to(actor)))
    user.version = current.version + 1
    user.save()
    if "groups" in form.cleaned_data:
        user.groups.set({*form.cleaned_data["groups"], *hidden_groups})
    if "roles" in form.cleaned_data:
        chosen = set(form.cleaned_data["roles"])
        chosen.add(Role.objects.get(name=STANDARD_ROLE))
        user.roles.set(chosen)
    return user


def changes_since(user: User, version: int) -> list[AuditEntry]:
    """Audit entries for ``user`` written after the given version was saved, oldest first."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=user.pk
        )
        .select_related("actor")
        .order_by("-timestamp")[:50]
    )
    later = [e for e in entries if (e.additional_data or {}).get("version", 0) > version]
    return list(reversed(later))


@transaction.atomic
def user_cancel(*, user: User, actor: User, reason: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.can_be_cancelled:
        raise ValueError(
            f"A user whose status is {user.get_subscription_status_display()} cannot be cancelled."
        )
    user.status_before_cancel = user.subscription_status
    user.subscription_status = User.Status.CANCELLED
    user.version += 1
    user.audit_reason = reason
    user.save(update_fields=["status_before_cancel", "subscription_status", "version"])
    return user


@transaction.atomic
def user_reinstate(*, user: User, actor: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.can_be_reinstated:
        raise ValueError("Only cancelled users can be reinstated.")
    user.subscription_status = user.status_before_cancel or User.Status.PROSPECT
    user.status_before_cancel = ""
    user.version += 1
    user.save(update_fields=["status_before_cancel", "subscription_status", "version"])
    return user


@transaction.atomic
def user_extend(*, user: User, actor: User, end, reason: str) -> User:
    """Move the subscription end date; an expired user whose new end is ahead is active again."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.subscription_end = end
    if user.subscription_status == User.Status.EXPIRED and end >= timezone.localdate():
        user.subscription_status = (
            User.Status.FULL_USER
            if user.invitation_accepted_at or user.has_usable_password()
            else User.Status.INVITED
            if user.invitation_sent_at
            else User.Status.PROSPECT
        )
    user.version += 1
    user.audit_reason = reason
    user.save(update_fields=["subscription_end", "subscription_status", "version"])
    return user


@transaction.atomic
def user_archive(*, user: User, actor: User, reason: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.subscription_status = User.Status.ARCHIVED
    user.version += 1
    user.audit_reason = reason
    user.save(update_fields=["subscription_status", "version"])
    return user


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
            user.subscription_status = User.Status.EXPIRED
            user.version += 1
            user.audit_reason = f"Subscription ended on {user.subscription_end:%d/%m/%Y}"
            user.save(update_fields=["subscription_status", "version"])
        count += 1
    return count
