from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def require_permission(request: HttpRequest, permission: str) -> None:
    """Answer 403 unless the viewer holds ``permission``; views check it after the access
    helper, so a learner outside the viewer's scope is still a 404 first."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
