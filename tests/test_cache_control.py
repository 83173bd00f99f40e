"""Responses that may carry personal data are never kept by proxies or the browser's cache."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from aptem.middleware import private_no_store_middleware

PRIVATE_NO_STORE = "private, no-store"


def public_view(request):
    response = HttpResponse("content")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def test_a_signed_in_page_is_private_and_not_stored(as_user, tutor, learner):
    response = as_user(tutor).get(f"/users/{learner.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_a_streamed_export_is_private_and_not_stored(as_user, tutor, learner):
    response = as_user(tutor).get(f"/audit/users/{learner.pk}/export.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_an_anonymous_page_without_its_own_caching_is_not_stored(client, db):
    response = client.get("/health/")
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_the_login_page_keeps_its_never_cache_headers(client, db):
    directives = {d.strip() for d in client.get("/login/")["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_view_cannot_make_a_signed_in_response_public(rf, tutor):
    request = rf.get("/users/")
    request.user = tutor
    response = private_no_store_middleware(public_view)(request)
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_an_anonymous_response_keeps_the_caching_its_view_chose(rf):
    request = rf.get("/login/")
    request.user = AnonymousUser()
    response = private_no_store_middleware(public_view)(request)
    assert response["Cache-Control"] == "public, max-age=3600"


def test_static_files_keep_their_own_caching(rf, tutor):
    request = rf.get("/static/css/portal.css")
    request.user = tutor
    response = private_no_store_middleware(public_view)(request)
    assert response["Cache-Control"] == "public, max-age=3600"
