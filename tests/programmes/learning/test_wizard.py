import datetime

import pytest
import time_machine

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner
from programmes.learning.models import WizardProgress
from tests.factories import make_ilr


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def overview_url(learner):
    return f"/users/{learner.pk}/wizard/"


def step_url(learner, step):
    return f"/users/{learner.pk}/wizard/{step}/"


INTRODUCTION = {"explained": "on", "notes": "Met on Teams"}
ADVICE = {"career_goals": "Data analyst", "advice_given": "Discussed routes", "suitable": "on"}
ASSESSMENTS = {
    "assessed_on": "2026-02-10",
    "english_level": "L2",
    "english_score": "78",
    "maths_level": "L1",
    "maths_score": "55",
    "digital_level": "E3",
    "digital_score": "",
    "digital_result": "WORKING_AT",
    "assessor_name": "BKSB online assessment",
}


def personal(**extra):
    return {
        "given_names": "John",
        "family_name": "Smith",
        "date_of_birth": "2001-04-03",
        "sex": "M",
        "ethnicity": "31",
        "lldd_health_prob": "2",
        "ni_number": "ab 12 34 56 c",
        "postcode_prior": "LS1 4AP",
        "postcode": "ls1 4ap",
        "add_line1": "1 Park Row",
        "add_line3": "Leeds",
        "tel_no": "01131234567",
        "email": "john.smith@example.com",
        "privacy_notice_declared_on": "2026-02-10",
        **extra,
    }


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(overview_url(learner))["Location"].startswith("/login/")
    assert client.post(step_url(learner, "introduction"), INTRODUCTION)["Location"].startswith(
        "/login/"
    )


def test_outsider_gets_404(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(overview_url(learner)).status_code == 404
    assert client.post(step_url(learner, "introduction"), INTRODUCTION).status_code == 404


def test_a_colleague_sees_where_the_learner_is_but_may_not_step_through(
    as_user, colleague, tutor, learner
):
    WizardProgress.objects.create(
        learner=learner, step="introduction", completed_at=datetime.datetime.now(datetime.UTC)
    )
    response = as_user(colleague).get(overview_url(learner))
    assert response.status_code == 200
    assert response.context["next"]["step"] == "advice"
    for viewer in (colleague, tutor):
        assert as_user(viewer).post(step_url(learner, "advice"), ADVICE).status_code == 403
    assert not WizardProgress.objects.filter(step="advice").exists()


def test_an_unknown_step_is_404(as_user, plan_editor, learner):
    assert as_user(plan_editor).get(step_url(learner, "payment")).status_code == 404


def test_each_step_is_saved_on_its_own_goes_to_the_next_and_is_audited(
    as_user, plan_editor, learner
):
    client = as_user(plan_editor)
    response = client.post(step_url(learner, "introduction"), INTRODUCTION)
    assert response["Location"] == step_url(learner, "advice")
    response = client.post(step_url(learner, "advice"), ADVICE)
    assert response["Location"] == step_url(learner, "assessments")
    saved = WizardProgress.objects.get(learner=learner, step="advice")
    assert saved.data["career_goals"] == "Data analyst"
    assert saved.completed_by == plan_editor
    assert saved.completed_at is not None
    entry = AuditEntry.objects.get_for_object(saved).latest("pk")
    assert entry.learner == learner
    assert entry.actor == plan_editor


def test_the_wizard_resumes_at_the_first_step_not_done(as_user, plan_editor, learner):
    client = as_user(plan_editor)
    client.post(step_url(learner, "introduction"), INTRODUCTION)
    client.post(step_url(learner, "advice"), ADVICE)
    response = client.get(overview_url(learner))
    assert response.context["next"]["step"] == "assessments"
    assert "Continue with Assessments" in response.content.decode()
    # Going back to a done step shows what was saved.
    form = client.get(step_url(learner, "advice")).context["form"]
    assert form["career_goals"].value() == "Data analyst"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("english_score", "101", "A score cannot be above 100%."),
        ("maths_score", "-5", "A score cannot be below 0%."),
        ("assessed_on", "2026-03-09", "cannot be in the future"),
        ("digital_level", "L9", "Select a valid choice"),
    ],
)
def test_bad_assessment_input_is_refused_beside_the_field(
    as_user, plan_editor, learner, field, value, message
):
    response = as_user(plan_editor).post(
        step_url(learner, "assessments"), {**ASSESSMENTS, field: value}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["english_level"].value() == "L2"
    assert not WizardProgress.objects.exists()


def test_a_step_without_its_confirmation_is_refused(as_user, plan_editor, learner):
    response = as_user(plan_editor).post(step_url(learner, "introduction"), {"notes": "x"})
    assert "Confirm the introduction was given" in response.context["form"].errors["explained"][0]
    assert not WizardProgress.objects.exists()


# --- Personal information: the ILR User tab ---------------------------------------------


def test_personal_information_needs_manage_ilrs(as_user, plan_editor, learner):
    assert as_user(plan_editor).post(step_url(learner, "personal"), personal()).status_code == 403
    assert not IlrLearner.objects.exists()


def test_personal_information_creates_the_ilr_from_the_reference_number(
    as_user, ilr_manager, learner
):
    learner.reference_number = "JS 0042"
    learner.save()
    response = as_user(ilr_manager).post(step_url(learner, "personal"), personal())
    assert response.status_code == 302
    assert response["Location"] == overview_url(learner)
    ilr = IlrLearner.objects.get(learner=learner)
    assert ilr.collection_year == "2526"
    assert ilr.learn_ref_number == "JS 0042"
    assert (ilr.ni_number, ilr.postcode, ilr.ethnicity) == ("AB123456C", "LS1 4AP", 31)
    assert ilr.privacy_notice_declared_on == datetime.date(2026, 2, 10)
    assert WizardProgress.objects.get(step="personal").completed_at is not None
    entry = AuditEntry.objects.get_for_object(ilr).get()
    assert entry.actor == ilr_manager
    assert entry.learner == learner


def test_personal_information_updates_an_existing_ilr_and_bumps_its_version(
    as_user, ilr_manager, learner
):
    ilr = make_ilr(learner)
    response = as_user(ilr_manager).post(
        step_url(learner, "personal"), personal(version=ilr.version)
    )
    assert response.status_code == 302
    ilr.refresh_from_db()
    assert (ilr.given_names, ilr.version) == ("John", 2)
    assert "given_names" in AuditEntry.objects.get_for_object(ilr).latest("pk").changes_dict


def test_a_stale_personal_form_changes_nothing(as_user, ilr_manager, learner):
    ilr = make_ilr(learner)
    response = as_user(ilr_manager).post(step_url(learner, "personal"), personal(version=0))
    assert response.status_code == 409
    assert "Someone else saved this ILR after you opened the form" in response.content.decode()
    ilr.refresh_from_db()
    assert ilr.given_names == "Alex"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ni_number", "QQ123456Z", "National Insurance"),
        ("postcode", "LEEDS", "Enter a full UK postcode"),
        ("tel_no", "+44 113", "Use digits only"),
        ("email", "no-at-sign", "Enter an email address with an @"),
        ("date_of_birth", "2027-01-01", "cannot be in the future"),
        ("ethnicity", "12", "Select a valid choice"),
        ("family_name", "", "This field is required."),
    ],
)
def test_ilr_rules_are_checked_beside_the_field(
    as_user, ilr_manager, learner, field, value, message
):
    response = as_user(ilr_manager).post(step_url(learner, "personal"), personal(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["add_line1"].value() == "1 Park Row"
    assert not IlrLearner.objects.exists()


def test_a_qa_verified_ilr_needs_ilr_qa(as_user, ilr_manager, learner):
    ilr = make_ilr(learner)
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    response = as_user(ilr_manager).post(step_url(learner, "personal"), personal(version=1))
    assert response.status_code == 200
    assert "QA verified" in response.content.decode()
    ilr.refresh_from_db()
    assert ilr.given_names == "Alex"


def test_a_reference_number_used_by_another_ilr_is_refused(as_user, ilr_manager, learner, tree):
    from tests.factories import UserFactory

    other = UserFactory(groups=[tree["cohort"]])
    make_ilr(other, LearnRefNumber="REF1")
    learner.reference_number = "REF1"
    learner.save()
    response = as_user(ilr_manager).post(step_url(learner, "personal"), personal())
    assert response.status_code == 200
    assert "already uses the reference REF1" in response.content.decode()
    assert not IlrLearner.objects.filter(learner=learner).exists()


def test_wizard_status_lists_every_step_in_order_with_the_first_not_done_next(learner, tutor):
    WizardProgress.objects.create(
        learner=learner, step="introduction", completed_at=datetime.datetime.now(datetime.UTC)
    )
    WizardProgress.objects.create(learner=learner, step="assessments")  # started, not done
    rows = WizardProgress.objects.status_for(learner)
    assert [r["step"] for r in rows] == list(WizardProgress.Step)
    assert [r["done"] for r in rows] == [True, False, False, False]
    assert [r["is_next"] for r in rows] == [False, True, False, False]
    assert rows[2]["record"].step == "assessments"
    assert rows[1]["record"] is None


def test_wizard_status_of_a_learner_who_has_not_started_puts_the_first_step_next(learner):
    rows = WizardProgress.objects.status_for(learner)
    assert [r["is_next"] for r in rows] == [True, False, False, False]
    assert not any(r["done"] or r["record"] for r in rows)
