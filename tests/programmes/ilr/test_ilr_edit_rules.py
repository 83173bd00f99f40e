"""The DfE rules through the Edit ILR forms: each error beside the field it names, blocking the
save; warnings shown after a save that goes through. (The rules themselves are tested in
test_*_rules.py; this proves the wiring.)"""

import pytest

from programmes.ilr.models import IlrLearner, LearningDelivery
from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager


@pytest.fixture
def client_and_ilr(as_user, tree, learner):
    ilr = make_ilr(learner)
    return as_user(make_ilr_manager(tree)), ilr


USER_TAB_CASES = [
    ("uln", "1000000042", "ULN_04"),
    ("uln", "12345", "ULN_04"),
    ("ni_number", "QQ12345", "NINumber_01"),
    ("postcode", "SW1A 1CA", "Postcode_15"),
    ("postcode_prior", "XX", "PostcodePrior_02"),
    ("learn_ref_number", "AB#1", "FD_LearnRefNumber_AP"),
    ("family_name", "Sm1th", "FD_FamilyName_AP"),
    ("given_names", 'Al"ex', "FD_GivenNames_AP"),
    ("family_name", "", "FamilyName_01"),
    ("date_of_birth", "", "DateOfBirth_01"),
    ("tel_no", "+441234567890", "FD_TelNo_AP"),
    ("email", "nope", "FD_Email_AP"),
]


@pytest.mark.parametrize(("field", "value", "rule"), USER_TAB_CASES)
def test_a_user_tab_rule_error_is_beside_its_field_and_blocks_the_save(
    client_and_ilr, learner, field, value, rule
):
    client, ilr = client_and_ilr
    url = f"/users/{learner.pk}/ilr/edit/user/"
    data = form_data(client.get(url))
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(rule in message for message in errors[field]), errors
    assert IlrLearner.objects.get(pk=ilr.pk).version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("uln", "1000000043"),
        ("uln", "9999999999"),
        ("ni_number", "ab 12 34 56 c"),
        ("postcode", "sw1a1aa"),
        ("learn_ref_number", "AB 12"),
        ("family_name", "O'Brien-Zoë"),
        ("tel_no", "07700 900123"),
        ("email", "a@b.example"),
    ],
)
def test_valid_user_tab_values_save(client_and_ilr, learner, field, value):
    client, ilr = client_and_ilr
    url = f"/users/{learner.pk}/ilr/edit/user/"
    data = form_data(client.get(url))
    data[field] = value
    if value == "9999999999":
        # ULN_12: an employer-funded apprentice (ACT 1) needs a real ULN.
        LearningDelivery.objects.filter(ilr=ilr).delete()
        data = form_data(client.get(url))
        data[field] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def aim_url(learner, aim):
    return f"/users/{learner.pk}/ilr/aims/{aim.pk}/edit/"


AIM_CASES = [
    ({"aim_type": "3"}, "learn_aim_ref", "LearnAimRef_30"),
    ({"std_code": ""}, "std_code", "StdCode_01"),
    ({"comp_status": "3"}, "withdraw_reason", "WithdrawReason_03"),
    ({"comp_status": "2"}, "outcome", "CompStatus_04"),
    ({"comp_status": "2"}, "learn_act_end_date", "CompStatus_03"),
]


@pytest.mark.parametrize(("changes", "field", "rule"), AIM_CASES)
def test_an_aim_rule_error_is_beside_its_field(client_and_ilr, learner, changes, field, rule):
    client, ilr = client_and_ilr
    aim = ilr.deliveries.get(aim_seq_number=1)
    data = form_data(client.get(aim_url(learner, aim)))
    data.update(changes)
    response = client.post(aim_url(learner, aim), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(rule in message for message in errors[field]), errors
    assert IlrLearner.objects.get(pk=ilr.pk).version == 1


def test_a_bad_financial_record_is_shown_with_the_financial_records(client_and_ilr, learner):
    client, ilr = client_and_ilr
    aim = ilr.deliveries.get(aim_seq_number=1)
    data = form_data(client.get(aim_url(learner, aim)))
    data["afin-0-afin_code"] = "5"
    response = client.post(aim_url(learner, aim), data)
    assert response.status_code == 200
    afin = response.context["formsets"][1]
    assert any("AFinType_02" in e for e in afin.non_form_errors())
    assert "AFinType_02" in response.content.decode()
    assert aim.app_fin_records.filter(afin_code=5).count() == 0


def test_a_warning_does_not_block_and_is_shown_after_the_save(client_and_ilr, learner):
    client, ilr = client_and_ilr
    aim = ilr.deliveries.get(aim_seq_number=1)
    data = form_data(client.get(aim_url(learner, aim)))
    data["afin-1-DELETE"] = "on"  # the TNP2 assessment price
    response = client.post(aim_url(learner, aim), data, follow=True)
    assert response.redirect_chain
    page = response.content.decode()
    assert "AFinType_10" in page
    assert aim.app_fin_records.count() == 1
    assert IlrLearner.objects.get(pk=ilr.pk).version == 2


def test_an_error_elsewhere_that_the_change_causes_blocks_with_the_field_named(
    client_and_ilr, learner
):
    client, _ilr = client_and_ilr
    url = f"/users/{learner.pk}/ilr/edit/user/"
    # ULN_12: a temporary ULN is fine on its own but not for an ACT 1 apprentice.
    data = form_data(client.get(url))
    data["uln"] = "9999999999"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ULN_12" in response.context["form"].errors["uln"][0]
