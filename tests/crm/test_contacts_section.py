"""The Contacts section lists the people the learner's details name (case owner, employer
manager, mentor) as read-only rows before the stored contacts (issue 11, point 9)."""

import re

import pytest

from tests.factories import OrganisationFactory, UserFactory
from tests.portal.test_profile_index import _links
from users.models import User

from .factories import AdminLinkFactory, CrmLinkFactory


@pytest.fixture
def linked(learner, colleague, tree):
    """The learner with a case owner (colleague), and a manager and mentor at their employer:
    the manager in the learner's groups, the mentor in the South only."""
    acme = OrganisationFactory(name="Acme Ltd")
    manager = UserFactory(
        user_type=User.Type.EMPLOYER,
        organisation=acme,
        first_name="Mandy",
        last_name="Manager",
        email="mandy@acme.example",
        groups=[tree["north"]],
    )
    mentor = UserFactory(
        user_type=User.Type.EMPLOYER,
        organisation=acme,
        first_name="Mike",
        last_name="Mentor",
        groups=[tree["south"]],
    )
    learner.case_owner, learner.organisation = colleague, acme
    learner.manager, learner.mentor = manager, mentor
    learner.save()
    return {"case_owner": colleague, "manager": manager, "mentor": mentor}


def _section(client, learner) -> str:
    body = client.get(f"/users/{learner.pk}/").content.decode()
    start = body.index(f"/users/{learner.pk}/contacts/add/")
    return body[start : body.index("</table>", start) + 500]


def _rows(section: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in section.split("<tr>")[2:]]


def test_case_owner_manager_and_mentor_come_first_with_their_roles(as_user, tutor, learner, linked):
    CrmLinkFactory(learner=learner, crm_contact__first_name="Harriet")
    section = _section(as_user(tutor), learner)
    rows = [" ".join(row) for row in _rows(section)]
    assert rows[0].startswith("Colin Colleague Administrator Case owner")
    assert rows[1].startswith("Mandy Manager Employer Employer manager Acme Ltd mandy@acme.example")
    assert rows[2].startswith("Mike Mentor Employer Mentor Acme Ltd")
    assert rows[3].startswith("Harriet")
    assert len(rows) == 4


def test_linked_people_are_read_only_and_say_where_they_are_changed(
    as_user, tutor, learner, linked
):
    section = _section(as_user(tutor), learner)
    assert section.count("/remove/") == 0
    assert section.count("From details") == 3
    assert (
        "Case owner, employer manager and mentor are part of John Smith's details, listed "
        "here automatically: change them with "
        f'<a href="/users/{learner.pk}/edit/">Edit user\'s details</a>.'
    ) in section


def test_stored_contacts_keep_their_remove_link(as_user, tutor, learner, linked):
    link = CrmLinkFactory(learner=learner)
    section = _section(as_user(tutor), learner)
    assert section.count("/remove/") == 1
    assert f"/contacts/{link.pk}/remove/" in section


def test_a_viewer_who_may_not_edit_is_told_where_without_a_link(
    as_user, colleague, learner, linked
):
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert "change them in the learner's details." in body
    assert f"/users/{learner.pk}/edit/" not in body
    assert "From details" not in body


def test_one_linked_person_is_spoken_of_in_the_singular(as_user, tutor, learner, colleague):
    learner.case_owner = colleague
    learner.save()
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "Case owner is part of John Smith's details" in body
    assert "change it with" in body
    assert "No contacts linked yet." not in body


def test_only_people_the_viewer_may_see_are_linked_to_their_profiles(
    as_user, tutor, supervisor, learner, linked
):
    case_owner, manager, mentor = linked["case_owner"], linked["manager"], linked["mentor"]
    # Administrators' profiles are for Supervisors; the mentor is in a group the tutor cannot see.
    section = _section(as_user(tutor), learner)
    assert f'href="/users/{manager.pk}/"' in section
    assert f'href="/users/{case_owner.pk}/"' not in section
    assert f'href="/users/{mentor.pk}/"' not in section
    assert "Colin Colleague" in section
    assert "Mike Mentor" in section
    section = _section(as_user(supervisor), learner)
    for person in (case_owner, manager, mentor):
        assert f'href="/users/{person.pk}/"' in section


def test_a_stored_administrator_is_linked_only_for_those_who_may_open_them(
    as_user, tutor, supervisor, colleague, learner
):
    AdminLinkFactory(learner=learner, admin=colleague, role="ASSESSOR")
    assert f'href="/users/{colleague.pk}/"' not in _section(as_user(tutor), learner)
    assert f'href="/users/{colleague.pk}/"' in _section(as_user(supervisor), learner)


def test_a_learner_with_nobody_linked_still_says_so(as_user, tutor, learner):
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "No contacts linked yet." in body
    assert "From details" not in body


def test_shows_the_linked_people_then_the_first_ten_contacts_and_a_see_all_link(
    as_user, tutor, learner, linked
):
    links = CrmLinkFactory.create_batch(30, learner=learner)
    client = as_user(tutor)
    section = _section(client, learner)
    rows = [" ".join(row) for row in _rows(section)]
    assert len(rows) == 3 + 10
    assert rows[0].startswith("Colin Colleague Administrator Case owner")
    for row, link in zip(rows[3:], links[:10], strict=True):
        assert row.startswith(link.crm_contact.full_name)
    assert section.count("/remove/") == 10
    assert "The first 10 of 30 stored contacts are shown." in section
    assert f'<a href="/users/{learner.pk}/contacts/">See all 33 contacts</a>' in section
    index = dict(_links(client.get(f"/users/{learner.pk}/").content.decode()))
    assert index["contacts"] == "Contacts (33)"


def test_no_see_all_link_when_every_contact_is_shown(as_user, tutor, learner, linked):
    CrmLinkFactory.create_batch(10, learner=learner)
    section = _section(as_user(tutor), learner)
    assert len(_rows(section)) == 3 + 10
    assert "See all" not in section
