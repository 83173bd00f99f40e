"""Project middleware."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject

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


def concrete_user_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Put the user itself on ``request.user`` in place of Django's lazy stand-in for it.

    Every attribute read through a ``SimpleLazyObject`` costs several microseconds (the lookup
    raises and catches an AttributeError inside it), about six times a direct read, and a page
    reads ``request.user`` hundreds of times: permission checks for each row's actions, each
    link of the navigation. On the Users page that came to about a fifth of its time. Every
    page but the few open to anonymous visitors needs the user anyway (LoginRequiredMiddleware
    reads it), so loading it here costs no query that was not made already. Runs after
    OTPMiddleware, whose own lazy wrapper marks the user as verified when it is loaded.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            user.pk  # noqa: B018  (loads the user: the lazy object keeps it as ``_wrapped``)
            request.user = user._wrapped
        return get_response(request)

    return middleware
