"""The API tokens page: making (shown once, stored hashed, audited), listing and revoking."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from reporting.models import ApiToken, ApiTokenUse

from .odata_helpers import FEED, bearer, make_token

pytestmark = pytest.mark.django_db

URL = reverse("reporting:token_list")


def _expiry(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_anonymous_is_redirected_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_learner_is_refused(as_user, learner):
    assert as_user(learner).get(URL).status_code == 403
    response = as_user(learner).post(URL, {"name": "x", "expires_on": _expiry(5)})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_the_page_is_reached_from_the_account_menu(as_user, colleague):
    page = as_user(colleague).get(reverse("account:security")).content.decode()
    assert URL in page
    response = as_user(colleague).get(URL)
    assert response.status_code == 200
    assert "No API tokens yet." in response.content.decode()


def test_an_administrators_own_profile_links_their_tokens_and_no_one_elses_does(
    as_user, supervisor, tutor
):
    client = as_user(supervisor)
    link = f'href="{URL}">Your API tokens</a>'
    assert link in client.get(f"/users/{supervisor.pk}/").content.decode()
    assert link not in client.get(f"/users/{tutor.pk}/").content.decode()


def test_making_a_token_shows_it_once_and_stores_only_its_hash(as_user, colleague):
    client = as_user(colleague)
    response = client.post(URL, {"name": "Power BI", "expires_on": _expiry(90)})
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert token.owner == colleague
    assert token.expires_on == timezone.localdate() + datetime.timedelta(days=90)
    shown = client.get(URL).content.decode()
    text = shown.split(
        'id="new-token" class="form-control font-monospace" type="text" readonly value="'
    )[1].split('"')[0]
    assert text.startswith(f"lp_{token.key}_")
    assert token.secret_hash == hashlib.sha256(text.encode()).hexdigest()
    assert text not in str(ApiToken.objects.values().get())
    # The token works, and the page never shows it again.
    assert client.get(FEED, **bearer(text)).status_code == 200
    assert text not in client.get(URL).content.decode()
    entry = AuditEntry.objects.get(content_type__model="apitoken", action=AuditEntry.Action.CREATE)
    assert entry.actor == colleague
    assert "secret_hash" not in entry.changes_dict


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "expires_on": _expiry(30)}, "This field is required."),
        ({"name": "   ", "expires_on": _expiry(30)}, "This field is required."),
        ({"name": "Excel", "expires_on": ""}, "This field is required."),
        ({"name": "Excel", "expires_on": _expiry(-1)}, "The expiry date is in the past"),
        ({"name": "Excel", "expires_on": _expiry(366)}, "A token lasts at most a year"),
        ({"name": "Excel", "expires_on": "31/02/2026"}, "Enter a valid date."),
    ],
)
def test_bad_input_rerenders_with_errors_and_saves_nothing(as_user, colleague, data, error):
    response = as_user(colleague).post(URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_year_from_today_is_accepted(as_user, colleague):
    response = as_user(colleague).post(URL, {"name": "Excel", "expires_on": _expiry(365)})
    assert response.status_code == 302
    assert ApiToken.objects.filter(owner=colleague).exists()


def test_the_list_shows_own_tokens_with_last_use(as_user, client, colleague, tutor):
    mine, text = make_token(colleague, name="Monthly report")
    make_token(tutor, name="Someone else's")
    client.get(FEED + "Users", **bearer(text))
    page = as_user(colleague).get(URL).content.decode()
    assert "Monthly report" in page
    assert "Someone else" not in page
    mine.refresh_from_db()
    assert mine.last_used_at is not None
    assert timezone.localtime(mine.last_used_at).strftime("%d/%m/%Y %H:%M") in page
    use = ApiTokenUse.objects.get()
    assert use.entity_set == "Users"
    assert "127.0.0.1" in page


def test_revoking_own_token_stops_it_and_is_audited(as_user, client, colleague):
    token, text = make_token(colleague)
    response = as_user(colleague).post(reverse("reporting:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(
        content_type__model="apitoken", object_pk=str(token.pk), action=AuditEntry.Action.UPDATE
    ).exists()
    client.logout()
    assert client.get(FEED, **bearer(text)).status_code == 401


def test_revoking_someone_elses_token_is_404(as_user, colleague, tutor):
    token, _ = make_token(tutor)
    response = as_user(colleague).post(reverse("reporting:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_answers_only_post(as_user, colleague):
    token, _ = make_token(colleague)
    response = as_user(colleague).get(reverse("reporting:token_revoke", args=[token.pk]))
    assert response.status_code == 405
