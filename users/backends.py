from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class PortalBackend(ModelBackend):
    """Email-and-password sign-in where roles, not organisation groups, carry permissions.

    ``User.groups`` holds the organisation groups that decide visibility; the auth groups that
    carry permissions are ``User.roles`` (shown as "Roles").
    """

    def user_can_authenticate(self, user) -> bool:
        # Prospects and invited users have not activated; cancelled, expired and archived users
        # have lost access.
        return super().user_can_authenticate(user) and (
            user.subscription_status == user.Status.FULL_USER
        )

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(group__members=user_obj)
