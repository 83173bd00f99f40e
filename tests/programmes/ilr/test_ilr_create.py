import datetime

import pytest

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner, LearnerFAM
from tests.factories import EnrolmentFactory, ProgrammeFactory, make_ilr

from .ilr_cast import form_data, make_ilr_manager


def url(learner):
    return f"/users/{learner.pk}/ilr/create/"


@pytest.fixture
def described(learner):
    learner.uln = "1000000043"
    learner.date_of_birth = datetime.date(2000, 5, 17)
    learner.sex = "M"
    learner.reference_number = "REF 42"
    learner.address_line_1 = "1 High Street"
    learner.town = "Leeds"
    learner.postcode = "LS1 1AA"
    learner.mobile = "07700 900123"
    learner.save()
    return learner


def apprenticeship(learner, **template):
    programme = ProgrammeFactory(
        name="Data Technician", is_apprenticeship=True, standard_code=91, ilr_template=template
    )
    return EnrolmentFactory(
        learner=learner,
        programme=programme,
        start_date=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2026, 9, 30),
    )


def completed(client, learner, **changes):
    data = form_data(client.get(url(learner)))
    data.update({"ethnicity": "31", "lldd_health_prob": "2", "postcode_prior": "LS1 1AA"})
    data.update(changes)
    return data


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_without_manage_ilrs_gets_403(as_user, colleague, tutor, learner):
    for viewer in (colleague, tutor):
        assert as_user(viewer).get(url(learner)).status_code == 403
        assert as_user(viewer).post(url(learner), {}).status_code == 403


def test_the_form_is_prefilled_from_the_learner(as_user, tree, described):
    form = as_user(make_ilr_manager(tree)).get(url(described)).context["form"]
    initial = form.initial
    assert initial["uln"] == "1000000043"
    assert initial["given_names"] == "John"
    assert initial["family_name"] == "Smith"
    assert initial["ni_number"] == "AB123456C"
    assert initial["learn_ref_number"] == "REF 42"
    assert initial["postcode"] == "LS1 1AA"
    assert initial["add_line3"] == "Leeds"
    assert initial["tel_no"] == "07700900123"
    assert initial["email"] == "john.smith@example.com"


def test_creates_the_ilr_with_the_programme_aim_linked_to_the_enrolment(as_user, tree, described):
    enrolment = apprenticeship(
        described,
        LearnerFAM=[{"LearnFAMType": "LSR", "LearnFAMCode": 36}],
        LearningDelivery=[
            {
                "LearnAimRef": "ZPROG001",
                "LearningDeliveryFAM": [
                    {"LearnDelFAMType": "SOF", "LearnDelFAMCode": "105"},
                    {"LearnDelFAMType": "ACT", "LearnDelFAMCode": "1"},
                ],
            }
        ],
    )
    ilr_manager = make_ilr_manager(tree)
    client = as_user(ilr_manager)
    response = client.post(url(described), completed(client, described))
    assert response.status_code == 302
    ilr = IlrLearner.objects.get(learner=described)
    assert ilr.collection_year == "2526"
    assert ilr.created_by == ilr_manager
    assert ilr.learn_ref_number == "REF 42"
    aim = ilr.deliveries.get()
    assert (aim.learn_aim_ref, aim.aim_type, aim.prog_type, aim.fund_model) == (
        "ZPROG001",
        1,
        25,
        36,
    )
    assert aim.std_code == 91
    assert aim.learn_start_date == datetime.date(2025, 9, 1)
    assert aim.learn_plan_end_date == datetime.date(2026, 9, 30)
    assert aim.enrolment == enrolment
    assert aim.fams.count() == 2
    assert LearnerFAM.objects.filter(ilr=ilr, learn_fam_type="LSR").exists()
    assert AuditEntry.objects.filter(learner=described, object_pk=str(ilr.pk)).exists()


def test_an_apprenticeship_without_a_template_gets_the_programme_aim(as_user, tree, described):
    apprenticeship(described)
    client = as_user(make_ilr_manager(tree))
    assert client.post(url(described), completed(client, described)).status_code == 302
    aim = IlrLearner.objects.get(learner=described).deliveries.get()
    assert aim.learn_aim_ref == "ZPROG001"


def test_bad_input_keeps_what_was_typed_and_saves_nothing(as_user, tree, described):
    client = as_user(make_ilr_manager(tree))
    data = completed(client, described, uln="1000000042", given_names="Typed")
    response = client.post(url(described), data)
    assert response.status_code == 200
    assert "ULN_04" in response.context["form"].errors["uln"][0]
    assert 'value="Typed"' in response.content.decode()
    assert not IlrLearner.objects.exists()


def test_missing_answers_are_asked_for(as_user, tree, described):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(described)))
    response = client.post(url(described), data)
    errors = response.context["form"].errors
    assert {"ethnicity", "lldd_health_prob", "postcode_prior"} <= set(errors)
    assert not IlrLearner.objects.exists()


def test_a_reference_used_by_another_learner_is_refused(as_user, tree, described):
    other = make_ilr(EnrolmentFactory().learner, LearnRefNumber="REF 42")
    client = as_user(make_ilr_manager(tree))
    response = client.post(url(described), completed(client, described))
    assert "already uses this reference" in response.context["form"].errors["learn_ref_number"][0]
    assert IlrLearner.objects.get() == other


def test_an_existing_ilr_is_not_created_twice(as_user, tree, learner):
    make_ilr(learner)
    response = as_user(make_ilr_manager(tree)).get(url(learner))
    assert response.status_code == 302
    assert IlrLearner.objects.count() == 1
