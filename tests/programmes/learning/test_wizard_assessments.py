"""The onboarding wizard's Assessments step and the Functional Skills section are one source of
truth: the step saves the learner's initial assessments as Functional Skills records, shows
the ones already there, and an edit in either place shows in the other."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from programmes.learning.forms import AssessmentsForm
from programmes.learning.models import WizardProgress
from programmes.progress.models import FunctionalSkillAssessment
from tests.factories import AdminFactory, FunctionalSkillFactory

MIGRATION = importlib.import_module(
    "programmes.migrations.0016_wizard_assessments_to_functional_skills"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def step_url(learner):
    return f"/users/{learner.pk}/wizard/assessments/"


def answers(**extra):
    return {
        "version": 0,
        "assessed_on": "2026-02-10",
        "assessor_name": "BKSB online assessment",
        "english_level": "L2",
        "english_score": "78",
        "maths_level": "L1",
        "maths_score": "55",
        "digital_level": "E3",
        "digital_result": "WORKING_AT",
        **extra,
    }


def opened(client, learner) -> dict:
    """What the step's form sends as it stands now (versions included), to change and post."""
    form = client.get(step_url(learner)).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def records(learner):
    return {a.subject: a for a in FunctionalSkillAssessment.objects.filter(learner=learner)}


def test_completing_the_step_creates_the_records_the_section_shows(as_user, plan_editor, learner):
    client = as_user(plan_editor)
    response = client.post(step_url(learner), answers())
    assert response.status_code == 302
    saved = records(learner)
    assert set(saved) == {"ENGLISH", "MATHS", "DIGITAL"}
    english = saved["ENGLISH"]
    assert (english.kind, english.level, english.score) == ("INITIAL", "L2", 78)
    assert english.assessed_on == datetime.date(2026, 2, 10)
    assert english.assessor_name == "BKSB online assessment"
    assert saved["DIGITAL"].result == "WORKING_AT"
    step = WizardProgress.objects.get(learner=learner, step="assessments")
    assert step.completed_at is not None
    assert step.data == {"functional_skills": {s: a.pk for s, a in saved.items()}}
    section = client.get(f"/users/{learner.pk}/functional-skills/").content.decode()
    assert "78 %" in section
    assert "55 %" in section
    assert "Initial assessment" in client.get(f"/users/{learner.pk}/").content.decode()


def test_resubmitting_updates_the_same_records_without_duplicates(as_user, plan_editor, learner):
    client = as_user(plan_editor)
    client.post(step_url(learner), answers())
    first = {s: a.pk for s, a in records(learner).items()}
    again = {**opened(client, learner), "english_score": "81", "maths_level": "L2"}
    assert client.post(step_url(learner), again).status_code == 302
    now = records(learner)
    assert FunctionalSkillAssessment.objects.filter(learner=learner).count() == 3
    assert {s: a.pk for s, a in now.items()} == first
    assert (now["ENGLISH"].score, now["MATHS"].level) == (81, "L2")


def test_the_same_form_sent_twice_is_refused_not_duplicated(as_user, plan_editor, learner):
    client = as_user(plan_editor)
    assert client.post(step_url(learner), answers()).status_code == 302
    response = client.post(step_url(learner), answers(english_score="10"))
    assert response.status_code == 409
    assert FunctionalSkillAssessment.objects.filter(learner=learner).count() == 3
    assert records(learner)["ENGLISH"].score == 78


def test_the_step_shows_the_records_already_in_the_section(as_user, plan_editor, learner):
    recorded = FunctionalSkillFactory(learner=learner, subject="ENGLISH", level="E3", score=55)
    FunctionalSkillFactory(learner=learner, subject="MATHS", kind="EXAM", level="L2", score=90)
    response = as_user(plan_editor).get(step_url(learner))
    form = response.context["form"]
    assert form["english_level"].value() == "E3"
    assert form["english_score"].value() == 55
    assert form["english_version"].value() == recorded.version
    assert form["assessor_name"].value() == "External Assessor"
    # An exam is not the initial assessment: listed, but the step's maths starts empty.
    assert not form["maths_level"].value()
    content = response.content.decode()
    assert "Already recorded in Functional Skills" in content
    assert "Exam" in content
    assert "90 %" in content


def test_an_edit_in_the_section_shows_in_the_step_and_is_updated_in_place(
    as_user, plan_editor, learner
):
    client = as_user(plan_editor)
    client.post(step_url(learner), answers())
    english = records(learner)["ENGLISH"]
    edited = {
        "subject": "ENGLISH",
        "kind": "INITIAL",
        "level": "L1",
        "score": "60",
        "assessed_on": "2026-02-10",
        "assessor_name": "BKSB online assessment",
        "version": english.version,
    }
    edit_url = f"/users/{learner.pk}/functional-skills/{english.pk}/edit/"
    assert client.post(edit_url, edited).status_code == 302
    form = client.get(step_url(learner)).context["form"]
    assert (form["english_level"].value(), form["english_score"].value()) == ("L1", 60)
    assert client.post(step_url(learner), {**opened(client, learner)}).status_code == 302
    assert records(learner)["ENGLISH"].pk == english.pk


def test_a_section_edit_made_after_the_step_was_opened_is_not_overwritten(
    as_user, plan_editor, learner
):
    recorded = FunctionalSkillFactory(learner=learner, subject="ENGLISH", level="E3", score=55)
    client = as_user(plan_editor)
    stale = {**opened(client, learner), **answers(version=0), "english_version": recorded.version}
    recorded.score, recorded.version = 66, recorded.version + 1
    recorded.save()
    response = client.post(step_url(learner), stale)
    assert response.status_code == 409
    assert "Changed since you opened this form" in response.content.decode()
    recorded.refresh_from_db()
    assert recorded.score == 66
    assert FunctionalSkillAssessment.objects.filter(learner=learner).count() == 1
    # Saving the refused form again is a deliberate overwrite, based on the current versions.
    again = response.context["form"]
    assert again["english_version"].value() == recorded.version


def test_the_step_is_audited_with_its_actor(as_user, plan_editor, learner):
    as_user(plan_editor).post(step_url(learner), answers(), REMOTE_ADDR="203.0.113.9")
    english = records(learner)["ENGLISH"]
    created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(english), object_pk=str(english.pk)
    )
    assert (created.learner, created.actor, created.remote_addr) == (
        learner,
        plan_editor,
        "203.0.113.9",
    )
    assert created.changes_dict["level"] == ["None", "L2"]


def test_the_step_and_the_section_use_one_level_scale():
    form = AssessmentsForm()
    for key in ("english", "maths", "digital"):
        offered = [value for value, _ in form.fields[f"{key}_level"].choices if value]
        assert offered == FunctionalSkillAssessment.Level.values


def test_a_level_off_the_scale_is_refused(as_user, plan_editor, learner):
    response = as_user(plan_editor).post(step_url(learner), answers(english_level="L3"))
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(response.context["form"].errors["english_level"])
    assert not FunctionalSkillAssessment.objects.exists()


def test_neither_score_nor_result_nor_assessor_is_refused_and_nothing_saved(
    as_user, plan_editor, learner
):
    response = as_user(plan_editor).post(
        step_url(learner), answers(digital_result="", assessor_name="")
    )
    errors = response.context["form"].errors
    assert "Enter a score or choose a result." in errors["digital_score"]
    assert "Choose the assessor, or name an external assessor." in errors["assessor"]
    assert not FunctionalSkillAssessment.objects.exists()
    assert not WizardProgress.objects.exists()


def test_the_step_needs_the_functional_skills_permission_too(as_user, tree, learner):
    planner = AdminFactory(groups=[tree["north"]], roles=["Standard administrator"])
    planner.user_permissions.add(Permission.objects.get(codename="edit_learning_plan"))
    response = as_user(planner).post(step_url(learner), answers())
    assert response.status_code == 403
    assert not FunctionalSkillAssessment.objects.exists()


def test_answers_saved_before_become_functional_skills_records(learner, plan_editor):
    old = {
        "assessed_on": "2025-11-03",
        "english_level": "L3",
        "english_score": 91,
        "maths_level": "E2",
        "maths_score": None,
        "digital_level": "L1",
        "digital_score": 40,
    }
    step = WizardProgress.objects.create(
        learner=learner,
        step="assessments",
        data=old,
        completed_by=plan_editor,
        completed_at=datetime.datetime(2025, 11, 4, 9, 0, tzinfo=datetime.UTC),
    )
    MIGRATION.forwards(apps, None)
    MIGRATION.forwards(apps, None)  # run twice: still one record per subject
    saved = records(learner)
    assert FunctionalSkillAssessment.objects.filter(learner=learner).count() == 3
    assert (saved["ENGLISH"].level, saved["ENGLISH"].result, saved["ENGLISH"].score) == (
        "L2",
        "PASS",
        91,
    )
    assert (saved["MATHS"].level, saved["MATHS"].result) == ("E2", "WORKING_AT")
    assert saved["DIGITAL"].assessor == plan_editor
    assert saved["DIGITAL"].assessed_on == datetime.date(2025, 11, 3)
    step.refresh_from_db()
    assert step.data["functional_skills"] == {s: a.pk for s, a in saved.items()}
    assert step.data["wizard_answers"] == old
