"""Project middleware."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PRIVATE_NO_STORE = "private, no-store"


def private_no_store_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Keep pages out of shared proxies and the browser's disk cache.

    Any page an administrator sees may carry a learner's personal data, and a cached copy
    outlives sign-out (a shared computer's back button, a corporate proxy). So every response to
    a signed-in user is ``private, no-store`` whatever the view said; an anonymous response
    gets it too unless the view chose its own caching. Static files are public and versioned:
    WhiteNoise answers them before this runs, and the STATIC_URL check covers ``runserver``.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or not response.has_header("Cache-Control"):
            # Replace rather than patch: "public" or "max-age" from a view must not survive.
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
