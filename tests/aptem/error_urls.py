"""The site's URLs plus views that fail on purpose, for tests/aptem/test_error_pages.py."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import path

from aptem.urls import handler400, handler500
from aptem.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def _raising(exception: Exception):
    # Open to anonymous visitors too, so the tests can see what a signed-out visitor gets.
    @login_not_required
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("fail/400/", _raising(BadRequest("bad"))),
    path("fail/403/", _raising(PermissionDenied)),
    path("fail/404/", _raising(Http404("No such learner."))),
    path("fail/500/", _raising(RuntimeError("a bug"))),
    *site_urlpatterns,
]
