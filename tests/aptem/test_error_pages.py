"""Error pages use the portal's layout, with navigation, sign out and what to do next (issue 11,
point 2), with DEBUG off as in production."""

import pytest
from django.db import DatabaseError
from django.test import Client

pytestmark = [pytest.mark.urls("tests.aptem.error_urls")]

PAGES = [
    (400, "The portal could not understand that request"),
    (403, "You are not allowed to do this"),
    (404, "Page not found"),
    (500, "Something went wrong on our side"),
]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _body(client, path: str, status: int) -> str:
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.parametrize(("status", "heading"), PAGES)
def test_a_signed_in_administrator_gets_the_layout_with_navigation_sign_out_and_next_steps(
    as_user, tutor, status, heading
):
    body = _body(as_user(tutor), f"/fail/{status}/", status)
    assert f'<h1 class="h2">{heading}</h1>' in body
    assert 'href="/users/">Users</a>' in body
    assert "Sign out</button>" in body
    assert "What you can do" in body
    assert '<a href="/">Go to your start page</a>' in body
    assert "Traceback" not in body


@pytest.mark.parametrize(("status", "heading"), PAGES)
def test_an_anonymous_visitor_is_offered_signing_in(client, status, heading):
    body = _body(client, f"/fail/{status}/", status)
    assert f'<h1 class="h2">{heading}</h1>' in body
    assert '<a href="/login/">Sign in</a>' in body
    assert "Sign out" not in body


def test_a_learner_refused_a_page_is_not_told_to_ask_for_a_role(as_user, learner, tutor):
    learner.subscription_status = learner.Status.FULL_USER
    learner.save()
    body = _body(as_user(learner), "/fail/403/", 403)
    assert "This page is for your training provider's staff." in body
    assert "Supervisor" not in body
    assert "ask a Supervisor to give you the role" in _body(as_user(tutor), "/fail/403/", 403)


def test_an_address_that_does_not_exist_is_a_404_in_the_layout(client):
    body = _body(client, "/no-such-page/", 404)
    assert '<h1 class="h2">Page not found</h1>' in body


def _broken_context(request):
    raise DatabaseError("the database went away")


def test_the_500_page_renders_even_when_the_request_context_fails(as_user, tutor, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.aptem.test_error_pages._broken_context",
                ],
            },
        }
    ]
    body = _body(as_user(tutor), "/fail/500/", 500)
    assert '<h1 class="h2">Something went wrong on our side</h1>' in body
    assert '<a class="navbar-brand" href="/">Learner portal</a>' in body
    assert '<a href="/login/">Sign in</a>' in body


def test_a_form_sent_without_its_csrf_token_is_explained_in_the_layout():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "someone@example.org", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<h1 class="h2">This form has expired</h1>' in body
    assert "nothing was saved" in body
    assert '<a class="navbar-brand" href="/">Learner portal</a>' in body
