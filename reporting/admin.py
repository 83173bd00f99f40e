from django.contrib import admin

from users.admin_scope import ScopedAdmin

from .models import ApiToken, FileExport


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


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Read-only, the secret's hash left out: support staff see which tokens exist and may
    revoke one in the portal's database only through its owner's page."""

    scope = "owner"
    list_display = [
        "name",
        "key",
        "owner",
        "created_at",
        "expires_on",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["owner"]
    search_fields = ["name", "key"]
    exclude = ["secret_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
