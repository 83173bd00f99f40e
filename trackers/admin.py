from django.contrib import admin

from users.admin_scope import ScopedAdmin

from .models import TrackerType


@admin.register(TrackerType)
class TrackerTypeAdmin(ScopedAdmin):
    """Providers add their own tracker types here; the built-in ones (with a code) keep their
    code and the change they request."""

    # Catalogue records: no personal data.
    scope = None

    list_display = ["name", "code", "change", "outcome", "is_active", "order"]
    list_editable = ["is_active", "order"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.code:
            return ["change", "outcome"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        # A type in use is kept (PROTECT); a built-in one is never deleted.
        return super().has_delete_permission(request, obj) and not (obj and obj.code)
