from django.contrib import admin

from users.admin_scope import ScopedAdmin

from .models import CrmActivity, CrmContact, LearnerContact, Note


@admin.register(Note)
class NoteAdmin(ScopedAdmin):
    list_display = ["learner", "short_text", "created_by", "created_at", "updated_at", "version"]
    list_filter = ["created_at"]
    search_fields = ["text", "learner__first_name", "learner__last_name", "learner__email"]
    list_select_related = ["learner", "created_by"]
    raw_id_fields = ["learner", "created_by"]
    readonly_fields = ["created_at", "updated_at", "version"]
    date_hierarchy = "created_at"

    @admin.display(description="note")
    def short_text(self, obj: Note) -> str:
        return obj.text[:80]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Notes are kept; an edit is audited, a deletion would lose the record.
        return False


@admin.register(CrmContact)
class CrmContactAdmin(ScopedAdmin):
    # Contacts at employers and partners, not learners: the same for every administrator.
    scope = None
    list_display = ["last_name", "first_name", "organisation", "job_title", "email", "phone"]
    list_filter = ["is_ad_hoc", "organisation__kind"]
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at"]


@admin.register(LearnerContact)
class LearnerContactAdmin(ScopedAdmin):
    list_display = ["learner", "kind", "admin", "crm_contact", "role", "relationship", "created_at"]
    list_filter = ["kind", "role"]
    search_fields = [
        "learner__first_name",
        "learner__last_name",
        "admin__first_name",
        "admin__last_name",
        "crm_contact__first_name",
        "crm_contact__last_name",
    ]
    list_select_related = ["learner", "admin", "crm_contact"]
    raw_id_fields = ["learner", "admin", "crm_contact", "created_by"]
    readonly_fields = ["created_at"]


@admin.register(CrmActivity)
class CrmActivityAdmin(ScopedAdmin):
    """Read-only for support staff: activities are logged and edited in the portal, where the
    edit rules (author or Supervisor, no stale saves) apply."""

    list_display = ["learner", "occurred_at", "activity_type", "direction", "subject", "created_by"]
    list_filter = ["activity_type", "direction", "with_whom", "occurred_at"]
    search_fields = ["subject", "learner__first_name", "learner__last_name", "learner__email"]
    list_select_related = ["learner", "created_by"]
    raw_id_fields = ["learner", "created_by", "employer_contact", "crm_contact", "follow_up_task"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
