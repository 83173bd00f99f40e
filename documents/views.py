from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from audit.downloads import serve_download
from users.access import get_learner_for, may_edit

from . import services
from .forms import MandateUploadForm
from .models import Document


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
    document = get_object_or_404(learner.documents.all(), pk=document_pk)
    return serve_download(
        document, document.file, document.original_name, document.content_type, request.user
    )
