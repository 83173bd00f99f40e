"""Where people land (issue 11, point 3): administrators on the Users page, everyone else (an
activated learner, employer or referrer) on their own page, /me/, which shows only their own
records, and never on the Users page's 403."""

import datetime

import pytest

from tests.activity.factories import TaskFactory
from tests.factories import PASSWORD, EnrolmentFactory, OrganisationFactory, UserFactory
from users.models import User


def sign_in(client, user):
    return client.post("/login/", {"username": user.email, "password": PASSWORD})


@pytest.fixture
def employer(tree):
    return UserFactory(
        user_type=User.Type.EMPLOYER,
        first_name="Bea",
        last_name="Boss",
        email="bea@employer.example",
        organisation=OrganisationFactory(),
        groups=[tree["leeds"]],
    )


@pytest.fixture
def referrer(tree):
    return UserFactory(
        organisation=OrganisationFactory(kind="REFERRER"),
        user_type=User.Type.REFERRER,
        first_name="Rita",
        last_name="Referrer",
        email="rita@referrer.example",
        groups=[tree["leeds"]],
    )


@pytest.fixture
def someone_else(tree, employer, referrer):
    """Another learner in the same cohort, managed by the employer and referred by the referrer:
    nothing of theirs may show on anyone else's page."""
    other = UserFactory(
        first_name="Olga",
        last_name="Other",
        groups=[tree["cohort"]],
        manager=employer,
        referrer_organisation=referrer.organisation,
    )
    EnrolmentFactory(learner=other, programme__name="Other person's programme")
    TaskFactory(learner=other, title="Other person's task")
    return other


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/me/"


def test_a_learner_who_signs_in_lands_on_their_own_page(client, learner):
    assert sign_in(client, learner)["Location"] == "/me/"
    assert client.get("/")["Location"] == "/me/"


@pytest.mark.parametrize("who", ["employer", "referrer"])
def test_an_employer_or_referrer_who_signs_in_lands_on_their_own_page(db, request, client, who):
    person = request.getfixturevalue(who)
    assert sign_in(client, person)["Location"] == "/me/"
    response = client.get("/me/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<h1 class="h2">{person.full_name}</h1>' in body
    assert "Nothing waiting for you." in body
    assert "Your programmes" not in body


def test_the_learners_page_shows_their_programmes_and_open_tasks(
    as_user, learner, tutor, someone_else
):
    EnrolmentFactory(
        learner=learner,
        programme__name="Data Analyst Level 4",
        start_date=datetime.date(2026, 1, 5),
        planned_end_date=datetime.date(2027, 1, 4),
    )
    TaskFactory(learner=learner, title="Upload your ID", due_date=datetime.date(2026, 9, 1))
    TaskFactory(learner=learner, title="Already done", status="DONE")
    body = as_user(learner).get("/me/").content.decode()
    assert '<h1 class="h2">John Smith</h1>' in body
    assert '<th scope="row">Data Analyst Level 4</th>' in body
    assert "<td>Active</td>" in body
    assert "<td>05/01/2026</td>" in body
    assert "<td>04/01/2027</td>" in body
    assert "Open tasks (1)" in body
    assert "Upload your ID, due 01/09/2026" in body
    assert "Already done" not in body
    assert "Sign out</button>" in body


def test_a_learner_with_nothing_waiting_is_told_so(as_user, learner):
    body = as_user(learner).get("/me/").content.decode()
    assert "Nothing waiting for you. You have no open tasks" in body
    assert "You are not on a programme yet." in body


@pytest.mark.parametrize("who", ["learner", "employer", "referrer"])
def test_nobody_sees_other_peoples_or_admin_only_data(request, as_user, someone_else, who):
    person = request.getfixturevalue(who)
    person.ni_number = "AB123456C"
    person.save()
    body = as_user(person).get("/me/").content.decode()
    for not_theirs in ("Olga", "Other person's programme", "Other person's task"):
        assert not_theirs not in body
    # Administrator-only pages and data: no Users page, account security, NI number or groups.
    assert 'href="/users/"' not in body
    assert "Account security" not in body
    assert "AB123456C" not in body
    assert "Leeds" not in body


def test_an_administrator_is_sent_to_the_users_page(client, tutor):
    assert sign_in(client, tutor)["Location"] == "/users/"
    assert client.get("/")["Location"] == "/users/"
    assert client.get("/me/")["Location"] == "/users/"
