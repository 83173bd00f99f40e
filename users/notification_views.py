"""The signed-in person's own notifications: /notifications/...

Everyone who signs in has them (learners and employers too, not only administrators), and
sees only their own: anyone else's is a 404, exactly like a missing one.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from aptem.pagination import paginate

from .notification_models import Notification

PER_PAGE = 25


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    own = Notification.objects.for_recipient(request.user)
    page = paginate(
        own.select_related("actor"), request.GET.get("page"), PER_PAGE, count_with_rows=False
    )
    context = {"page": page, "unread": own.unread().count() if page.object_list else 0}
    return render(request, "users/notification_list.html", context)


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to its page. A POST (the list's Open button), so that a link
    prefetched or followed by a crawler never marks anything read."""
    notification = get_object_or_404(Notification.objects.for_recipient(request.user), pk=pk)
    notification.mark_read()
    # The link was checked when it was saved; checked again here since a redirect elsewhere
    # would be an open redirect with the portal's name on it.
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        messages.error(request, "This notification's link does not lead to a portal page.")
        return redirect("notifications:list")
    return redirect(notification.link)


@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = Notification.objects.for_recipient(request.user).mark_read()
    if marked:
        messages.success(request, f"{marked} notification{pluralize(marked)} marked as read.")
    return redirect("notifications:list")


@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, a fragment that base.html loads with htmx once the page is
    shown, so that no page pays a query for it (many pages pin their query count)."""
    unread = Notification.objects.for_recipient(request.user).unread().count()
    return render(request, "users/_notification_badge.html", {"unread": unread})
