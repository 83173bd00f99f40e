"""Every page reached from the profile passes axe (no serious or critical violations)."""

import pytest

from .helpers import visit

PAGES = [
    "/users/{pk}/",
    "/users/{pk}/notes/",
    "/users/{pk}/notes/add/",
    "/users/{pk}/contacts/",
    "/users/{pk}/contacts/add/",
    "/users/{pk}/activities/",
    "/users/{pk}/activities/add/",
    "/users/{pk}/programmes/",
    "/users/{pk}/activity/",
    "/users/{pk}/activity/usage/",
    "/users/{pk}/tasks/",
    "/users/{pk}/tasks/add/",
    "/users/{pk}/tasks/print/",
    "/users/{pk}/mandate/upload/",
    "/users/{pk}/extend/",
    "/users/{pk}/archive/",
    "/audit/users/{pk}/",
]


@pytest.mark.parametrize("path", PAGES)
def test_profile_page_is_accessible(page, sign_in, supervisor, learner, path):
    learner.subscription_end = learner.subscription_start.replace(year=2027)
    learner.save()
    sign_in(supervisor)
    visit(page, path.format(pk=learner.pk))
