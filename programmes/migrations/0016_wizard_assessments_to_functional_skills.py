"""The onboarding wizard's Assessments step kept its answers as JSON on the step, with a level
scale of its own; the Functional Skills section holds the same assessments as records. From now
on the step writes those records, so the answers saved so far become Functional Skills initial
assessments here, and the step points at them.

The wizard's scale had "Level 3 or above", which the Functional Skills scale (Entry 1 to
Level 2, the levels the qualifications exist at) has not: such an answer becomes Level 2 with
the result Pass, beyond the top of the scale. Every other level is kept with the result
"Working at this level", which is what an initial assessment's level means. The step keeps the
original answers under ``wizard_answers`` (shown nowhere) so nothing typed is lost. Migrations
run without auditlog, so these records have no creation entry in the audit trail.
"""

import datetime

from django.db import migrations

SUBJECTS = {"ENGLISH": "english", "MATHS": "maths", "DIGITAL": "digital"}
LEVELS = {"E1", "E2", "E3", "L1", "L2"}


def _date(value, fallback: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return fallback


def _score(value):
    return value if isinstance(value, int) and 0 <= value <= 100 else None


def record_values(answers: dict, key: str) -> dict | None:
    """One subject's Functional Skills fields from the wizard's answers; None when unanswered."""
    level = answers.get(f"{key}_level")
    if level == "L3":
        return {"level": "L2", "result": "PASS", "score": _score(answers.get(f"{key}_score"))}
    if level not in LEVELS:
        return None
    return {"level": level, "result": "WORKING_AT", "score": _score(answers.get(f"{key}_score"))}


def forwards(apps, schema_editor):
    WizardProgress = apps.get_model("programmes", "WizardProgress")
    Assessment = apps.get_model("programmes", "FunctionalSkillAssessment")
    steps = WizardProgress.objects.filter(step="assessments").select_related("completed_by")
    for step in steps.iterator():
        answers = step.data or {}
        if "functional_skills" in answers:
            continue
        done = step.completed_at or step.created_at
        assessed_on = _date(answers.get("assessed_on"), done.date())
        by = step.completed_by
        assessor = {"assessor": by} if by and by.user_type == "ADMINISTRATOR" else {}
        saved = {}
        for subject, key in SUBJECTS.items():
            values = record_values(answers, key)
            if values is None:
                continue
            record = Assessment.objects.create(
                learner_id=step.learner_id,
                subject=subject,
                kind="INITIAL",
                assessed_on=min(assessed_on, done.date()),
                assessor_name="" if assessor else "Recorded in the onboarding wizard",
                created_by=by,
                **assessor,
                **values,
            )
            saved[subject] = record.pk
        step.data = {"functional_skills": saved, "wizard_answers": answers}
        step.save(update_fields=["data"])


def backwards(apps, schema_editor):
    # The records stay: they may have been edited in the Functional Skills section since.
    WizardProgress = apps.get_model("programmes", "WizardProgress")
    for step in WizardProgress.objects.filter(step="assessments").iterator():
        if "wizard_answers" in (step.data or {}):
            step.data = step.data["wizard_answers"]
            step.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0015_ilr_export_filters")]

    operations = [migrations.RunPython(forwards, backwards)]
