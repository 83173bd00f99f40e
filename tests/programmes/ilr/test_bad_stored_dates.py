"""One bad stored value never breaks everyone (DESIGN.md §10).

The bad dates are written straight to the database, as an old import or a direct SQL fix could
have left them: the ILR page, the learner's file and the batch export must report the record
instead of answering with a server error.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Group as Role

from programmes.ilr import rules, xml_file
from programmes.ilr.models import IlrExport, IlrLearner, LearningDelivery
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory, make_ilr

from .builders import valid_learner, with_aim

EXPORT = "/programmes/ilrs/export/"
FAR_FUTURE = datetime.date(9999, 12, 31)
YEAR_ONE = datetime.date(1, 1, 1)

# Each case: how to spoil one learner's stored ILR.
BAD_VALUES = {
    "stop date 9999-12-31": lambda ilr: LearningDelivery.objects.filter(ilr=ilr).update(
        learn_act_end_date=FAR_FUTURE, comp_status=3, outcome=3, withdraw_reason=44
    ),
    "start date 9999-12-31": lambda ilr: LearningDelivery.objects.filter(ilr=ilr).update(
        learn_start_date=FAR_FUTURE
    ),
    "planned end date 9999-12-31": lambda ilr: LearningDelivery.objects.filter(ilr=ilr).update(
        learn_plan_end_date=FAR_FUTURE
    ),
    "date of birth 0001-01-01": lambda ilr: IlrLearner.objects.filter(pk=ilr.pk).update(
        date_of_birth=YEAR_ONE
    ),
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ilr_programme(db):
    return ProgrammeFactory(ilr_enabled=True)


@pytest.fixture
def ilr_manager(tutor):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


def _learner_with_ilr(tree, programme, **overrides):
    learner = UserFactory(groups=[tree["cohort"]])
    EnrolmentFactory(learner=learner, programme=programme)
    return learner, make_ilr(learner, **overrides)


@pytest.mark.parametrize("spoil", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_the_ilr_page_shows_the_problem_instead_of_failing(
    as_user, ilr_manager, tree, ilr_programme, spoil
):
    learner, ilr = _learner_with_ilr(tree, ilr_programme)
    spoil(ilr)
    response = as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "outside the range" in page or "could not be checked" in page
    assert any(f.is_error for f in response.context["findings"])


@pytest.mark.parametrize("spoil", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_the_learners_file_is_refused_with_the_reason(
    as_user, ilr_manager, tree, ilr_programme, spoil
):
    learner, ilr = _learner_with_ilr(tree, ilr_programme)
    spoil(ilr)
    response = as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/2526/export.xml")
    assert response.status_code == 422
    text = response.content.decode()
    assert "cannot be exported yet" in text
    assert "outside the range" in text or "could not be checked" in text


@pytest.mark.parametrize("spoil", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_batch_export_lists_the_bad_learner_and_checks_every_other(
    as_user, ilr_manager, tree, ilr_programme, spoil
):
    _first, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="A1")
    bad, bad_ilr = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="B2")
    # A learner after the bad one with an ordinary rule error: it is still checked and listed.
    later, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="C3", ULN="1000000063")
    _last, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="D4")
    spoil(bad_ilr)

    client = as_user(ilr_manager)
    response = client.post(EXPORT, {"year": "2526", "include_unverified": "on"})

    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.INVALID
    assert (export.total, export.done) == (4, 4)
    failing = {p["learner"] for p in export.problems}
    assert failing == {bad.pk, later.pk}
    reasons = " ".join(p["message"] for p in export.problems if p["learner"] == bad.pk)
    assert "outside the range" in reasons or "could not be checked" in reasons
    page = client.get(response["Location"]).content.decode()
    assert f'href="/users/{bad.pk}/ilr/?tab=' in page


def test_a_batch_export_without_rule_errors_around_the_bad_learner_exports_once_it_is_fixed(
    as_user, ilr_manager, tree, ilr_programme
):
    _learner_with_ilr(tree, ilr_programme, LearnRefNumber="A1")
    _bad, bad_ilr = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="B2")
    BAD_VALUES["stop date 9999-12-31"](bad_ilr)
    client = as_user(ilr_manager)
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    LearningDelivery.objects.filter(ilr=bad_ilr).update(
        learn_act_end_date=None, comp_status=1, outcome=None, withdraw_reason=None
    )
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    assert IlrExport.objects.latest("pk").status == IlrExport.Status.READY


def test_an_unexpected_error_in_one_learners_rules_becomes_a_problem_and_is_logged(
    as_user, ilr_manager, tree, ilr_programme, monkeypatch, caplog
):
    _good, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="A1")
    bad, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="B2")
    real = rules.check_uln

    def broken(value, deliveries=()):
        if value == "9999999999":
            raise RuntimeError("boom")
        return real(value, deliveries)

    monkeypatch.setattr(rules, "check_uln", broken)
    IlrLearner.objects.filter(learner=bad).update(uln="9999999999")
    as_user(ilr_manager).post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.INVALID
    [problem] = export.problems
    assert problem["learner"] == bad.pk
    assert "could not be checked" in problem["message"]
    assert "RuntimeError: boom" in problem["message"]
    assert "could not be checked" in caplog.text


def test_the_rule_engine_names_an_out_of_range_date_instead_of_raising():
    findings = rules.check_learner(with_aim(1, LearnActEndDate=FAR_FUTURE, CompStatus=3))
    messages = [f.message for f in findings if f.rule == "schema" and f.field == "LearnActEndDate"]
    assert messages
    assert "01/01/1900" in messages[0]
    assert "31/12/2100" in messages[0]


def test_the_rule_engine_reports_an_unreadable_date_as_a_finding():
    values = valid_learner()
    values["DateOfBirth"] = "not a date"
    [finding] = [f for f in rules.check_learner(values) if f.field == "DateOfBirth"]
    assert finding.is_error
    assert "not a date" in finding.message


def test_a_single_file_still_downloads_for_a_good_learner(
    as_user, ilr_manager, tree, ilr_programme
):
    learner, _ = _learner_with_ilr(tree, ilr_programme)
    response = as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/2526/export.xml")
    assert response.status_code == 200
    assert xml_file.schema_errors(io.BytesIO(response.content)) == []


def test_a_failure_outside_the_rules_is_a_problem_for_that_learner_only(
    as_user, ilr_manager, tree, ilr_programme, monkeypatch
):
    _learner_with_ilr(tree, ilr_programme, LearnRefNumber="A1")
    bad, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="B2")
    later, _ = _learner_with_ilr(tree, ilr_programme, LearnRefNumber="C3", ULN="1000000063")
    real = rules.check_learner

    def broken(values, **kwargs):
        if values["LearnRefNumber"] == "B2":
            raise OverflowError("date value out of range")
        return real(values, **kwargs)

    monkeypatch.setattr(rules, "check_learner", broken)
    as_user(ilr_manager).post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.INVALID
    assert {p["learner"] for p in export.problems} == {bad.pk, later.pk}
    [problem] = [p for p in export.problems if p["learner"] == bad.pk]
    assert "could not be checked: OverflowError: date value out of range" in problem["message"]
