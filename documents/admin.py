from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from users.admin_scope import ScopedAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    list_display = [
        "learner",
        "kind",
        "folder",
        "description",
        "original_name",
        "size",
        "created_by",
        "created_at",
        "deleted_at",
    ]
    list_filter = ["kind", "folder", "created_at", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "original_name",
        "description",
        "sha256",
        "learner__first_name",
        "learner__last_name",
    ]
    list_select_related = ["learner", "created_by"]
    raw_id_fields = ["learner", "created_by"]
    # Files arrive only through the portal's checked upload; support staff see the record.
    readonly_fields = [
        "kind",
        "folder",
        "description",
        "visible_to_learner",
        "learner",
        "stored_file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "created_at",
        "created_by",
        "uploaded_at",
        "uploaded_by",
        "deleted_at",
        "deleted_by",
    ]

    fields = readonly_fields

    @admin.display(description="file")
    def stored_file(self, obj: Document):
        # Never the storage's own URL: files are private and served only by the checked view.
        url = reverse("documents:download", args=[obj.learner_id, obj.pk])
        return format_html('<a href="{}">Download</a> (stored as {})', url, obj.file.name)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Documents are kept as evidence; the portal's Delete only marks them deleted.
        return False
