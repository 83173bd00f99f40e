"""Gives each request one correlation id, stamped on every audit entry it writes."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import one_correlation


def correlation_middleware(get_response: Callable) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        with one_correlation():
            return get_response(request)

    return middleware
