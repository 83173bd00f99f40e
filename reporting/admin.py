from django.contrib import admin

from users.admin_scope import ScopedAdmin

from .models import FileExport


@admin.register(FileExport)
class FileExportAdmin(ScopedAdmin):
    """Read-only: support staff see how a job went (and why it failed), never change it. The
    file itself is downloaded only by its creator, from the portal."""

    # Exports made by administrators the support user may see.
    scope = "created_by"
    list_display = ["label", "created_by", "created_at", "status", "row_count", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["label", "file_name"]
    list_select_related = ["created_by"]
    exclude = ["file"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
