from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.utils.html import format_html_join

from users.admin_scope import ScopedAdmin, about_visible_users, hides_sensitive

from .models import AuditEntry
from .trail import present

# Raw stores of the changed values, in which sensitive ones cannot be masked field by field.
RAW_VALUES = ("changes", "changes_text", "serialized_data")

# auditlog registers its own admin for the configured entry model; ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
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

    def get_queryset(self, request):
        queryset = super(ScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(about_visible_users(request))

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields]
        if hides_sensitive(request):
            # The masked change list of the portal's audit trail instead of the raw values.
            names = [name for name in names if name not in RAW_VALUES] + ["masked_changes"]
        return names

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="changes")
    def masked_changes(self, obj: AuditEntry):
        # Shown only to those without the permission, so mask as for a viewer who has none.
        rows = present([obj], AnonymousUser())
        return format_html_join("", "<div>{}</div>", ((c.as_text(),) for c in rows[0].changes))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
