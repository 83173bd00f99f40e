"""The learner list pages share one heading (components/_list_heading.html): the breadcrumb, the
h1 with the learner's name, and the Add button only for a viewer who may add."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "heading", "button", "add_path"),
    [
        ("notes/", "Notes on John Smith", "Add note", "notes/add/"),
        ("milestones/", "Milestones of John Smith", "Add milestone", "milestones/add/"),
        ("courses/", "Course progress of John Smith", "Start course", "courses/start/"),
        (
            "functional-skills/",
            "Functional Skills of John Smith",
            "Add assessment",
            "functional-skills/add/",
        ),
    ],
)
def test_a_list_page_shows_its_heading_and_add_button(
    as_user, supervisor, learner, path, heading, button, add_path
):
    body = as_user(supervisor).get(f"/users/{learner.pk}/{path}").content.decode()
    assert f'<h1 class="h2 mb-0">{heading}</h1>' in body
    assert f'href="/users/{learner.pk}/{add_path}">{button}</a>' in body


@pytest.mark.parametrize(
    ("path", "button"),
    [
        ("milestones/", "Add milestone</a>"),
        ("courses/", "Start course</a>"),
        ("functional-skills/", "Add assessment</a>"),
    ],
)
def test_a_viewer_who_may_not_add_gets_no_add_button(as_user, colleague, learner, path, button):
    body = as_user(colleague).get(f"/users/{learner.pk}/{path}").content.decode()
    assert button not in body
