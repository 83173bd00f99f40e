from django.contrib import admin

from .models import Enrolment, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "is_apprenticeship",
        "standard_code",
        "level",
        "duration_months",
        "ilr_enabled",
        "is_active",
    ]
    list_filter = ["kind", "is_apprenticeship", "ilr_enabled", "is_active", "level"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["name", "code", "kind", "is_apprenticeship", "is_active"]}),
        (
            "Delivery",
            {
                "fields": [
                    "standard_code",
                    "level",
                    "duration_months",
                    "weekly_hours",
                    "planned_otj_hours",
                ]
            },
        ),
        (
            "ILR",
            {
                "fields": ["ilr_enabled", "ilr_template"],
                "description": "The ILR template holds the default learning aims and FAMs as "
                "JSON until the ILR models exist; it is edited only here.",
            },
        ),
    ]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = [
        "learner",
        "programme",
        "status",
        "is_current",
        "start_date",
        "planned_end_date",
        "end_date",
        "withdraw_reason",
    ]
    list_filter = ["status", "is_current", "programme"]
    search_fields = ["learner__first_name", "learner__last_name", "learner__email"]
    list_select_related = ["learner", "programme"]
    raw_id_fields = ["learner", "created_by"]
    readonly_fields = ["created_at"]
