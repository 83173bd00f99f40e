import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .health import health_report

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon rather
    than answering 404. Resolved per request, as the hashed static name is known only once
    collectstatic has written its manifest."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database, the task queue and the file storage each answer.

    503 when any is down, so the load balancer routes around this instance (a 500 would read
    as a bug); the body names the part that failed and nothing else.
    """
    report = health_report()
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)


# The last resort when even the plain error template cannot be rendered.
BARE_500 = (
    '<!doctype html><html lang="en-GB"><head><title>Something went wrong</title></head><body>'
    "<h1>Something went wrong on our side</h1><p>The problem has been logged. Try again in a "
    'few minutes, starting from <a href="/">the start page</a>.</p></body></html>'
)


def _error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """Render an error page in the portal's layout, with navigation and sign out.

    Django renders 400 and 500 pages without the request, since what failed may be the very
    thing a request context needs (the database behind the session, the user, the messages).
    So try with the request first and, if that fails, render the same template without it:
    it then shows the layout without the signed-in parts, and offers signing in.
    """
    template = loader.get_template(template_name)
    try:
        return HttpResponse(template.render({}, request), status=status)
    except Exception:
        logger.exception("The %s page could not be rendered with its request", status)
    try:
        return HttpResponse(template.render({}), status=status)
    except Exception:
        logger.exception("The %s page could not be rendered at all", status)
        return HttpResponse(BARE_500, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: an expired form explained in the portal's layout."""
    return _error_page(request, "403_csrf.html", 403)
