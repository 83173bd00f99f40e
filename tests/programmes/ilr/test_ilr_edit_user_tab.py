import pytest

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner, LLDDandHealthProblem
from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager


def url(learner, tab="user"):
    return f"/users/{learner.pk}/ilr/edit/{tab}/"


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


@pytest.fixture
def ilr_manager(tree):
    return make_ilr_manager(tree)


def opened(client, learner, tab="user", **changes):
    data = form_data(client.get(url(learner, tab)))
    data.update(changes)
    return data


def test_anonymous_is_redirected_to_login(client, learner, ilr):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_without_manage_ilrs_gets_403(as_user, colleague, tutor, learner, ilr):
    for viewer in (colleague, tutor):
        client = as_user(viewer)
        assert client.get(url(learner)).status_code == 403
        assert client.post(url(learner), {"uln": "1000000043"}).status_code == 403


def test_an_unknown_tab_or_a_learner_without_an_ilr_is_404(as_user, ilr_manager, learner):
    client = as_user(ilr_manager)
    assert client.get(url(learner)).status_code == 404
    make_ilr(learner)
    assert client.get(url(learner, "other")).status_code == 404


def test_good_input_saves_bumps_the_version_redirects_and_is_audited(
    as_user, ilr_manager, learner, ilr
):
    client = as_user(ilr_manager)
    data = opened(client, learner, family_name="Smythe", postcode=" zz99  9zz ")
    response = client.post(url(learner), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=user")
    ilr.refresh_from_db()
    assert ilr.family_name == "Smythe"
    assert ilr.postcode == "ZZ99 9ZZ"
    assert ilr.version == 2
    entry = AuditEntry.objects.filter(learner=learner, object_pk=str(ilr.pk)).latest("pk")
    assert entry.actor == ilr_manager
    assert "family_name" in entry.changes_dict


def test_ni_number_and_phone_are_normalised(as_user, ilr_manager, learner, ilr):
    client = as_user(ilr_manager)
    data = opened(client, learner, ni_number="ab 12 34 56 c", tel_no="01234 567-890")
    assert client.post(url(learner), data).status_code == 302
    ilr.refresh_from_db()
    assert ilr.ni_number == "AB123456C"
    assert ilr.tel_no == "01234567890"


def test_bad_input_re_renders_with_errors_keeps_what_was_typed_and_saves_nothing(
    as_user, ilr_manager, learner, ilr
):
    client = as_user(ilr_manager)
    data = opened(client, learner, uln="1000000042", given_names="Typed Name")
    response = client.post(url(learner), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ULN_04" in page
    assert 'value="Typed Name"' in page
    assert "Nothing has been saved yet." in page
    ilr.refresh_from_db()
    assert ilr.uln == "1000000043"
    assert ilr.given_names == "Alex"
    assert ilr.version == 1


def test_a_rule_error_is_shown_beside_its_field(as_user, ilr_manager, learner, ilr):
    client = as_user(ilr_manager)
    response = client.post(url(learner), opened(client, learner, uln="1000000042"))
    errors = response.context["form"].errors
    assert "ULN_04" in errors["uln"][0]


def test_without_the_sensitive_data_role_special_category_fields_are_left_out(
    as_user, ilr_manager, learner, ilr
):
    client = as_user(ilr_manager)
    response = client.get(url(learner))
    assert "ethnicity" not in response.context["form"].fields
    assert "lldd" not in [fs.prefix for fs in response.context["formsets"]]
    assert "31: English" not in response.content.decode()
    data = form_data(response)
    data.update({"ethnicity": "99", "family_name": "Smythe"})
    assert client.post(url(learner), data).status_code == 302
    ilr.refresh_from_db()
    assert ilr.ethnicity == 31
    assert ilr.family_name == "Smythe"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_opening_the_user_tab_form_with_the_sensitive_data_role_is_recorded(
    as_user, supervisor, learner, ilr
):
    as_user(supervisor).get(url(learner))
    access = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert access.actor == supervisor
    assert access.learner_id == learner.pk


def test_the_formsets_add_and_remove_children_and_bump_the_version(
    as_user, supervisor, learner, ilr
):
    client = as_user(supervisor)
    data = opened(client, learner)
    data.update({"lldd-0-lldd_cat": "12", "lldd-0-primary_lldd": "on"})
    data["lldd_health_prob"] = "1"
    assert client.post(url(learner), data).status_code == 302
    problem = LLDDandHealthProblem.objects.get(ilr=ilr)
    assert problem.lldd_cat == 12
    data = opened(client, learner)
    data["lldd-0-DELETE"] = "on"
    data["lldd_health_prob"] = "2"
    assert client.post(url(learner), data).status_code == 302
    assert not LLDDandHealthProblem.objects.filter(ilr=ilr).exists()
    assert IlrLearner.objects.get(pk=ilr.pk).version == 3


def test_a_bad_child_row_saves_nothing(as_user, ilr_manager, learner, ilr):
    client = as_user(ilr_manager)
    data = opened(client, learner, family_name="Changed")
    data.update({"prior-1-prior_level": "3"})  # no DateLevelApp
    response = client.post(url(learner), data)
    assert response.status_code == 200
    ilr.refresh_from_db()
    assert ilr.family_name == "Example"
    assert ilr.prior_attainments.count() == 1


def test_a_stale_save_is_refused_with_who_changed_what_and_keeps_the_typing(
    as_user, ilr_manager, supervisor, learner, ilr
):
    client = as_user(ilr_manager)
    mine = opened(client, learner, given_names="Mine")
    theirs = opened(as_user(supervisor), learner, family_name="Theirs")
    assert as_user(supervisor).post(url(learner), theirs).status_code == 302
    client = as_user(ilr_manager)
    response = client.post(url(learner), mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this ILR" in page
    assert "Sam Supervisor" in page
    assert 'value="Mine"' in page
    ilr.refresh_from_db()
    assert ilr.given_names == "Alex"
    assert ilr.family_name == "Theirs"
    # Saving again is a deliberate overwrite of the newer version.
    again = form_data(response)
    assert client.post(url(learner), again).status_code == 302
    ilr.refresh_from_db()
    assert ilr.given_names == "Mine"


def test_a_child_only_save_also_refuses_a_stale_form(
    as_user, ilr_manager, supervisor, learner, ilr
):
    client = as_user(ilr_manager)
    mine = opened(client, learner)
    theirs = opened(as_user(supervisor), learner)
    theirs.update({"lfam-0-learn_fam_type": "LSR", "lfam-0-learn_fam_code": "36"})
    assert as_user(supervisor).post(url(learner), theirs).status_code == 302
    response = as_user(ilr_manager).post(url(learner), mine)
    assert "Someone else saved this ILR" in response.content.decode()


def test_a_bad_child_row_is_named_in_the_error_summary(as_user, ilr_manager, learner, ilr):
    client = as_user(ilr_manager)
    data = opened(client, learner, date_of_birth="not a date")
    data.update({"prior-1-prior_level": "3"})  # no DateLevelApp
    body = client.post(url(learner), data).content.decode()
    assert 'id="error-summary"' in body
    assert "<li>Prior attainment: check the entries below.</li>" in body


def test_a_bad_child_row_alone_still_shows_the_error_summary(as_user, ilr_manager, learner, ilr):
    client = as_user(ilr_manager)
    data = opened(client, learner)
    data.update({"prior-1-prior_level": "3"})  # no DateLevelApp
    response = client.post(url(learner), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert "<li>Prior attainment: check the entries below.</li>" in body
