from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from users.admin_scope import ScopedAdmin, ScopedInline

from .forms import TemplateVersionForm
from .models import ComplianceDocument, DocumentType, ProgrammeRequirement, TemplateVersion


class TemplateVersionInline(ScopedInline, admin.TabularInline):
    model = TemplateVersion
    fields = ["label", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(DocumentType)
class DocumentTypeAdmin(ScopedAdmin):
    # Catalogue records: no personal data.
    scope = None

    list_display = ["name", "code", "order"]
    inlines = [TemplateVersionInline]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ScopedAdmin):
    # Catalogue records: no personal data.
    scope = None

    # The portal's form: overlapping dates are refused here too.
    form = TemplateVersionForm
    list_display = ["document_type", "label", "valid_from", "valid_to"]
    list_filter = ["document_type"]


@admin.register(ProgrammeRequirement)
class ProgrammeRequirementAdmin(ScopedAdmin):
    # Catalogue records: no personal data.
    scope = None

    list_display = ["programme", "document_type"]
    list_filter = ["document_type"]


@admin.register(ComplianceDocument)
class ComplianceDocumentAdmin(ScopedAdmin):
    list_display = ["learner", "document_type", "number", "status", "created_at"]
    list_filter = ["status", "document_type"]
    list_select_related = ["learner", "document_type"]
    search_fields = ["learner__first_name", "learner__last_name", "sha256"]
    readonly_fields = [
        "learner",
        "enrolment",
        "document_type",
        "template_version",
        "number",
        "status",
        "rejection_reason",
        "stored_file",
        "sha256",
        "data",
        "qa_by",
        "qa_at",
        "created_at",
        "created_by",
    ]
    fields = readonly_fields

    @admin.display(description="file")
    def stored_file(self, obj: ComplianceDocument):
        url = reverse("compliance:download", args=[obj.learner_id, obj.pk])
        return format_html('<a href="{}">Download</a>', url)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
