"""Keeps each user's group scope (users/scope.py) right when memberships change, from either
side of ``User.groups``, and when a group is deleted; a group move is caught by
``GroupManager.move``, which treebeard runs as raw path updates that send no signals."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .lists import ALL_GROUPS, CASE_OWNERS
from .models import Group, User
from .scope import group_scopes_refresh


@receiver(m2m_changed, sender=User.groups.through)
def memberships_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        # group.members.clear(): who the members were is gone by post_clear.
        instance._cleared_member_ids = list(instance.members.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        user_ids = [instance.pk]
    elif action == "post_clear":
        user_ids = instance.__dict__.pop("_cleared_member_ids", [])
    else:
        user_ids = list(pk_set or [])
    if user_ids:
        group_scopes_refresh(User.objects.filter(pk__in=user_ids))


@receiver(post_delete, sender=Group)
def group_deleted(sender, instance: Group, **kwargs) -> None:
    # Whoever had the group in their scope was in it or under it; the memberships are gone.
    group_scopes_refresh(User.objects.filter(scope_ids__overlap=[instance.pk]))


@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
def group_changed(sender, instance: Group, **kwargs) -> None:
    ALL_GROUPS.forget()


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def administrator_changed(sender, instance: User, **kwargs) -> None:
    # Learners' saves, by far the most, leave the case owners as they were. (A user's type is
    # chosen when they are created and never changes.)
    if instance.user_type == User.Type.ADMINISTRATOR:
        CASE_OWNERS.forget()
