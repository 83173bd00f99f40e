from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import User

# The create pages' URL slug for each user type, and the permission creating one needs.
TYPE_SLUGS = {
    "user": User.Type.LEARNER,
    "employer": User.Type.EMPLOYER,
    "referrer": User.Type.REFERRER,
    "admin": User.Type.ADMINISTRATOR,
}
CREATE_PERMISSION = {
    User.Type.LEARNER: "users.create_users",
    User.Type.EMPLOYER: "users.create_users",
    User.Type.REFERRER: "users.create_users",
    User.Type.ADMINISTRATOR: "users.create_admins",
}


def uses_admin_pages(user: User) -> bool:
    """Whether ``user`` may use the administration pages: every administrator holds Standard
    administrator, which carries this permission; learners, employers and referrers do not."""
    return user.has_perm("users.view_user")


def start_page(user: User) -> str:
    """The URL name of where ``user`` lands after signing in and at ``/``: administrators on the
    Users page, everyone else on their own page (never on a page that would refuse them)."""
    return "portal:user_list" if uses_admin_pages(user) else "portal:my_home"


def require_portal_access(request: HttpRequest) -> None:
    """Only administrators (every one holds Standard administrator) use the portal; a learner
    or employer who signs in is refused."""
    if not uses_admin_pages(request.user):
        raise PermissionDenied


def get_user_for(request: HttpRequest, pk: int) -> User:
    """The one way views reach a user record: outside the viewer's scope is a 404, like a
    missing one, so an administrator cannot probe for users in other groups."""
    require_portal_access(request)
    return get_object_or_404(User.objects.visible_to(request.user), pk=pk)


def get_learner_for(request: HttpRequest, pk: int) -> User:
    """``get_user_for``, for pages that exist only for learners: any other user is a 404."""
    user = get_user_for(request, pk)
    if not user.is_learner:
        raise Http404("This page exists only for learners.")
    return user


def may_edit(viewer: User, user: User) -> bool:
    if user.is_administrator:
        return viewer.has_perm("users.supervise_admins")
    return viewer.has_perm("users.edit_user_details")


def may_cancel(viewer: User, user: User) -> bool:
    if user.is_administrator:
        return viewer.has_perm("users.supervise_admins") and viewer.pk != user.pk
    return viewer.has_perm("users.cancel_subscription")
