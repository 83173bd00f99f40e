import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.factories import UserFactory

PARTIAL = "components/_learner_breadcrumb.html"


def crumbs(html: str) -> list[str]:
    """Each breadcrumb item as text, the current page marked with a *."""
    nav = re.search(r'<nav aria-label="Breadcrumb">.*?</nav>', html, re.S).group(0)
    items = re.findall(r'<li class="breadcrumb-item( active)?"[^>]*>(.*?)</li>', nav, re.S)
    return [
        re.sub(r"<[^>]+>", "", text).strip() + ("*" if active else "") for active, text in items
    ]


@pytest.fixture
def person(db):
    return UserFactory(first_name="Amira", last_name="Khan")


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, ["Users", "Amira Khan*"]),
        ({"here": "Notes"}, ["Users", "Amira Khan", "Notes*"]),
        ({"section": "ILR"}, ["Users", "Amira Khan", "ILR*"]),
        (
            {"section": "Learning plan", "section_url": "/plan/", "here": "Add evidence"},
            ["Users", "Amira Khan", "Learning plan", "Add evidence*"],
        ),
    ],
)
def test_the_partial_shows_the_person_the_section_and_the_page(person, context, expected):
    html = render_to_string(PARTIAL, {"subject": person, **context})
    assert crumbs(html) == expected
    assert f'href="{person.get_absolute_url()}"' in html or not context
    assert html.count('aria-current="page"') == 1


def test_the_section_links_to_its_own_page(person):
    html = render_to_string(
        PARTIAL, {"subject": person, "section": "ILR", "section_url": "/i/", "here": "Edit"}
    )
    assert '<a href="/i/">ILR</a>' in html


def test_no_page_builds_its_own_learner_breadcrumb():
    # Every page about one person includes the one partial; a copy would drift from it.
    templates = Path(settings.BASE_DIR, "templates")
    copies = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if path.name != Path(PARTIAL).name
        and 'class="breadcrumb"' in path.read_text()
        and "subject" in path.read_text().split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    ]
    assert copies == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/users/{pk}/", ["Users", "{name}*"]),
        ("/users/{pk}/notes/", ["Users", "{name}", "Notes*"]),
        ("/users/{pk}/tasks/add/", ["Users", "{name}", "Tasks", "Add task*"]),
        ("/audit/users/{pk}/", ["Users", "{name}", "Audit trail*"]),
        ("/users/{pk}/edit/", ["Users", "{name}", "Edit*"]),
    ],
)
def test_profile_pages_show_the_learner_breadcrumb(as_user, supervisor, learner, path, expected):
    response = as_user(supervisor).get(path.format(pk=learner.pk))
    assert response.status_code == 200
    name = learner.full_name
    assert crumbs(response.content.decode()) == [e.format(name=name) for e in expected]
