"""A collapsed profile section is remembered for the viewer (views.profile_section_state)."""

import re

import pytest
from django.test import Client

from audit.models import AuditEntry

URL = "/users/profile-sections/{key}/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _open_sections(client, learner) -> dict[str, bool]:
    """Section key -> whether its <details> renders open."""
    body = client.get(f"/users/{learner.pk}/").content.decode()
    tags = re.findall(r"<details[^>]*>", body)
    return {
        re.search(r'data-section-key="([^"]+)"', tag).group(1): bool(re.search(r"\sopen\b", tag))
        for tag in tags
    }


def test_every_section_renders_open_at_first(as_user, tutor, learner):
    sections = _open_sections(as_user(tutor), learner)
    assert sections
    assert all(sections.values())


def test_a_collapsed_section_renders_closed_next_time_and_only_for_that_viewer(
    client, tutor, colleague, learner
):
    client.force_login(tutor)
    response = client.post(URL.format(key="notes"), {"collapsed": "1"}, **HTMX)
    assert response.status_code == 204
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == ["notes"]
    sections = _open_sections(client, learner)
    assert sections["notes"] is False
    assert all(is_open for key, is_open in sections.items() if key != "notes")
    # Remembered for the viewer on every profile, not for the learner.
    client.force_login(colleague)
    assert _open_sections(client, learner)["notes"] is True


def test_opening_it_again_forgets_the_collapse(as_user, tutor, learner):
    client = as_user(tutor)
    client.post(URL.format(key="audit"), {"collapsed": "1"}, **HTMX)
    client.post(URL.format(key="notes"), {"collapsed": "1"}, **HTMX)
    client.post(URL.format(key="audit"), {"collapsed": "0"}, **HTMX)
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == ["notes"]
    assert _open_sections(client, learner)["audit"] is True


def test_the_preference_is_neither_audited_nor_an_edit_of_the_viewer(as_user, tutor):
    version = tutor.version
    before = AuditEntry.objects.count()
    as_user(tutor).post(URL.format(key="notes"), {"collapsed": "1"}, **HTMX)
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == ["notes"]
    # A bumped version would refuse someone's open edit form of this administrator.
    assert tutor.version == version
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Say whether the section is collapsed"),
        ({"collapsed": "maybe"}, "Send collapsed=1 to collapse the section or collapsed=0"),
    ],
)
def test_bad_input_is_a_400_that_says_what_to_send_and_saves_nothing(as_user, tutor, data, message):
    response = as_user(tutor).post(URL.format(key="notes"), data, **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == []


def test_an_unknown_section_is_a_404(as_user, tutor):
    response = as_user(tutor).post(URL.format(key="no-such-thing"), {"collapsed": "1"}, **HTMX)
    assert response.status_code == 404
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == []


def test_only_post_is_accepted(as_user, tutor):
    assert as_user(tutor).get(URL.format(key="notes")).status_code == 405


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(URL.format(key="notes"), {"collapsed": "1"})
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_a_learner_who_signs_in_is_refused(as_user, learner):
    response = as_user(learner).post(URL.format(key="notes"), {"collapsed": "1"})
    assert response.status_code == 403


def test_the_csrf_token_is_required(tutor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tutor)
    assert client.post(URL.format(key="notes"), {"collapsed": "1"}).status_code == 403
    tutor.refresh_from_db()
    assert tutor.collapsed_sections == []


def test_a_plain_form_post_returns_to_the_profile_it_came_from(as_user, tutor, learner):
    client = as_user(tutor)
    back = f"/users/{learner.pk}/"
    response = client.post(URL.format(key="notes"), {"collapsed": "1", "next": back})
    assert response.status_code == 302
    assert response.url == back
    elsewhere = {"collapsed": "0", "next": "https://evil.example/"}
    assert client.post(URL.format(key="notes"), elsewhere).url == "/users/"
