from django.contrib import admin

from users.admin_scope import ScopedAdmin, ScopedStackedInline, ScopedTabularInline

from .ilr import codes
from .ilr import models as ilr_models
from .ilr.display import SENSITIVE_FAM_TYPES
from .models import Enrolment, Programme
from .progress import models as progress_models


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    scope = None
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
                "description": "The ILR template holds the default learning aims and FAMs "
                "new enrolments' ILRs start from, as JSON keyed by ILR element names; it is "
                "edited only here.",
            },
        ),
    ]


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
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


class _IlrInline(ScopedTabularInline):
    extra = 0


class PriorAttainInline(_IlrInline):
    model = ilr_models.PriorAttain


class LLDDInline(_IlrInline):
    model = ilr_models.LLDDandHealthProblem


class LearnerFAMInline(_IlrInline):
    model = ilr_models.LearnerFAM

    def get_queryset(self, request):
        # FAMs recording a disability or a health or care plan are special-category data.
        queryset = super().get_queryset(request)
        if not request.user.has_perm("users.view_sensitive_data"):
            queryset = queryset.exclude(learn_fam_type__in=SENSITIVE_FAM_TYPES)
        return queryset


class ProviderSpecLearnerMonitoringInline(_IlrInline):
    model = ilr_models.ProviderSpecLearnerMonitoring


class EmploymentStatusInline(_IlrInline):
    model = ilr_models.LearnerEmploymentStatus
    show_change_link = True


class LearningDeliveryInline(_IlrInline):
    model = ilr_models.LearningDelivery
    fields = ["aim_seq_number", "learn_aim_ref", "aim_type", "learn_start_date", "comp_status"]
    show_change_link = True


class DestinationInline(_IlrInline):
    model = ilr_models.DestinationProgression


@admin.register(ilr_models.IlrLearner)
class IlrLearnerAdmin(ScopedAdmin):
    list_display = [
        "learn_ref_number",
        "learner",
        "year",
        "episode_status",
        "qa_verified_at",
        "last_exported_at",
    ]
    list_filter = ["collection_year", "episode_status"]
    search_fields = ["learn_ref_number", "uln", "family_name", "learner__email"]
    list_select_related = ["learner"]
    raw_id_fields = ["learner", "qa_verified_by", "id_verified_by", "created_by"]
    readonly_fields = [
        "version",
        "created_at",
        "updated_at",
        "last_exported_at",
        "last_export_file",
    ]
    inlines = [
        PriorAttainInline,
        LLDDInline,
        LearnerFAMInline,
        ProviderSpecLearnerMonitoringInline,
        EmploymentStatusInline,
        LearningDeliveryInline,
        DestinationInline,
    ]

    @admin.display(description="Collection year", ordering="collection_year")
    def year(self, obj: ilr_models.IlrLearner) -> str:
        return codes.year_label(obj.collection_year)


class EmploymentStatusMonitoringInline(_IlrInline):
    model = ilr_models.EmploymentStatusMonitoring


@admin.register(ilr_models.LearnerEmploymentStatus)
class LearnerEmploymentStatusAdmin(ScopedAdmin):
    scope = "ilr__learner"
    list_display = ["ilr", "emp_stat", "date_emp_stat_app", "emp_id"]
    raw_id_fields = ["ilr"]
    inlines = [EmploymentStatusMonitoringInline]


class DeliveryFAMInline(_IlrInline):
    model = ilr_models.LearningDeliveryFAM


class AppFinRecordInline(_IlrInline):
    model = ilr_models.AppFinRecord


class WorkPlacementInline(_IlrInline):
    model = ilr_models.LearningDeliveryWorkPlacement


class ProviderSpecDeliveryMonitoringInline(_IlrInline):
    model = ilr_models.ProviderSpecDeliveryMonitoring


class DeliveryHEInline(ScopedStackedInline):
    model = ilr_models.LearningDeliveryHE
    extra = 0


@admin.register(ilr_models.LearningDelivery)
class LearningDeliveryAdmin(ScopedAdmin):
    scope = "ilr__learner"
    list_display = [
        "ilr",
        "aim_seq_number",
        "learn_aim_ref",
        "aim_type",
        "fund_model",
        "comp_status",
    ]
    list_filter = ["aim_type", "fund_model", "comp_status"]
    search_fields = ["learn_aim_ref", "ilr__learn_ref_number"]
    raw_id_fields = ["ilr", "enrolment"]
    inlines = [
        DeliveryFAMInline,
        WorkPlacementInline,
        AppFinRecordInline,
        ProviderSpecDeliveryMonitoringInline,
        DeliveryHEInline,
    ]


# Milestones, course progress and functional skills (programmes/progress).
@admin.register(progress_models.Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = ["learner", "description", "date", "status", "claim_status"]
    list_filter = ["status", "claim_status"]
    search_fields = ["description", "learner__last_name", "learner__email"]
    raw_id_fields = ["learner", "enrolment", "created_by"]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(progress_models.Course)
class CourseAdmin(ScopedAdmin):
    scope = None
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(progress_models.LearnerCourse)
class LearnerCourseAdmin(ScopedAdmin):
    list_display = ["learner", "course", "started_on", "progress", "status", "completed_on"]
    list_filter = ["status", "course"]
    search_fields = ["learner__last_name", "learner__email", "course__name"]
    raw_id_fields = ["learner", "created_by"]
    readonly_fields = ["created_at", "updated_at", "version"]


@admin.register(progress_models.FunctionalSkillAssessment)
class FunctionalSkillAssessmentAdmin(ScopedAdmin):
    list_display = ["learner", "subject", "kind", "level", "score", "result", "assessed_on"]
    list_filter = ["subject", "kind", "level", "is_exempt"]
    search_fields = ["learner__last_name", "learner__email"]
    raw_id_fields = ["learner", "assessor", "created_by"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "version",
        "evidence_file",
        "evidence_name",
        "evidence_content_type",
        "evidence_sha256",
    ]


# --- Learning plan, off-the-job ledger and onboarding wizard -----------------------------------
from .learning import models as learning_models  # noqa: E402


@admin.register(learning_models.ProgrammeComponent)
class ProgrammeComponentAdmin(ScopedAdmin):
    scope = None
    list_display = ["programme", "kind", "code", "title", "order"]
    list_filter = ["kind", "programme"]
    search_fields = ["code", "title", "programme__name"]


@admin.register(learning_models.LearnerComponent)
class LearnerComponentAdmin(ScopedAdmin):
    list_display = ["learner", "code", "title", "kind", "status", "completed_on"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "title", "learner__email", "learner__last_name"]
    raw_id_fields = ["learner", "enrolment", "source", "created_by"]


@admin.register(learning_models.Certification)
class CertificationAdmin(ScopedAdmin):
    list_display = ["learner", "title", "kind", "expected_on", "achieved_on"]
    list_filter = ["kind"]
    search_fields = ["title", "learner__email", "learner__last_name"]
    raw_id_fields = ["learner", "enrolment", "created_by"]


@admin.register(learning_models.EvidenceItem)
class EvidenceItemAdmin(ScopedAdmin):
    list_display = ["learner", "component", "description", "date", "decision"]
    list_filter = ["decision"]
    search_fields = ["description", "learner__email", "learner__last_name"]
    raw_id_fields = ["learner", "component", "created_by", "decided_by"]
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256"]


@admin.register(learning_models.OtjEntry)
class OtjEntryAdmin(ScopedAdmin):
    list_display = ["learner", "date", "hours", "activity_type", "verified_at"]
    list_filter = ["activity_type"]
    search_fields = ["description", "learner__email", "learner__last_name"]
    raw_id_fields = ["learner", "enrolment", "created_by", "verified_by"]
    date_hierarchy = "date"


@admin.register(learning_models.WizardProgress)
class WizardProgressAdmin(ScopedAdmin):
    list_display = ["learner", "step", "completed_at", "completed_by"]
    list_filter = ["step"]
    search_fields = ["learner__email", "learner__last_name"]
    raw_id_fields = ["learner", "created_by", "completed_by"]
