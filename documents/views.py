from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from aptem.pagination import paginate
from aptem.permissions import require_permission
from aptem.versioning import VersionForm, conflict_status, update_unless_stale
from audit.downloads import serve_download
from users.access import get_learner_for, may_edit
from users.models import User

from . import services
from .forms import DocumentEditForm, DocumentReplaceForm, DocumentUploadForm, MandateUploadForm
from .models import Document
from .sections import DELETE_DOCUMENTS, may_change_documents

DOCUMENTS_PER_PAGE = 25


@require_GET
def mandate_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    pdf = services.mandate_pdf(learner=learner, actor=request.user)
    filename = f"mandate-{slugify(learner.full_name) or learner.pk}.pdf"
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_http_methods(["GET", "POST"])
def mandate_upload(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    form = MandateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = services.document_upload(
            learner=learner,
            upload=form.cleaned_data["file"],
            checked=form.checked,
            kind=Document.Kind.MANDATE,
            actor=request.user,
        )
        messages.success(
            request, f"The mandate {document.original_name} was uploaded for {learner.full_name}."
        )
        return redirect(learner)
    return render(request, "documents/mandate_upload.html", {"form": form, "subject": learner})


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    learner = get_learner_for(request, pk)
    document = get_object_or_404(learner.documents.live(), pk=document_pk)
    return serve_download(
        document, document.file, document.original_name, document.content_type, request.user
    )


@require_GET
def version_download(
    request: HttpRequest, pk: int, document_pk: int, version_pk: int
) -> FileResponse:
    """An earlier file of a live document; the download is logged on the document."""
    learner = get_learner_for(request, pk)
    document = get_object_or_404(learner.documents.live(), pk=document_pk)
    version = get_object_or_404(document.versions.all(), pk=version_pk)
    return serve_download(
        version, version.file, version.original_name, version.content_type, request.user
    )


@require_GET
def my_document_download(request: HttpRequest, document_pk: int) -> FileResponse:
    """A learner's download of their own document: only one made visible to them and not
    deleted; anyone else's, or any other, is a 404 like a missing one. Logged as access."""
    document = get_object_or_404(
        Document.objects.visible_to_learner(), pk=document_pk, learner_id=request.user.pk
    )
    return serve_download(
        document, document.file, document.original_name, document.content_type, request.user
    )


@require_GET
def document_versions(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document's current file and every earlier one, each downloadable, for anyone who may
    see the learner."""
    learner = get_learner_for(request, pk)
    document = get_object_or_404(
        learner.documents.live().select_related("uploaded_by"), pk=document_pk
    )
    context = {"subject": learner, "document": document, "versions": _versions(document)}
    return render(request, "documents/document_versions.html", context)


@require_GET
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's documents, newest first, in one folder or all of them."""
    learner = get_learner_for(request, pk)
    folder = request.GET.get("folder", "")
    documents = (
        learner.documents.live()
        .in_folder(folder)
        .select_related("created_by", "uploaded_by")
        .annotate(earlier_versions=Count("versions"))
        # An aggregate drops the model's ordering: newest first, said again.
        .order_by("-created_at", "-pk")
    )
    page = paginate(documents, request.GET.get("page"), DOCUMENTS_PER_PAGE, count_with_rows=False)
    folder = folder if folder in Document.Folder.values else ""
    context = {
        "subject": learner,
        "page": page,
        "folder": folder,
        "folders": Document.Folder.choices,
        "query": urlencode({"folder": folder}) if folder else "",
        **may_change_documents(request.user, learner),
    }
    return render(request, "documents/document_list.html", context)


def _document_for(request: HttpRequest, pk: int, document_pk: int) -> tuple[User, Document]:
    """The learner and their live document, for a viewer who may change the learner's
    documents (404 outside their scope first, then 403)."""
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    return learner, get_object_or_404(learner.documents.live(), pk=document_pk)


def _form_page(request: HttpRequest, context: dict, conflict) -> HttpResponse:
    status = conflict_status(conflict)
    return render(request, "documents/document_form.html", context, status=status)


def _versions(document: Document) -> list:
    return list(document.versions.select_related("created_by"))


def _to_list(learner: User) -> HttpResponse:
    return redirect(reverse("documents:list", args=[learner.pk]))


@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = services.document_upload(
            learner=learner,
            upload=form.cleaned_data["file"],
            checked=form.checked,
            actor=request.user,
            folder=form.cleaned_data["folder"],
            description=form.cleaned_data["description"],
            visible_to_learner=form.cleaned_data["visible_to_learner"],
        )
        messages.success(request, f"“{document.title}” was uploaded for {learner.full_name}.")
        return _to_list(learner)
    context = {"form": form, "subject": learner, "action": "upload"}
    return render(request, "documents/document_form.html", context)


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    learner, document = _document_for(request, pk, document_pk)
    form = DocumentEditForm(request.POST or None, instance=document)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(services.document_update, document=document, data=form.changed_values())
        saved = update_unless_stale(request, form, update, "document")
        if saved.ok:
            messages.success(request, f"Your changes to “{saved.result.title}” were saved.")
            return _to_list(learner)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": learner, "document": document, "conflict": conflict}
    context.update(action="edit", versions=_versions(document))
    return render(
        request, "documents/document_form.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def document_replace(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    learner, document = _document_for(request, pk, document_pk)
    purpose = services.KIND_PURPOSES[document.kind]
    form = DocumentReplaceForm(
        request.POST or None, request.FILES or None, version=document.version, purpose=purpose
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        replace = partial(
            services.document_replace,
            document=document,
            upload=form.cleaned_data["file"],
            checked=form.checked,
        )
        saved = update_unless_stale(request, form, replace, "document", purpose=purpose)
        if saved.ok:
            messages.success(
                request, f"The file of “{document.title}” was replaced; the earlier one is kept."
            )
            return _to_list(learner)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": learner, "document": document, "conflict": conflict}
    context.update(action="replace", versions=_versions(document))
    return render(
        request, "documents/document_form.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, DELETE_DOCUMENTS)
    document = get_object_or_404(learner.documents.live(), pk=document_pk)
    form = VersionForm(request.POST or None, version=document.version)
    conflict = None
    if request.method == "POST":
        delete = partial(services.document_delete, document=document)
        saved = update_unless_stale(request, form, delete, "document")
        if saved.ok:
            messages.success(request, f"“{document.title}” was deleted.")
            return _to_list(learner)
        form, conflict, document = saved.form, saved.conflict, saved.conflict.record
    context = {"form": form, "subject": learner, "document": document, "conflict": conflict}
    return render(
        request, "documents/document_delete.html", context, status=conflict_status(conflict)
    )
