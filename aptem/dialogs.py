"""The answer to a form that the profile's dialog (htmx) or a plain page posted."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh


def back_to_page(request: HttpRequest, page_url: str, anchor: str) -> HttpResponse:
    """Back to ``page_url`` at ``#anchor`` once the form is saved.

    Without htmx, an ordinary redirect. Posted from the page's own dialog, the page is reloaded:
    a redirect to the same page with another anchor would only scroll, leaving the changed
    section and the message unshown. Posted from anywhere else, htmx is told to go there.
    """
    url = f"{page_url}#{anchor}"
    if not request.htmx:
        return redirect(url)
    if (request.htmx.current_url_abs_path or "").split("#")[0] == page_url:
        return HttpResponseClientRefresh()
    return HttpResponseClientRedirect(url)
