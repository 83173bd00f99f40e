from django.contrib import admin

from users.admin_scope import ScopedAdmin

from .models import ActivityEvent, Task


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    list_display = ["title", "learner", "due_date", "status", "in_action_plan", "created_by"]
    list_filter = ["status", "in_action_plan"]
    search_fields = ["title", "learner__first_name", "learner__last_name", "learner__email"]
    list_select_related = ["learner", "created_by"]
    raw_id_fields = ["learner", "created_by"]
    readonly_fields = ["created_at", "completed_at"]


@admin.register(ActivityEvent)
class ActivityEventAdmin(ScopedAdmin):
    scope = "user"
    list_display = ["user", "kind", "area", "occurred_at"]
    list_filter = ["kind", "area"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "occurred_at"

    # Telemetry is recorded by the portal, never typed in by support staff.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
