"""The learner's compliance documents: the full list, create, upload a signed paper copy, one
document's page (the data that went in), download, and QA verify / reject."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from audit.downloads import serve_download
from users.access import get_learner_for, may_edit

from . import services, signatures
from .forms import PaperCopyForm, RejectForm
from .models import ComplianceDocument, DocumentType
from .sections import CREATE, QA, current_enrolment, rows_for


def _required(request: HttpRequest, pk: int, type_pk: int):
    """The learner, their current programme and a type it requires; anything else is a 404."""
    learner = get_learner_for(request, pk)
    enrolment = current_enrolment(learner)
    if enrolment is None:
        raise Http404("The learner has no current programme.")
    document_type = get_object_or_404(
        DocumentType.objects.filter(requirements__programme_id=enrolment.programme_id), pk=type_pk
    )
    return learner, enrolment, document_type


def _back(learner) -> HttpResponse:
    return redirect(f"{learner.get_absolute_url()}#compliance")


@require_GET
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of every compliance document of the learner, newest first."""
    learner = get_learner_for(request, pk)
    enrolment = current_enrolment(learner)
    documents = learner.compliance_documents.select_related(
        "document_type", "enrolment__programme", "created_by"
    ).order_by("-created_at", "-pk")
    context = {"subject": learner, "enrolment": enrolment, "rows": rows_for(enrolment)}
    context |= {"documents": documents, "may_create": request.user.has_perm(CREATE)}
    return render(request, "compliance/document_list.html", context)


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, pk: int, type_pk: int) -> HttpResponse:
    learner, enrolment, document_type = _required(request, pk, type_pk)
    require_permission(request, CREATE)
    error = ""
    if request.method == "POST":
        try:
            document = services.compliance_document_create(
                enrolment=enrolment, document_type=document_type, actor=request.user
            )
        except services.CannotCreate as exc:
            error = str(exc)
        else:
            messages.success(request, f"{document} was created for {learner.full_name}.")
            if signatures.employer_missing(document):
                messages.warning(request, signatures.NO_EMPLOYER)
            return redirect("compliance:document", learner.pk, document.pk)
    context = {
        "subject": learner,
        "document_type": document_type,
        "enrolment": enrolment,
        "data": services.snapshot(enrolment),
        "error": error,
    }
    return render(request, "compliance/document_create.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int, type_pk: int) -> HttpResponse:
    learner, enrolment, document_type = _required(request, pk, type_pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    if not services.may_replace(services.latest(enrolment, document_type), request.user):
        raise PermissionDenied
    form = PaperCopyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = services.compliance_document_upload(
            enrolment=enrolment,
            document_type=document_type,
            upload=form.cleaned_data["file"],
            checked=form.checked,
            actor=request.user,
        )
        messages.success(request, f"The signed paper copy was filed as {document}.")
        return _back(learner)
    context = {"form": form, "subject": learner, "document_type": document_type}
    return render(request, "compliance/document_upload.html", context)


def _document(request: HttpRequest, pk: int, document_pk: int) -> ComplianceDocument:
    learner = get_learner_for(request, pk)
    return get_object_or_404(
        learner.compliance_documents.select_related(
            "learner",
            "document_type",
            "template_version",
            "enrolment__programme",
            "qa_by",
            "envelope",
            "signed_document",
        ).prefetch_related("envelope__signers"),
        pk=document_pk,
    )


@require_GET
def document_detail(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    versions = document.learner.compliance_documents.filter(
        enrolment=document.enrolment, document_type=document.document_type
    ).order_by("-number")
    context = {
        "subject": document.learner,
        "document": document,
        "versions": versions,
        "may_qa": request.user.has_perm(QA) and document.status in document.QA_STATUSES,
        "no_employer": signatures.employer_missing(document),
        "no_employer_text": signatures.NO_EMPLOYER,
        "reject_form": RejectForm(),
    }
    return render(request, "compliance/document_detail.html", context)


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int):
    document = _document(request, pk, document_pk)
    return serve_download(
        document, document.file, document.original_name, document.content_type, request.user
    )


@require_POST
def document_verify(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    require_permission(request, QA)
    try:
        services.compliance_document_verify(document=document, actor=request.user)
    except services.CannotCreate as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{document.document_type} was verified by QA.")
    return redirect("compliance:document", pk, document.pk)


@require_http_methods(["GET", "POST"])
def document_reject(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    require_permission(request, QA)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.compliance_document_reject(
                document=document, reason=form.cleaned_data["reason"], actor=request.user
            )
        except services.CannotCreate as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{document.document_type} was rejected.")
            return redirect("compliance:document", pk, document.pk)
    context = {"form": form, "subject": document.learner, "document": document}
    return render(request, "compliance/document_reject.html", context)
