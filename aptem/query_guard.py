from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class RejectNulBytesMiddleware:
    """Answer 400 to a query string with a NUL byte in it.

    No real input has one, and PostgreSQL refuses NUL in text, so one that reached a query
    (a search, a sort) would be a server error instead of a clear refusal.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequest("The address contains a NUL character, which is never valid.")
        return self.get_response(request)
