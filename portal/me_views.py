"""The start page: ``/`` sends administrators to the Users page and everyone else (an activated
learner, employer or referrer) to their own page, ``/me/``.

That page shows only the signed-in person's own records: their name, their programmes and what
is waiting for them. It never reads another user's data or any administrator-only data.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from activity.models import Task
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
    context = {"enrolments": enrolments, "open_tasks": open_tasks, "documents": documents}
    return render(request, "portal/my_home.html", context)
