"""Manage ILRs: the list of ILRs in scope, batch export jobs, one learner's file, import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.pagination import paginate
from aptem.validators import sensible_date
from aptem.widgets import DateInput
from audit.downloads import serve_download
from audit.services import log_access
from programmes.models import Programme
from users.access import get_learner_for, require_portal_access
from users.models import Group

from .. import export_job, import_tasks, importing, tasks, xml_file
from ..import_models import IlrImport
from ..models import IlrExport, IlrLearner

MANAGE_ILRS = "programmes.manage_ilrs"
PER_PAGE = 50
IMPORT_MAX_BYTES = 50 * 1024 * 1024


def _require_manage(request: HttpRequest) -> None:
    require_portal_access(request)
    if not request.user.has_perm(MANAGE_ILRS):
        raise PermissionDenied


def _year(request: HttpRequest) -> xml_file.IlrFormat:
    return xml_file.FORMATS.get(request.GET.get("year") or "", xml_file.CURRENT)


def _exports_for(viewer):
    # An export can hold learners of every group its author sees: others' files are listed
    # only to viewers who see every group.
    exports = IlrExport.objects.select_related("created_by")
    if viewer.has_perm("users.view_all_groups"):
        return exports
    return exports.filter(created_by=viewer)


class ExportForm(forms.Form):
    year = forms.ChoiceField(
        label="Collection year",
        choices=[(f.year, f.label) for f in xml_file.FORMATS.values()],
    )
    started_after = forms.DateField(
        label="Started on or after",
        required=False,
        widget=DateInput(),
        validators=[sensible_date],
        help_text="The learner's first aim start date (LearnStartDate).",
    )
    started_before = forms.DateField(
        label="Started on or before",
        required=False,
        widget=DateInput(),
        validators=[sensible_date],
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(),
        required=False,
        # Drawn as the shared tree of checkboxes (components/_tree_picker.html), as on the
        # Users page: no Ctrl-click list.
        widget=forms.CheckboxSelectMultiple,
        help_text="Only learners in these groups or their sub-groups. None ticked: every group.",
    )
    include_unverified = forms.BooleanField(
        label="Include ILRs not QA verified",
        required=False,
        help_text="Off: only QA-verified (or completed) ILRs are sent; no Draft goes by mistake.",
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.visible_to(viewer).order_by("path")

    def clean(self) -> dict:
        data = super().clean()
        after, before = data.get("started_after"), data.get("started_before")
        if after and before and after > before:
            self.add_error(
                "started_before",
                "“Started on or before” must be the same as or later than “Started on or after”.",
            )
        return data

    def filters(self) -> export_job.ExportFilters:
        data = self.cleaned_data
        return export_job.ExportFilters(
            started_after=data["started_after"],
            started_before=data["started_before"],
            groups=tuple((g.pk, g.name) for g in data["groups"]),
            include_unverified=data["include_unverified"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="ILR XML file", help_text="An ILR file (.xml) for 2025-26.")
    group = forms.ModelChoiceField(
        queryset=Group.objects.none(),
        help_text="New learners join this group, so you and your colleagues can find them.",
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.filter(ilr_enabled=True, is_active=True),
        required=False,
        help_text=(
            "New learners are enrolled on this ILR-enabled programme, which puts them in the "
            "ILR export. Leave empty to add them without a programme."
        ),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.visible_to(viewer)
        self.fields["group"].label_from_instance = lambda g: g.indented_name

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("Choose an ILR file ending in .xml.")
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload


@require_GET
def ilr_manage(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    fmt = _year(request)
    export_form = ExportForm(initial={"year": fmt.year}, viewer=request.user)
    return _manage_page(request, fmt, export_form)


def _manage_page(
    request: HttpRequest, fmt: xml_file.IlrFormat, export_form: ExportForm, status: int = 200
) -> HttpResponse:
    ilrs = (
        export_job.ilrs_in_scope(request.user, fmt.year)
        .select_related("learner")
        .order_by("learn_ref_number", "pk")
    )
    page = paginate(ilrs, request.GET.get("page"), PER_PAGE, count_with_rows=True)
    exports = list(_exports_for(request.user).filter(collection_year=fmt.year)[:10])
    for export in exports:
        tasks.recover_if_stalled(export)
    context = {
        "fmt": fmt,
        "page": page,
        "query": f"year={fmt.year}",
        "export_form": export_form,
        "exports": exports,
        "imports": _imports_for(request.user).filter(collection_year=fmt.year)[:10],
    }
    return render(request, "programmes/ilr/ilr_manage.html", context, status=status)


@require_POST
def ilr_export_start(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = ExportForm(request.POST, viewer=request.user)
    if not form.is_valid():
        # The page again with the errors beside the filters as typed; no job is created.
        fmt = xml_file.FORMATS.get(request.POST.get("year") or "", xml_file.CURRENT)
        return _manage_page(request, fmt, form, status=400)
    try:
        export = tasks.export_start(
            viewer=request.user,
            year=form.cleaned_data["year"],
            filters=form.filters(),
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    except export_job.SerialsExhausted as error:
        messages.error(request, str(error))
        return redirect("ilr:manage")
    messages.success(request, f"The export {export.file_name} has started.")
    return redirect("ilr:export_detail", export_pk=export.pk)


@require_GET
def ilr_export_detail(request: HttpRequest, export_pk: int) -> HttpResponse:
    _require_manage(request)
    export = get_object_or_404(_exports_for(request.user), pk=export_pk)
    tasks.recover_if_stalled(export)
    template = "programmes/ilr/ilr_export_detail.html"
    if request.htmx:
        template += "#status"
    filters = export_job.ExportFilters.from_json(export.filters).summary()
    return render(request, template, {"export": export, "filters": filters})


@require_GET
def ilr_export_download(request: HttpRequest, export_pk: int) -> HttpResponseBase:
    _require_manage(request)
    export = get_object_or_404(
        _exports_for(request.user), pk=export_pk, status=IlrExport.Status.READY
    )
    # Streamed from the storage (or a signed URL, S3_DOWNLOAD_REDIRECT) and logged as access.
    return serve_download(export, export.file, export.file_name, "application/xml", request.user)


@require_GET
def ilr_export_learner(request: HttpRequest, pk: int, year: str) -> HttpResponse:
    learner = get_learner_for(request, pk)
    if not request.user.has_perm(MANAGE_ILRS):
        raise PermissionDenied
    if year not in xml_file.FORMATS:
        raise Http404("The portal does not write ILR files for this year.")
    ilr = get_object_or_404(IlrLearner, learner=learner, collection_year=year)
    result = export_job.export_learner(ilr)
    if not result.file_name:
        context = {"subject": learner, "ilr": ilr, "result": result}
        return render(request, "programmes/ilr/ilr_export_learner.html", context, status=422)
    log_access(learner, kind="ilr_file", detail=result.file_name, actor=request.user)
    return HttpResponse(
        result.content,
        content_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{result.file_name}"'},
    )


@require_http_methods(["GET", "POST"])
def ilr_import(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = ImportForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_tasks.import_start(
                upload=form.cleaned_data["file"],
                group=form.cleaned_data["group"],
                programme=form.cleaned_data["programme"],
                actor=request.user,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        except importing.ImportRefused as refused:
            # Refused at upload, before any job exists: no learner is touched.
            context = {"form": form, "refused": refused.errors}
            return render(request, "programmes/ilr/ilr_import.html", context, status=400)
        messages.success(request, f"The import of {job.file_name} has started.")
        return redirect("ilr:import_detail", import_pk=job.pk)
    return render(request, "programmes/ilr/ilr_import.html", {"form": form})


def _imports_for(viewer):
    # A job's report names learners of every group its author sees: like exports, others'
    # imports are listed only to viewers who see every group.
    imports = IlrImport.objects.select_related("created_by", "group", "programme")
    if viewer.has_perm("users.view_all_groups"):
        return imports
    return imports.filter(created_by=viewer)


@require_GET
def ilr_import_detail(request: HttpRequest, import_pk: int) -> HttpResponse:
    _require_manage(request)
    job = get_object_or_404(_imports_for(request.user), pk=import_pk)
    # The page's polling is what notices a worker that vanished: it queues the job again.
    import_tasks.recover_if_stalled(job)
    template = "programmes/ilr/ilr_import_detail.html"
    if request.htmx:
        template += "#status"
    rows = job.rows.all()
    return render(request, template, {"job": job, "rows": rows, "counts": job.counts()})


@require_POST
def ilr_import_again(request: HttpRequest, import_pk: int) -> HttpResponse:
    _require_manage(request)
    job = get_object_or_404(_imports_for(request.user), pk=import_pk)
    if job.status != IlrImport.Status.FAILED:
        messages.error(request, "Only an import that stopped before the end can be run again.")
        return redirect("ilr:import_detail", import_pk=job.pk)
    import_tasks.import_again(job)
    messages.success(request, f"The import of {job.file_name} is running again.")
    return redirect("ilr:import_detail", import_pk=job.pk)
