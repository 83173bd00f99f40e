import pytest

from programmes.ilr.models import DestinationProgression, IlrLearner
from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


def url(learner):
    return f"/users/{learner.pk}/ilr/edit/admin/"


def test_without_manage_ilrs_gets_403(as_user, colleague, learner, ilr):
    assert as_user(colleague).get(url(learner)).status_code == 403


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_saves_grades_hours_id_verification_monitoring_and_destinations(
    as_user, tree, learner, ilr
):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner)))
    data.update(
        {
            "math_grade": "4",
            "eng_grade": "5",
            "plan_learn_hours": "400",
            "id_document": "PASSPORT",
            "id_verified_on": "2025-09-01",
            "psm-0-occur": "A",
            "psm-0-value": "COHORT1",
            "dest-0-out_type": "EMP",
            "dest-0-out_code": "1",
            "dest-0-out_start_date": "2026-10-01",
            "dest-0-out_coll_date": "2026-11-01",
        }
    )
    response = client.post(url(learner), data)
    assert response.status_code == 302, response.context["form"].errors
    ilr.refresh_from_db()
    assert (ilr.math_grade, ilr.eng_grade, ilr.plan_learn_hours) == ("4", "5", 400)
    assert ilr.id_document == "PASSPORT"
    assert ilr.provider_monitorings.get().value == "COHORT1"
    assert DestinationProgression.objects.get(ilr=ilr).out_type == "EMP"
    page = client.get(f"/users/{learner.pk}/ilr/?tab=admin").content.decode()
    assert "EMP: In paid employment" in page
    assert "Passport" in page


def test_bad_input_saves_nothing(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner)))
    data.update({"plan_learn_hours": "100000", "math_grade": "9"})
    response = client.post(url(learner), data)
    assert response.status_code == 200
    assert 'value="9"' in response.content.decode()
    assert IlrLearner.objects.get(pk=ilr.pk).math_grade == ""


def test_saves_and_clears_the_learner_he_fields(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner)))
    data.update({"ucasperid": "1234567890", "ttaccom": "4"})
    assert client.post(url(learner), data).status_code == 302
    learner_he = IlrLearner.objects.get(pk=ilr.pk).learner_he
    assert (learner_he.ucasperid, learner_he.ttaccom) == ("1234567890", 4)
    data = form_data(client.get(url(learner)))
    assert data["ucasperid"] == "1234567890"
    data.update({"ucasperid": "", "ttaccom": ""})
    assert client.post(url(learner), data).status_code == 302
    assert not hasattr(IlrLearner.objects.get(pk=ilr.pk), "learner_he")


def test_a_bad_ucas_id_saves_nothing(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner)))
    data.update({"ucasperid": "12", "math_grade": "7"})
    response = client.post(url(learner), data)
    assert "10 digits" in response.context["form"].errors["ucasperid"][0]
    assert IlrLearner.objects.get(pk=ilr.pk).math_grade == ""
