"""A viewer's own file exports: the list, one job's page (polled while it runs), the download
and Start again.

An export is its creator's personal data extract: nobody else reaches it (404, Supervisors
included), and its creator only while they still hold the kind's permission (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from aptem import uploads
from aptem.pagination import paginate
from audit.services import log_access
from users.access import require_portal_access

from . import tasks
from .exports import KINDS, ExportRefused, kind_of, may_export
from .models import FileExport

PER_PAGE = 25


def _own_export(request: HttpRequest, pk: int) -> FileExport:
    """The viewer's own export (anyone else's is a 404), while they may still take it (403)."""
    require_portal_access(request)
    job = get_object_or_404(FileExport.objects.filter(created_by=request.user), pk=pk)
    try:
        permission = kind_of(job.kind).permission
    except ExportRefused as refusal:
        raise Http404(str(refusal)) from None
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return job


@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    if not may_export(request.user):
        raise PermissionDenied
    tasks.recover_stalled()
    exports = FileExport.objects.filter(created_by=request.user).defer("parameters", "error")
    page = paginate(exports, request.GET.get("page"), PER_PAGE, count_with_rows=False)
    # What each file's count counts ("342 rows", "9 learners"), from its kind.
    page.object_list = [*page.object_list]
    for export in page.object_list:
        export.unit = KINDS[export.kind].unit if export.kind in KINDS else "row"
    return render(request, "reporting/fileexport_list.html", {"page": page})


@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_export(request, pk)
    # A poll is where a job whose worker vanished is noticed (the recover_jobs command also is).
    if job.in_progress and tasks.recover_stalled():
        job.refresh_from_db()
    template = "reporting/fileexport_detail.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"export": job, "kind": kind_of(job.kind)})


@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_export(request, pk)
    if not job.downloadable:
        raise Http404("This export has no file to download.")
    kind = kind_of(job.kind)
    try:
        record = kind.access_record(request.user, job.parameters)
    except ExportRefused as refusal:
        raise PermissionDenied(str(refusal)) from None

    def log() -> None:
        # The file carries personal data out of the portal: record who took which.
        detail = f"{job.label} ({job.file_name})"
        log_access(record, kind="export", detail=detail, actor=request.user)

    # The one download path of every stored file: streamed through the storage API (a private
    # folder or S3), or a short-lived signed URL with S3_DOWNLOAD_REDIRECT, after the checks.
    return uploads.serve(job.file, name=job.file_name, content_type=kind.content_type, log=log)


@require_POST
def export_start_again(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_export(request, pk)
    if job.in_progress:
        messages.info(request, "This export is still being made.")
        return redirect("reporting:detail", pk=job.pk)
    again = tasks.file_export_again(job, actor=request.user)
    messages.success(request, f"The export “{again.label}” has started again.")
    return redirect("reporting:detail", pk=again.pk)
