"""The start page: ``/`` sends administrators to the Users page and everyone else (an activated
learner, employer or referrer) to their own page, ``/me/``.

That page shows only the signed-in person's own records: their name, their programmes and what
is waiting for them. It never reads another user's data or any administrator-only data.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from activity.models import Task
from signing.models import Envelope, Signer
from signing.tokens import make_token
from users.access import start_page, uses_admin_pages


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect(start_page(request.user))


@require_GET
def my_home(request: HttpRequest) -> HttpResponse:
    me = request.user
    if uses_admin_pages(me):
        # An administrator's start page is the Users page; this one has nothing of theirs.
        return redirect(start_page(me))
    # Programmes and tasks belong to learners; employers and referrers have neither.
    enrolments = list(me.enrolments.select_related("programme")) if me.is_learner else []
    open_tasks = list(me.tasks.filter(status=Task.Status.OPEN)) if me.is_learner else []
    # Only the documents made visible to them, never deleted ones (documents.my_document_download
    # checks the same again).
    documents = list(me.documents.visible_to_learner()) if me.is_learner else []
    context = {
        "enrolments": enrolments,
        "open_tasks": open_tasks,
        "documents": documents,
        "to_sign": _waiting_for_signature(me),
    }
    return render(request, "portal/my_home.html", context)


def _waiting_for_signature(me) -> list[dict]:
    """The documents waiting for this person's signature (a learner's, or an employer contact's
    for their apprentices), each with its signing link while the link is valid: the same link
    the email carries, so signing here and from the email are one path."""
    now = timezone.now()
    rows = (
        Signer.objects.filter(
            user=me, signed_at__isnull=True, envelope__status=Envelope.Status.OPEN
        )
        .exclude(token_nonce="")
        .select_related("envelope")
        .order_by("envelope__created_at", "pk")
    )
    return [
        {
            "title": signer.envelope.title,
            "sent": signer.link_sent_at,
            "url": reverse("signing:sign", args=[make_token(signer)])
            if signer.link_expires_at and signer.link_expires_at > now
            else None,
        }
        for signer in rows
    ]
