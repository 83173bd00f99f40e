from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .ilr.models import ILR_MODELS, IlrLearner
        from .models import Enrolment, Programme

        # The version is bookkeeping for conflict detection; it travels in additional_data.
        auditlog.register(Programme, exclude_fields=["version"])
        auditlog.register(Enrolment, exclude_fields=["version"])
        auditlog.register(IlrLearner, exclude_fields=["updated_at", "version"])
        for model in ILR_MODELS[1:]:
            auditlog.register(model)

        from .progress.models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone

        auditlog.register(Course)
        for model in (Milestone, LearnerCourse, FunctionalSkillAssessment):
            auditlog.register(model, exclude_fields=["updated_at", "version"])
        # The learning plan, OTJ ledger and onboarding wizard.
        from .learning.models import LEARNING_MODELS, OtjEntry, WizardProgress

        for model in LEARNING_MODELS:
            if model is OtjEntry:
                auditlog.register(model, exclude_fields=["version"])
            elif model is WizardProgress:
                auditlog.register(model, exclude_fields=["updated_at"])
            else:
                auditlog.register(model)
