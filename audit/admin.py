from django.contrib import admin

from .models import AuditEntry

# auditlog registers its own admin for the configured entry model; ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit entries are never added, changed or deleted by hand."""

    list_display = [
        "timestamp",
        "action",
        "content_type",
        "object_repr",
        "actor_email",
        "remote_addr",
        "learner_id",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_email", "remote_addr", "cid"]
    date_hierarchy = "timestamp"
    list_select_related = ["content_type"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
