"""The profile's section index: a jump link to each section the viewer sees, with its count."""

import re

from crm.models import Note
from tests.factories import EnrolmentFactory, MilestoneFactory
from tests.portal.test_profile import _profile_queries


def _index(body: str) -> str:
    return body.split('id="profile-index-heading"')[1].split("</nav>")[0]


def _links(body: str) -> list[tuple[str, str]]:
    """(anchor, text) of each index link, the text with its tags and spacing folded."""
    found = re.findall(r'<a href="#([^"]+)">(.*?)</a>', _index(body), re.DOTALL)
    return [(anchor, " ".join(re.sub(r"<[^>]+>", "", text).split())) for anchor, text in found]


def test_the_index_links_to_each_visible_section_with_its_count(as_user, tutor, learner):
    enrolment = EnrolmentFactory(learner=learner)
    for status in ("ACHIEVED", "VERIFIED", "PROJECTED"):
        MilestoneFactory(learner=learner, enrolment=enrolment, status=status)
    for text in ("Called", "Emailed"):
        Note.objects.create(learner=learner, text=text, created_by=tutor)
    response = as_user(tutor).get(f"/users/{learner.pk}/")
    links = dict(_links(response.content.decode()))
    assert links["notes"] == "Notes (2)"
    # Achieved (or verified) of all the milestones.
    assert links["milestones"] == "Milestones (2/3)"
    assert links["programmes"] == "Programme (1)"
    # The people linked through the learner's details are listed, so counted, too.
    linked = sum(1 for pk in (learner.case_owner_id, learner.manager_id, learner.mentor_id) if pk)
    assert links["contacts"] == f"Contacts ({linked})"
    # A section without items to count has no count.
    assert links["subscription"] == "Subscription details"
    keys = [item["section"].key for item in response.context["sections"]]
    assert list(links) == ["details", *keys]


def test_every_index_link_has_its_target_on_the_page(as_user, supervisor, learner):
    body = as_user(supervisor).get(f"/users/{learner.pk}/").content.decode()
    for anchor, _ in _links(body):
        assert f'id="{anchor}"' in body, anchor


def test_the_contacts_count_includes_the_people_linked_through_the_details(
    as_user, supervisor, tutor, learner
):
    learner.case_owner = tutor
    learner.manager = learner.mentor = None
    learner.save()
    links = dict(_links(as_user(supervisor).get(f"/users/{learner.pk}/").content.decode()))
    assert links["contacts"] == "Contacts (1)"


def test_the_index_lists_only_the_sections_of_an_administrators_profile(as_user, supervisor, tutor):
    links = dict(_links(as_user(supervisor).get(f"/users/{tutor.pk}/").content.decode()))
    assert list(links) == ["details", "people", "subscription", "audit"]
    # The groups the administrator sees: Leeds cohort and the groups around it in the tree.
    assert re.fullmatch(r"Learners and groups \(\d+\)", links["people"])


def test_the_counts_cost_no_query_however_many_items(as_user, tutor, learner):
    client = as_user(tutor)
    enrolment = EnrolmentFactory(learner=learner)
    small = _profile_queries(client, learner)
    MilestoneFactory.create_batch(12, learner=learner, enrolment=enrolment, status="ACHIEVED")
    for n in range(7):
        Note.objects.create(learner=learner, text=f"Note {n}", created_by=tutor)
    assert _profile_queries(client, learner) == small
    body = client.get(f"/users/{learner.pk}/").content.decode()
    assert dict(_links(body))["milestones"] == "Milestones (12/12)"
