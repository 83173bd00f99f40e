from django.contrib import admin

from .models import Enrolment, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_apprenticeship", "is_active"]
    list_filter = ["kind", "is_apprenticeship", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = [
        "learner",
        "programme",
        "status",
        "is_current",
        "start_date",
        "planned_end_date",
    ]
    list_filter = ["status", "is_current", "programme"]
    search_fields = ["learner__first_name", "learner__last_name", "learner__email"]
    list_select_related = ["learner", "programme"]
    raw_id_fields = ["learner", "created_by"]
