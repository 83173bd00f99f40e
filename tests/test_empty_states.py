"""Every list says so when it has no rows (components/_empty_state.html): with filters applied,
"0 <things> match these filters" and a Clear filters link to the list without a query string;
with nothing recorded, a sentence that says so and what to do next."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from crm.models import LearnerContact
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

EMPTY_STATE = re.compile(r'<div class="[^"]*\bempty-state\b[^"]*"[^>]*>(.*?)</div>', re.S)


def _empty_state(body: str) -> str:
    """The text of the page's one empty state (and fail when it has none or several)."""
    found = EMPTY_STATE.findall(body)
    assert len(found) == 1, body
    return " ".join(re.sub(r"<[^>]+>", " ", found[0]).split())


def _assert_filtered_to_nothing(body: str, noun: str, clear_url: str) -> None:
    text = _empty_state(body)
    assert f"0 {noun} match these filters." in text
    assert f'<a href="{clear_url}">Clear filters</a>' in body


# --- Filtered to nothing ----------------------------------------------------------------------


def test_a_users_search_matching_nobody_shows_the_count_and_clear_filters(as_user, tutor, learner):
    # The empty Page object is falsy: this panel used to render empty.
    body = as_user(tutor).get("/users/", {"name": "zzzzqq"}).content.decode()
    _assert_filtered_to_nothing(body, "users", "/users/")


def test_the_htmx_results_of_a_search_matching_nobody_show_the_empty_state(as_user, tutor, learner):
    response = as_user(tutor).get("/users/", {"name": "zzzzqq"}, headers={"HX-Request": "true"})
    _assert_filtered_to_nothing(response.content.decode(), "users", "/users/")


def test_a_users_filter_on_a_choice_matching_nobody_shows_the_empty_state(as_user, tutor, learner):
    body = as_user(tutor).get("/users/", {"status": "ARCHIVED"}).content.decode()
    _assert_filtered_to_nothing(body, "users", "/users/")


def test_milestones_filtered_to_nothing_show_the_count_and_clear_filters(as_user, tutor, learner):
    url = f"/users/{learner.pk}/milestones/"
    body = as_user(tutor).get(url, {"status": "VERIFIED"}).content.decode()
    _assert_filtered_to_nothing(body, "milestones", url)


def test_an_audit_trail_filtered_to_nothing_shows_the_count_and_clear_filters(
    as_user, tutor, learner
):
    url = f"/audit/users/{learner.pk}/"
    body = as_user(tutor).get(url, {"date_to": "2001-01-01"}).content.decode()
    _assert_filtered_to_nothing(body, "entries", url)
    assert "Export CSV" not in body


# --- Nothing recorded yet ---------------------------------------------------------------------


def test_the_users_page_with_nobody_in_scope_says_so_without_a_clear_link(as_user, outsider):
    body = as_user(outsider).get("/users/").content.decode()
    assert "No users to show yet." in _empty_state(body)
    assert "Clear filters" not in body


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("milestones/", "No milestones yet."),
        ("courses/", "No courses started yet."),
        ("functional-skills/", "No functional skills assessments yet."),
        ("notes/", "No notes yet."),
        ("tasks/", "No tasks yet."),
        ("activity/", "No activity recorded this month."),
    ],
)
def test_an_empty_learner_list_says_so(as_user, tutor, learner, path, message):
    body = as_user(tutor).get(f"/users/{learner.pk}/{path}").content.decode()
    assert message in _empty_state(body)
    assert "Clear filters" not in body


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("milestones/", "Use Add milestone"),
        ("courses/", "Use Start course"),
        ("functional-skills/", "Record an initial assessment with Add assessment."),
        ("tasks/", "Use Add task"),
    ],
)
def test_an_empty_list_names_its_add_action_only_to_a_viewer_who_may_take_it(
    as_user, supervisor, colleague, learner, path, hint
):
    url = f"/users/{learner.pk}/{path}"
    assert hint in _empty_state(as_user(supervisor).get(url).content.decode())
    assert hint not in _empty_state(as_user(colleague).get(url).content.decode())


def test_an_empty_off_the_job_ledger_says_so(as_user, tutor, learner):
    EnrolmentFactory(learner=learner)
    body = as_user(tutor).get(f"/users/{learner.pk}/otj/").content.decode()
    assert "No off-the-job hours logged yet." in _empty_state(body)


def test_an_empty_learning_plan_tab_says_so(as_user, tutor, learner):
    EnrolmentFactory(learner=learner)
    client = as_user(tutor)
    body = client.get(f"/users/{learner.pk}/learning-plan/", {"tab": "course"}).content.decode()
    assert "No components yet." in body


def test_no_contacts_on_the_profile_says_so(as_user, tutor, learner):
    assert not LearnerContact.objects.filter(learner=learner).exists()
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert any("No contacts linked yet." in state for state in EMPTY_STATE.findall(body))


def test_the_programmes_page_without_programmes_says_so(as_user, supervisor):
    body = as_user(supervisor).get("/programmes/").content.decode()
    assert "No programmes yet." in _empty_state(body)


def test_manage_ilrs_without_exports_imports_or_ilrs_says_all_three(as_user, supervisor):
    body = as_user(supervisor).get("/programmes/ilrs/").content.decode()
    states = [" ".join(re.sub(r"<[^>]+>", " ", s).split()) for s in EMPTY_STATE.findall(body)]
    assert len(states) == 3
    assert "No exports yet." in states[0]
    assert "No imports yet." in states[1]
    assert "No ILRs are in scope for 2025-26." in states[2]


# --- So it cannot come back -------------------------------------------------------------------

PAGE_TRUTHINESS = re.compile(r"{%\s*(?:el)?if\b[^%]*\bpage\s*%}")


def test_no_template_tests_a_page_object_for_truth():
    """An empty Page is falsy, so `{% if page %}` hides the empty state it should show: test
    `page.object_list`, or `page is None` for "no search was run"."""
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if PAGE_TRUTHINESS.search(line):
                offenders.append(f"{template.name}:{number}: {line.strip()}")
    assert not offenders, offenders
