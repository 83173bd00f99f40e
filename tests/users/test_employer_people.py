"""Manager and Mentor are narrowed to the chosen employer's people (issue 11, point 7)."""

import pytest

from tests.factories import OrganisationFactory, UserFactory
from users.models import User

URL = "/users/employer-people/"


@pytest.fixture
def acme(tree):
    org = OrganisationFactory(name="Acme")
    boss = UserFactory(
        user_type=User.Type.EMPLOYER, organisation=org, groups=[tree["north"]], last_name="Boss"
    )
    hidden = UserFactory(
        user_type=User.Type.EMPLOYER, organisation=org, groups=[tree["south"]], last_name="Hidden"
    )
    return {"org": org, "boss": boss, "hidden": hidden}


@pytest.fixture
def elsewhere(tree):
    org = OrganisationFactory(name="Elsewhere")
    person = UserFactory(
        user_type=User.Type.EMPLOYER, organisation=org, groups=[tree["north"]], last_name="Other"
    )
    return {"org": org, "person": person}


def _options(response, name):
    field = response.context["form"][name]
    return [value.value for value, _label in field.field.widget.choices if value]


def test_anonymous_is_redirected_to_login(client, db):
    assert client.get(URL)["Location"].startswith("/login/")


def test_without_create_or_edit_users_it_is_forbidden(as_user, colleague):
    assert as_user(colleague).get(URL).status_code == 403


def test_returns_only_the_chosen_employers_people(as_user, tutor, acme, elsewhere):
    response = as_user(tutor).get(URL, {"organisation": acme["org"].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="div_id_manager"' in body
    assert 'id="div_id_mentor"' in body
    assert "Boss" in body
    assert "Other" not in body
    assert _options(response, "manager") == [acme["boss"].pk]


def test_refuses_people_outside_the_viewers_scope(as_user, tutor, outsider, acme):
    response = as_user(tutor).get(URL, {"organisation": acme["org"].pk})
    assert "Hidden" not in response.content.decode()
    response = as_user(outsider).get(URL, {"organisation": acme["org"].pk})
    assert _options(response, "mentor") == [acme["hidden"].pk]
    assert "Boss" not in response.content.decode()


def test_keeps_a_still_valid_choice_selected(as_user, tutor, acme):
    response = as_user(tutor).get(URL, {"organisation": acme["org"].pk, "manager": acme["boss"].pk})
    assert f'<option value="{acme["boss"].pk}" selected>' in response.content.decode()


def test_no_or_bad_organisation_offers_nobody(as_user, tutor, acme):
    for value in ("", "nonsense", "999999"):
        response = as_user(tutor).get(URL, {"organisation": value})
        assert response.status_code == 200
        assert _options(response, "manager") == []
        assert _options(response, "mentor") == []
    response = as_user(tutor).get(URL)
    assert "Choose the employer organisation first" in response.content.decode()


def test_the_create_form_wires_the_organisation_to_the_endpoint(as_user, tutor, acme):
    body = as_user(tutor).get("/users/create/user/").content.decode()
    assert f'hx-get="{URL}"' in body
    assert 'hx-select-oob="#div_id_manager,#div_id_mentor"' in body
    assert "Boss" not in body


def test_without_javascript_a_rerendered_form_offers_the_posted_employers_people(
    as_user, tutor, tree, acme, elsewhere
):
    data = {"first_name": "Amara", "last_name": "Okafor", "organisation": acme["org"].pk}
    response = as_user(tutor).post("/users/create/user/", data)
    assert response.status_code == 200
    assert _options(response, "manager") == [acme["boss"].pk]


def test_the_edit_form_offers_the_learners_employers_people(as_user, tutor, learner, acme):
    learner.organisation = acme["org"]
    learner.save()
    response = as_user(tutor).get(f"/users/{learner.pk}/edit/")
    assert _options(response, "mentor") == [acme["boss"].pk]


def test_someone_from_another_employer_is_still_refused_on_save(
    as_user, tutor, tree, acme, elsewhere
):
    data = {
        "first_name": "Amara",
        "last_name": "Okafor",
        "groups": [tree["cohort"].pk],
        "invite_now": "no",
        "organisation": acme["org"].pk,
        "mentor": elsewhere["person"].pk,
    }
    response = as_user(tutor).post("/users/create/user/", data)
    assert "Choose a mentor who works at the learner" in response.content.decode()
    assert not User.objects.filter(last_name="Okafor").exists()
