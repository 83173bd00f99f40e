"""CRM activities: a learner's Activities page (search, export), log one (in the profile's
dialog), edit one (its author or a Supervisor), the portal-wide Activities page with its export,
and a CRM contact's own page with the activities recorded with them.

Learners never reach any of these: every view goes through ``get_learner_for`` or
``require_portal_access``, both of which refuse anyone but administrators.
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from aptem.csv_export import csv_response
from aptem.permissions import require_permission
from aptem.versioning import conflict_status, update_unless_stale
from audit.services import log_access
from reporting.exports import too_big_to_stream
from reporting.tasks import file_export_start
from users.access import get_learner_for, require_portal_access
from users.models import User

from . import services
from .exports import KIND, PERMISSION, activity_export_rows, export_label, search_activities
from .filters import PORTAL_SORTING, SECTION_SORTING
from .forms import ActivityForm
from .models import CrmContact, LearnerContact
from .sections import activity_rows
from .views import _back_to_profile

PER_PAGE = 25


def _list_context(request: HttpRequest, found, rows, sorting) -> dict:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    viewer = request.user
    return {
        "filter": found,
        "page": page,
        "rows": [(activity, activity.may_be_edited_by(viewer)) for activity in page.object_list],
        "query": query.urlencode(),
        "export_query": request.GET.urlencode(),
        "filtered": any(request.GET.get(name) for name in found.form.fields),
        "headers": sorting.headers(request, sorting.key(request.GET.get("sort"))),
        "may_export": viewer.has_perm(PERMISSION),
    }


@require_GET
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    found, rows = search_activities(request.user, request.GET, learner)
    context = {"subject": learner, **_list_context(request, found, rows, SECTION_SORTING)}
    return render(request, "crm/activity_list.html", context)


@require_GET
def activity_index(request: HttpRequest) -> HttpResponse:
    """Every activity on the learners the viewer can see, newest first."""
    require_portal_access(request)
    found, rows = search_activities(request.user, request.GET)
    context = _list_context(request, found, rows, PORTAL_SORTING)
    return render(request, "crm/activity_index.html", context)


@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    # Any administrator who can reach the learner may log an activity with them, as a note.
    learner = get_learner_for(request, pk)
    form = ActivityForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        activity = services.activity_create(
            learner=learner, values=form.activity_values(), actor=request.user
        )
        task = " and its follow-up task was set" if activity.follow_up_task_id else ""
        messages.success(request, f"The activity “{activity.subject}” was logged{task}.")
        return _back_to_profile(request, learner, "crm-activities")
    return _render_form(request, {"form": form, "subject": learner})


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    activity = get_object_or_404(
        activity_rows(learner.crm_activities.all()).select_related("follow_up_task"),
        pk=activity_pk,
    )
    if not activity.may_be_edited_by(request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, instance=activity, learner=learner)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = update_unless_stale(
            request,
            form,
            partial(services.activity_update, activity=activity, values=form.activity_values()),
            "activity",
            learner=learner,
        )
        if saved.ok:
            messages.success(request, "Your changes to the activity were saved.")
            return _back_to_profile(request, learner, "crm-activities")
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": learner, "activity": activity, "conflict": conflict}
    return _render_form(request, context)


def _render_form(request: HttpRequest, context: dict) -> HttpResponse:
    """The whole page, or just the form when htmx opened it inside the profile's section."""
    status = conflict_status(context.get("conflict"))
    if request.htmx:
        context["form"].fields["activity_type"].widget.attrs["autofocus"] = True
        return render(request, "crm/activity_form.html#form", context, status=status)
    return render(request, "crm/activity_form.html", context, status=status)


def _export(request: HttpRequest, learner: User | None, back: str) -> HttpResponse:
    """The CSV of the page's filtered rows, streamed, or made by a task when there are more
    than settings.EXPORT_INLINE_MAX_ROWS (only a POST makes the job, so a reload never makes
    two; a GET then goes back to the page, whose Export button posts)."""
    require_permission(request, PERMISSION)
    # The page's filters travel in the query string, whether the Export button posted or a
    # saved link was followed.
    query = request.GET.copy()
    found, rows = search_activities(request.user, query, learner)
    if not found.is_valid():
        messages.error(request, "Correct the search's dates before exporting.")
        return redirect(f"{back}?{query.urlencode()}")
    label = export_label(found, learner)
    if too_big_to_stream(rows):
        if request.method != "POST":
            messages.info(
                request,
                f"This export has more than {settings.EXPORT_INLINE_MAX_ROWS:,} rows: press "
                "Export CSV to have its file made in the background.",
            )
            return redirect(f"{back}?{query.urlencode()}")
        parameters = {"query": query.urlencode(), "learner": learner.pk if learner else None}
        job = file_export_start(actor=request.user, kind=KIND, label=label, parameters=parameters)
        messages.success(request, "The export has started: its file is made in the background.")
        return redirect("reporting:detail", pk=job.pk)
    # The file carries personal data out of the portal: noted on the learner's trail (or, for
    # the portal-wide list, on the exporter's own).
    log_access(learner or request.user, kind="export", detail=label, actor=request.user)
    prefix = f"crm-activities-{learner.pk}" if learner else "crm-activities"
    return csv_response(
        activity_export_rows(rows.iterator(chunk_size=1000)), filename_prefix=prefix
    )


@require_http_methods(["GET", "POST"])
def activity_export(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    return _export(request, learner, reverse("crm:activities", args=[learner.pk]))


@require_http_methods(["GET", "POST"])
def activity_index_export(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    return _export(request, None, reverse("crm:activity_index"))


def _contact_for(request: HttpRequest, contact_pk: int) -> tuple[CrmContact, object]:
    """A CRM contact the viewer may open: one linked to a learner they can see, or one they
    recorded themselves. Anyone else's is a 404, like a missing one. Also returns the learners
    the viewer can see (a lazy subquery)."""
    require_portal_access(request)
    visible = User.objects.visible_to(request.user).filter(user_type=User.Type.LEARNER)
    linked_here = LearnerContact.objects.filter(
        crm_contact=OuterRef("pk"), learner__in=visible.values("pk")
    )
    contacts = CrmContact.objects.select_related("organisation").filter(
        Q(Exists(linked_here)) | Q(created_by=request.user)
    )
    contact = contacts.filter(pk=contact_pk).first()
    if contact is None:
        raise Http404("No such CRM contact.")
    return contact, visible


@require_GET
def contact_detail(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact, visible = _contact_for(request, contact_pk)
    links = (
        contact.learner_links.filter(learner__in=visible.values("pk"))
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )
    activities = activity_rows(
        contact.activities.filter(learner__in=visible.values("pk"))
    ).order_by("-occurred_at", "-pk")
    page = Paginator(activities, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "contact": contact,
        "links": list(links),
        "page": page,
        "rows": [(a, a.may_be_edited_by(request.user)) for a in page.object_list],
        "query": "",
    }
    return render(request, "crm/contact_detail.html", context)
