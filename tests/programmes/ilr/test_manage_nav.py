"""The Manage ILRs item of the top navigation is marked current on every page of the ILR area
(now the ``ilr`` URL namespace) and on no other."""

import re

import pytest

pytestmark = pytest.mark.django_db

MANAGE_LINK = re.compile(r'<a class="nav-link[^"]*"[^>]*href="/programmes/ilrs/">Manage ILRs</a>')


def _manage_link(html: str) -> str:
    match = MANAGE_LINK.search(html)
    assert match, "no Manage ILRs link"
    return match.group(0)


def test_manage_ilrs_is_current_on_the_ilr_area_pages(as_user, supervisor, learner):
    client = as_user(supervisor)
    for url in ("/programmes/ilrs/", "/programmes/ilrs/import/", f"/users/{learner.pk}/ilr/"):
        link = _manage_link(client.get(url).content.decode())
        assert 'aria-current="page"' in link, url
        assert "active" in link, url


def test_manage_ilrs_is_not_current_elsewhere(as_user, supervisor, learner):
    client = as_user(supervisor)
    for url in ("/programmes/", f"/users/{learner.pk}/learning-plan/"):
        link = _manage_link(client.get(url).content.decode())
        assert 'aria-current="page"' not in link, url
