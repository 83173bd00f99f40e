"""A learner's trackers: the list (search, filters, sorting), raise one (in the profile's
dialog), its page with notes and history, edit, approve or reject a change request, print and
PDF; and the portal-wide Trackers page."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.dialogs import back_to_page
from aptem.permissions import require_permission
from aptem.versioning import (
    CONFLICT_STATUS,
    act_on_posted_version,
    conflict_status,
    update_unless_stale,
)
from audit.models import AuditEntry
from audit.trail import present
from compliance.models import ComplianceDocument
from documents.services import document_upload
from users.access import get_learner_for, require_portal_access
from users.models import User

from . import changes, services
from .changes import ChangeRefused
from .filters import PORTAL_SORTING, SECTION_SORTING, PortalTrackerFilter, TrackerFilter
from .forms import NoteForm, RejectForm, TrackerForm, TypeChoiceForm
from .models import Tracker, TrackerNote, TrackerType
from .services import APPROVE, CREATE, DecisionRefused

PER_PAGE = 10
COMPLIANCE_QA = "compliance.qa_compliance_documents"
PORTAL_PER_PAGE = 25
# The newest entries a tracker's page shows; the learner's audit trail has them all.
HISTORY = 50


def _rows(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "tracker_type", "enrolment__programme", "assignee", "created_by"
    ).prefetch_related("documents")


def _tracker(request: HttpRequest, pk: int, tracker_pk: int) -> Tracker:
    learner = get_learner_for(request, pk)
    return get_object_or_404(
        Tracker.objects.filter(learner=learner).select_related(
            "learner",
            "tracker_type",
            "enrolment__programme",
            "assignee",
            "created_by",
            "decided_by",
            "organisation__owner",
            "compliance_document__document_type",
        ),
        pk=tracker_pk,
    )


@require_GET
def tracker_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    tracker_filter = TrackerFilter(request.GET, queryset=_rows(learner.trackers.all()))
    sort = SECTION_SORTING.key(request.GET.get("sort"))
    rows = (
        SECTION_SORTING.apply(tracker_filter.qs, sort)
        if tracker_filter.is_valid()
        else Tracker.objects.none()
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "subject": learner,
        "filter": tracker_filter,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in tracker_filter.form.fields),
        "headers": SECTION_SORTING.headers(request, sort),
        "may_create": request.user.has_perm(CREATE),
    }
    return render(request, "trackers/tracker_list.html", context)


def _chosen_type(request: HttpRequest) -> TrackerType | None:
    raw = request.GET.get("type", "")
    types = TrackerType.objects.filter(is_active=True)
    if raw.isdigit():
        return types.filter(pk=int(raw)).first()
    return types.filter(code=raw).first() if raw else None


def _document_to_reject(request: HttpRequest, learner: User) -> ComplianceDocument | None:
    raw = request.GET.get("document", "")
    if not raw:
        return None
    document = (
        ComplianceDocument.objects.filter(learner=learner, pk=raw if raw.isdigit() else 0)
        .select_related("document_type")
        .first()
    )
    if document is None:
        raise Http404("No such compliance document.")
    # Rejecting a document is Compliance QA's decision, whichever page it is made on.
    require_permission(request, COMPLIANCE_QA)
    return document


def _change_form(tracker_type: TrackerType, data, learner: User, enrolment, initial=None):
    kind = changes.KINDS.get(tracker_type.change)
    if kind is None:
        return None
    return kind.form(data, learner=learner, enrolment=enrolment, initial=initial, prefix="change")


def _render_form(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    if request.htmx:
        return render(request, "trackers/tracker_form.html#form", context, status=status)
    return render(request, "trackers/tracker_form.html", context, status=status)


def _default_enrolment(learner: User):
    return learner.enrolments.for_learning_plan()


def _evidence(form: TrackerForm, learner: User, actor: User) -> list:
    upload = form.cleaned_data.get("evidence")
    if not upload:
        return []
    return [
        document_upload(
            learner=learner,
            upload=upload,
            checked=form.checked,
            description=form.cleaned_data["evidence_description"].strip(),
            actor=actor,
        )
    ]


@require_http_methods(["GET", "POST"])
def tracker_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, CREATE)
    tracker_type = _chosen_type(request)
    document = _document_to_reject(request, learner)
    if document is not None and document.status not in ComplianceDocument.QA_STATUSES:
        messages.error(
            request,
            f"{document.document_type} is {document.get_status_display().lower()}; only a "
            "signed document is rejected via a tracker.",
        )
        return redirect("trackers:list", learner.pk)
    if tracker_type is None:
        context = {"subject": learner, "type_form": TypeChoiceForm(), "document": document}
        return _render_form(request, context)
    enrolment_initial = document.enrolment if document is not None else _default_enrolment(learner)
    form = TrackerForm(
        request.POST or None,
        request.FILES or None,
        learner=learner,
        tracker_type=tracker_type,
        initial={"enrolment": enrolment_initial, "assignee": request.user},
    )
    enrolment = _posted_enrolment(form, enrolment_initial)
    change_form = _change_form(tracker_type, request.POST or None, learner, enrolment)
    if (
        request.method == "POST"
        and form.is_valid()
        and _change_valid(change_form, form, tracker_type)
    ):
        values = form.tracker_values()
        values["compliance_document"] = document
        # The evidence and the tracker together: no evidence row without its tracker.
        with transaction.atomic():
            tracker = services.tracker_create(
                learner=learner,
                tracker_type=tracker_type,
                data=values,
                change_data=change_form.cleaned_data if change_form else None,
                documents=_evidence(form, learner, request.user),
                actor=request.user,
            )
        messages.success(request, f"Tracker {tracker.reference} ({tracker_type}) was raised.")
        return _back_to_profile(request, learner)
    context = {
        "subject": learner,
        "form": form,
        "change_form": change_form,
        "tracker_type": tracker_type,
        "document": document,
    }
    return _render_form(request, context)


def _back_to_profile(request: HttpRequest, learner: User) -> HttpResponse:
    return back_to_page(request, learner.get_absolute_url(), "trackers")


def _posted_enrolment(form: TrackerForm, fallback):
    """The programme the change is about: the one chosen on the form when it is posted."""
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get("enrolment")
    return fallback


def _change_valid(change_form, form: TrackerForm, tracker_type: TrackerType) -> bool:
    if change_form is None:
        return True
    valid = change_form.is_valid()
    kind = changes.KINDS[tracker_type.change]
    if kind.needs_programme and not form.cleaned_data.get("enrolment"):
        form.add_error(
            "enrolment", f"A {tracker_type.name.lower()} is about a programme: choose it."
        )
        return False
    return valid


@require_GET
def tracker_detail(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    return render(request, "trackers/tracker_detail.html", _detail_context(request, tracker))


def _history(tracker: Tracker, notes: list[TrackerNote], viewer: User) -> list:
    """What happened to the tracker and its notes, and every change its approval applied (those
    entries name it), newest first: one query on the learner's trail index, then the rows."""
    tracker_type = ContentType.objects.get_for_model(Tracker)
    note_type = ContentType.objects.get_for_model(TrackerNote)
    entries = (
        AuditEntry.objects.filter(learner_id=tracker.learner_id)
        .filter(
            Q(content_type=tracker_type, object_pk=str(tracker.pk))
            | Q(content_type=note_type, object_pk__in=[str(n.pk) for n in notes])
            | Q(additional_data__tracker=tracker.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:HISTORY]
    )
    return present(list(entries), viewer)


def _detail_context(request: HttpRequest, tracker: Tracker, **extra) -> dict:
    viewer = request.user
    notes = list(tracker.notes.select_related("created_by"))
    may_decide = (
        tracker.awaits_decision and viewer.has_perm(APPROVE) and tracker.created_by_id != viewer.pk
    )
    return {
        "subject": tracker.learner,
        "tracker": tracker,
        "change_rows": changes.described(tracker),
        "documents": list(tracker.documents.all()),
        "notes": notes,
        "history": _history(tracker, notes, viewer),
        "note_form": NoteForm(),
        "may_create": viewer.has_perm(CREATE),
        "may_decide": may_decide,
        "own_request": tracker.awaits_decision and tracker.created_by_id == viewer.pk,
        "milestones": [
            link.milestone for link in tracker.milestone_links.select_related("milestone")
        ],
        **extra,
    }


@require_http_methods(["GET", "POST"])
def tracker_edit(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    require_permission(request, CREATE)
    learner = tracker.learner
    form = TrackerForm(
        request.POST or None,
        request.FILES or None,
        instance=tracker,
        learner=learner,
        tracker_type=tracker.tracker_type,
    )
    decided = tracker.status in Tracker.DECISIONS
    change_form = None
    if not decided:
        change_form = _change_form(
            tracker.tracker_type,
            request.POST or None,
            learner,
            _posted_enrolment(form, tracker.enrolment),
            initial=changes.initial_from(tracker.change_data),
        )
    conflict = None
    if (
        request.method == "POST"
        and form.is_valid()
        and _change_valid(change_form, form, tracker.tracker_type)
    ):
        try:
            saved = _save_edit(request, form, change_form, tracker)
        except DecisionRefused as refusal:
            form.add_error("status", str(refusal))
        else:
            if saved.ok:
                messages.success(request, f"Tracker {tracker.reference} was saved.")
                return redirect("trackers:detail", learner.pk, tracker.pk)
            form, conflict = saved.form, saved.conflict
    context = {
        "subject": learner,
        "form": form,
        "change_form": change_form,
        "tracker_type": tracker.tracker_type,
        "tracker": tracker,
        "conflict": conflict,
    }
    return _render_form(request, context, status=conflict_status(conflict))


@transaction.atomic
def _save_edit(request: HttpRequest, form: TrackerForm, change_form, tracker: Tracker):
    """The edit and its evidence together: a refused (stale) edit files no evidence either."""
    update = partial(
        services.tracker_update,
        tracker=tracker,
        data=form.tracker_values(),
        change_data=change_form.cleaned_data if change_form else None,
        documents=_evidence(form, tracker.learner, request.user),
    )
    saved = update_unless_stale(
        request,
        form,
        update,
        "tracker",
        learner=tracker.learner,
        tracker_type=tracker.tracker_type,
    )
    if not saved.ok:
        transaction.set_rollback(True)
    return saved


@require_POST
def tracker_approve(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    require_permission(request, APPROVE)
    approve = partial(services.tracker_approve, tracker=tracker)
    try:
        saved = act_on_posted_version(request, approve, "tracker")
    except (ChangeRefused, DecisionRefused) as refusal:
        messages.error(request, f"The change was not applied. {refusal}")
        return redirect("trackers:detail", tracker.learner_id, tracker.pk)
    if not saved.ok:
        # Someone changed or decided the tracker since the page was opened: show it as it is
        # now, with what changed, instead of applying a change the approver has not seen.
        current = _tracker(request, pk, tracker_pk)
        context = _detail_context(request, current, conflict=saved.conflict)
        return render(request, "trackers/tracker_detail.html", context, status=CONFLICT_STATUS)
    messages.success(
        request, f"Tracker {tracker.reference} was approved and the change was applied."
    )
    return redirect("trackers:detail", tracker.learner_id, tracker.pk)


@require_http_methods(["GET", "POST"])
def tracker_reject(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    require_permission(request, APPROVE)
    form = RejectForm(request.POST or None, version=tracker.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        reject = partial(
            services.tracker_reject, tracker=tracker, reason=form.cleaned_data["reason"]
        )
        try:
            saved = update_unless_stale(request, form, reject, "tracker", version=tracker.version)
        except DecisionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if saved.ok:
                messages.success(request, f"Tracker {tracker.reference} was rejected.")
                return redirect("trackers:detail", tracker.learner_id, tracker.pk)
            form, conflict = saved.form, saved.conflict
    context = {"subject": tracker.learner, "tracker": tracker, "form": form, "conflict": conflict}
    return render(
        request, "trackers/tracker_reject.html", context, status=conflict_status(conflict)
    )


@require_POST
def tracker_note_add(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, tracker, note_form=form)
        return render(request, "trackers/tracker_detail.html", context)
    services.tracker_note_add(tracker=tracker, text=form.cleaned_data["text"], actor=request.user)
    messages.success(request, "Your note was added to the tracker.")
    return redirect("trackers:detail", tracker.learner_id, tracker.pk)


@require_GET
def tracker_print(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    return render(request, "trackers/tracker_print.html", _print_context(tracker))


def _print_context(tracker: Tracker) -> dict:
    return {
        "tracker": tracker,
        "subject": tracker.learner,
        "change_rows": changes.described(tracker),
        "documents": list(tracker.documents.all()),
        "notes": list(tracker.notes.select_related("created_by")),
        "milestones": [
            link.milestone for link in tracker.milestone_links.select_related("milestone")
        ],
    }


def _no_fetch(url: str, *args, **kwargs):
    # The PDF uses only its own inline styles; nothing is fetched while rendering.
    raise ValueError(f"Tracker PDFs fetch nothing: {url}")


@require_GET
def tracker_pdf(request: HttpRequest, pk: int, tracker_pk: int) -> HttpResponse:
    tracker = _tracker(request, pk, tracker_pk)
    html = render_to_string("pdf/tracker.html", _print_context(tracker), request=request)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # slow to import; only this view needs it

    pdf = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tracker-{tracker.reference}.pdf"'
    return response


@require_GET
def tracker_index(request: HttpRequest) -> HttpResponse:
    """Every tracker of the learners the viewer can see, those assigned to the viewer first."""
    require_portal_access(request)
    viewer = request.user
    visible = Tracker.objects.filter(
        learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER)
    )
    tracker_filter = PortalTrackerFilter(
        request.GET, queryset=_rows(visible).select_related("learner"), viewer=viewer
    )
    sort = PORTAL_SORTING.key(request.GET.get("sort"))
    if tracker_filter.is_valid():
        mine_first = Case(
            When(assignee_id=viewer.pk, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        rows = PORTAL_SORTING.apply(tracker_filter.qs.annotate(mine=mine_first), sort)
        rows = rows.order_by("mine", *rows.query.order_by)
    else:
        rows = Tracker.objects.none()
    page = Paginator(rows, PORTAL_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": tracker_filter,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in tracker_filter.form.fields),
        "headers": PORTAL_SORTING.headers(request, sort),
        "may_create": viewer.has_perm(CREATE),
    }
    return render(request, "trackers/tracker_index.html", context)
