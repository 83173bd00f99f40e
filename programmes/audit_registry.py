"""The programmes app's models recorded by auditlog (ILR, learning plan, progress), imported once
from ``ProgrammesConfig.ready()``.

``version`` is bookkeeping for conflict detection and ``updated_at`` changes with every save:
both are left out of the changes (the version travels in each entry's additional data).
"""

from auditlog.registry import auditlog

from audit.display import StructuredField, describe

from .ilr.models import ILR_MODELS, IlrLearner
from .learning.forms import AdviceForm, IntroductionForm
from .learning.models import LEARNING_MODELS, OtjEntry, WizardProgress
from .models import Enrolment, LearningBreak, Programme
from .progress.models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone
from .progress.sections import COURSES, FUNCTIONAL_SKILLS, MILESTONES
from .sections import PROGRAMMES

auditlog.register(Programme, exclude_fields=["version"])
auditlog.register(Enrolment, exclude_fields=["version"])
auditlog.register(LearningBreak)
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

# --- How the audit trail shows them ------------------------------------------------------

describe(
    Programme,
    Enrolment,
    LearningBreak,
    *ILR_MODELS,
    *LEARNING_MODELS,
    section=PROGRAMMES.title,
)
describe(Course, LearnerCourse, section=COURSES.title)
describe(Milestone, section=MILESTONES.title)
describe(FunctionalSkillAssessment, section=FUNCTIONAL_SKILLS.title)


def _wizard_answers() -> StructuredField:
    """The wizard steps' answers (WizardProgress.data) labelled as the step forms label them.
    The Personal information step is written to the ILR and the Assessments step to Functional
    Skills records (each audited there); their own answers only point at those records
    (``wizard_answers`` keeps assessments from before they were records, shown nowhere)."""
    fields = {
        name: form_field
        for form in (IntroductionForm, AdviceForm)
        for name, form_field in form.base_fields.items()
        if name != "version"
    }
    return StructuredField(
        labels={
            name: str(f.label or name.replace("_", " ").capitalize()) for name, f in fields.items()
        },
        hidden=frozenset({"ilr", "collection_year", "functional_skills", "wizard_answers"}),
    )


describe(WizardProgress, section=PROGRAMMES.title, structured={"data": _wizard_answers()})
