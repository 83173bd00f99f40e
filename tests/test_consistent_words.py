"""What a person reads is worded one way: the collection year as "2025-26", no sentences built
from missing values ("ends on no date set"), no name followed by its kind twice ("Milestone 2
milestone"), and a favicon on every page."""

import re
import urllib.request

import pytest

from programmes.ilr.codes import COLLECTION_YEAR, COLLECTION_YEAR_LABEL, year_label
from programmes.ilr.models import IlrLearner
from programmes.templatetags.ilr import collection_year
from tests.factories import EnrolmentFactory, MilestoneFactory, make_ilr
from tests.programmes.ilr.ilr_cast import make_ilr_manager

pytestmark = pytest.mark.django_db

BAD_YEARS = re.compile(r"\b(?:2025/26|25/26|2526|25-26)\b")


def _text(html: str) -> str:
    """What a person reads: the page without its tags (attribute values such as ?year=2526,
    which keep the code, are not read)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def _bad_years(html: str) -> list[str]:
    # "2025-26" itself contains "25-26" after its "20"; only a bare "25-26" is wrong.
    return BAD_YEARS.findall(_text(html).replace(COLLECTION_YEAR_LABEL, ""))


# --- The collection year ----------------------------------------------------------------------


def test_a_collection_year_code_is_written_as_people_write_it():
    assert year_label("2526") == "2025-26"
    assert year_label("2425") == "2024-25"
    assert COLLECTION_YEAR_LABEL == year_label(COLLECTION_YEAR) == "2025-26"
    assert collection_year("2526") == "2025-26"


def test_the_ilr_page_and_its_year_choice_write_2025_26(as_user, colleague, learner):
    ilr = make_ilr(learner)
    ilr.pk = None
    ilr.collection_year = "2425"
    ilr.save()
    body = as_user(colleague).get(f"/users/{learner.pk}/ilr/").content.decode()
    assert "ILR 2025-26: John Smith" in _text(body)
    assert ">2024-25</option>" in body
    assert not _bad_years(body)


def test_the_profile_programme_section_writes_2025_26(as_user, tutor, learner):
    make_ilr(learner)
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "ILR 2025-26" in _text(body)
    assert not _bad_years(body)


def test_an_ilr_is_named_with_its_year_in_the_audit_trail(learner):
    ilr = make_ilr(learner)
    assert str(IlrLearner.objects.get(pk=ilr.pk)).startswith("ILR 2025-26 ")


def test_creating_an_ilr_says_the_year_as_2025_26(as_user, tree, learner):
    manager = make_ilr_manager(tree)
    client = as_user(manager)
    page = client.get(f"/users/{learner.pk}/ilr/create/").content.decode()
    assert not _bad_years(page)


def test_manage_ilrs_writes_2025_26(as_user, supervisor):
    body = as_user(supervisor).get("/programmes/ilrs/").content.decode()
    assert "Manage ILRs 2025-26" in _text(body)
    assert not _bad_years(body)


# --- Sentences built from optional values -----------------------------------------------------


def test_extend_without_an_end_date_says_there_is_none(as_user, tutor, learner):
    learner.subscription_end = None
    learner.save()
    text = _text(as_user(tutor).get(f"/users/{learner.pk}/extend/").content.decode())
    assert "no date set" not in text
    assert "ends on" not in text
    assert "It has no end date yet." in text


def test_extend_with_an_end_date_names_it(as_user, tutor, learner):
    learner.subscription_end = "2027-03-31"
    learner.save()
    text = _text(as_user(tutor).get(f"/users/{learner.pk}/extend/").content.decode())
    assert "It ends on 31/03/2027." in text


def test_create_ilr_words_a_programme_without_a_planned_end(as_user, tree, learner):
    EnrolmentFactory(learner=learner, start_date="2026-01-05", planned_end_date=None)
    client = as_user(make_ilr_manager(tree))
    text = _text(client.get(f"/users/{learner.pk}/ilr/create/").content.decode())
    assert "no planned end)" not in text
    assert "(starting 05/01/2026, with no planned end date yet)." in text


# --- A name followed by its kind --------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "edit/", "delete/"])
def test_a_milestone_named_milestone_2_is_not_called_milestone_2_milestone(
    as_user, supervisor, learner, path
):
    milestone = MilestoneFactory(learner=learner, description="Milestone 2")
    url = f"/users/{learner.pk}/milestones/{milestone.pk}/{path}"
    text = _text(as_user(supervisor).get(url).content.decode())
    assert "Milestone 2" in text
    assert not re.search(r"Milestone 2\s+milestone", text), text


# --- The favicon ------------------------------------------------------------------------------

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">')


def test_every_page_links_the_favicon(client, as_user, tutor):
    assert ICON_LINK.search(client.get("/login/").content.decode())
    assert ICON_LINK.search(as_user(tutor).get("/users/").content.decode())


def test_the_favicon_is_served_as_an_svg(client, live_server):
    href = ICON_LINK.search(client.get("/login/").content.decode()).group(1)
    with urllib.request.urlopen(f"{live_server.url}{href}") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("image/svg+xml")
        assert response.read().startswith(b"<svg")


def test_a_browser_asking_for_favicon_ico_is_sent_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
