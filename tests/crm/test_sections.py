"""The Notes and Contacts sections on the profile page, and the page's fixed query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdminFactory, EnrolmentFactory, OrganisationFactory, UserFactory
from users.models import User

from .factories import AdminLinkFactory, CrmLinkFactory, NoteFactory


def _profile_queries(client, learner) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/users/{learner.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_profile_runs_a_fixed_number_of_queries_with_notes_and_contacts(
    as_user, tutor, colleague, learner, tree
):
    client = as_user(tutor)
    # Case owner, manager and mentor are listed among the contacts: one query for them all.
    acme = OrganisationFactory()
    employer = {"user_type": User.Type.EMPLOYER, "organisation": acme, "groups": [tree["north"]]}
    learner.case_owner, learner.organisation = colleague, acme
    learner.manager, learner.mentor = UserFactory(**employer), UserFactory(**employer)
    learner.save()
    EnrolmentFactory(learner=learner)
    NoteFactory(learner=learner, created_by=tutor)
    AdminLinkFactory(learner=learner, admin=colleague)
    small = _profile_queries(client, learner)
    NoteFactory.create_batch(12, learner=learner, created_by=colleague)
    NoteFactory.create_batch(3, learner=learner)
    for role in ("ASSESSOR", "IQA", "OTHER"):
        AdminLinkFactory(learner=learner, role=role)
    # Several stored administrators, each checked for whether the viewer may open them.
    for admin in AdminFactory.create_batch(3, groups=[tree["north"]]):
        AdminLinkFactory(learner=learner, admin=admin, role="TUTOR")
    CrmLinkFactory.create_batch(4, learner=learner)
    assert _profile_queries(client, learner) == small
    # With a current programme the Compliance documents section reads its required types and
    # their documents (tests/portal/test_profile.py counts the sections' queries); the
    # Activities section adds two (its latest rows, its count).
    assert small <= 47


def test_notes_section_shows_the_latest_five_and_the_count(as_user, tutor, learner):
    notes = NoteFactory.create_batch(7, learner=learner, created_by=tutor)
    response = as_user(tutor).get(f"/users/{learner.pk}/")
    body = response.content.decode()
    assert "7 notes; the latest 5 are shown." in body
    assert notes[-1].text in body
    assert notes[0].text not in body
    assert f"/users/{learner.pk}/notes/" in body
    assert "<caption" in body


def test_notes_and_contacts_sections_are_for_learners_only(as_user, supervisor, tutor):
    keys = [
        s["section"].key for s in as_user(supervisor).get(f"/users/{tutor.pk}/").context["sections"]
    ]
    assert "notes" not in keys
    assert "contacts" not in keys
