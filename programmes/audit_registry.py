"""The programmes app's models recorded by auditlog (ILR, learning plan, progress), imported once
from ``ProgrammesConfig.ready()``.

``version`` is bookkeeping for conflict detection and ``updated_at`` changes with every save:
both are left out of the changes (the version travels in each entry's additional data).
"""

from auditlog.registry import auditlog

from .ilr.models import ILR_MODELS, IlrLearner
from .learning.models import LEARNING_MODELS, OtjEntry, WizardProgress
from .models import Enrolment, Programme
from .progress.models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone

auditlog.register(Programme, exclude_fields=["version"])
auditlog.register(Enrolment, exclude_fields=["version"])
auditlog.register(IlrLearner, exclude_fields=["updated_at", "version"])
for model in ILR_MODELS[1:]:
    auditlog.register(model)

auditlog.register(Course)
for model in (Milestone, LearnerCourse, FunctionalSkillAssessment):
    auditlog.register(model, exclude_fields=["updated_at", "version"])

# The learning plan, OTJ ledger and onboarding wizard.
for model in LEARNING_MODELS:
    if model is OtjEntry:
        auditlog.register(model, exclude_fields=["version"])
    elif model is WizardProgress:
        auditlog.register(model, exclude_fields=["updated_at"])
    else:
        auditlog.register(model)
