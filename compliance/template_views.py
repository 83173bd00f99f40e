"""Compliance document types and their template versions, managed on ordinary pages by those
with ``compliance.manage_compliance_templates`` (and in the Django admin)."""

from functools import partial

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.permissions import require_permission
from aptem.versioning import conflict_status, update_unless_stale
from users.access import require_portal_access

from . import services
from .forms import TemplateVersionForm
from .models import DocumentType, TemplateVersion

MANAGE = "compliance.manage_compliance_templates"
# PostgreSQL's exclusion constraint: someone saved an overlapping version in the meantime.
OVERLAP = "These dates overlap another version of this type: one version applies on each day."


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    types = DocumentType.objects.prefetch_related("versions")
    return render(request, "compliance/template_list.html", {"types": types})


@require_http_methods(["GET", "POST"])
def template_add(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    form = TemplateVersionForm(
        request.POST or None, initial={"document_type": request.GET.get("type")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.template_version_create(
                data=form.changed_values(), actor=request.user
            )
        except IntegrityError:
            form.add_error("valid_from", OVERLAP)
        else:
            messages.success(request, f"{version} ({version.range_display}) was added.")
            return redirect("compliance:templates")
    return render(request, "compliance/template_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, version_pk: int) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    version = get_object_or_404(TemplateVersion, pk=version_pk)
    form = TemplateVersionForm(request.POST or None, instance=version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.template_version_update, version=version, data=form.changed_values()
        )
        try:
            saved = update_unless_stale(request, form, update, "template version")
        except IntegrityError:
            form.add_error("valid_from", OVERLAP)
        else:
            if saved.ok:
                messages.success(request, f"Your changes to {version} were saved.")
                return redirect("compliance:templates")
            form, conflict = saved.form, saved.conflict
    context = {"form": form, "version": version, "conflict": conflict}
    return render(
        request, "compliance/template_form.html", context, status=conflict_status(conflict)
    )
