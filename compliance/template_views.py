"""Compliance document types and their template versions, managed on ordinary pages by those
with ``compliance.manage_compliance_templates`` (and in the Django admin)."""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.permissions import require_permission
from users.access import require_portal_access

from .forms import TemplateVersionForm
from .models import DocumentType, TemplateVersion

MANAGE = "compliance.manage_compliance_templates"
OVERLAP = "These dates overlap another version of this type: one version applies on each day."


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    types = DocumentType.objects.prefetch_related("versions")
    return render(request, "compliance/template_list.html", {"types": types})


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, version_pk: int | None = None) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    version = get_object_or_404(TemplateVersion, pk=version_pk) if version_pk else None
    form = TemplateVersionForm(
        request.POST or None,
        instance=version,
        initial={"document_type": request.GET.get("type")} if version is None else None,
    )
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = form.instance.created_by or request.user
        try:
            saved = form.save()
        except IntegrityError:
            # PostgreSQL's exclusion constraint: someone saved an overlapping version meanwhile.
            form.add_error("valid_from", OVERLAP)
        else:
            messages.success(request, f"{saved} ({saved.range_display}) was saved.")
            return redirect("compliance:templates")
    return render(request, "compliance/template_form.html", {"form": form, "version": version})
