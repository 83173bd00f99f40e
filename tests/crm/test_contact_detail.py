"""A CRM contact's page. Who may open it: an administrator for whom the contact is linked to at
least one learner in their scope, or who recorded the contact; anyone else gets a 404. The page
lists only the activities (and learners) in the viewer's scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import CrmActivity
from tests.factories import UserFactory

from .factories import ActivityFactory, CrmContactFactory, CrmLinkFactory

pytestmark = pytest.mark.django_db


def url(contact):
    return f"/crm/contacts/{contact.pk}/"


@pytest.fixture
def contact(learner):
    return CrmLinkFactory(learner=learner, crm_contact__first_name="Harriet").crm_contact


def with_contact(learner, contact, **kwargs):
    return ActivityFactory(
        learner=learner, with_whom=CrmActivity.With.CRM, crm_contact=contact, **kwargs
    )


def test_anonymous_is_redirected_to_login(client, contact):
    assert client.get(url(contact))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, contact):
    assert as_user(outsider).get(url(contact)).status_code == 404


def test_a_missing_contact_is_404(as_user, tutor):
    assert as_user(tutor).get("/crm/contacts/999999/").status_code == 404


def test_a_learner_gets_nothing(as_user, learner, contact):
    assert as_user(learner).get(url(contact)).status_code == 403


@pytest.mark.parametrize("who", ["colleague", "tutor", "supervisor"])
def test_administrators_who_see_a_linked_learner_open_it(request, as_user, learner, contact, who):
    with_contact(learner, contact, subject="Placement review")
    response = as_user(request.getfixturevalue(who)).get(url(contact))
    assert response.status_code == 200
    body = response.content.decode()
    assert contact.full_name in body
    assert contact.email in body
    assert "Placement review" in body
    assert "John Smith" in body


def test_the_creator_may_open_an_unlinked_contact(as_user, outsider):
    mine = CrmContactFactory(created_by=outsider)
    assert as_user(outsider).get(url(mine)).status_code == 200


def test_only_activities_and_learners_in_scope_are_listed(as_user, tutor, learner, contact, tree):
    far = UserFactory(first_name="Far", last_name="Away", groups=[tree["south"]])
    CrmLinkFactory(learner=far, crm_contact=contact)
    with_contact(learner, contact, subject="North meeting")
    with_contact(far, contact, subject="South meeting")
    body = as_user(tutor).get(url(contact)).content.decode()
    assert "North meeting" in body
    assert "South meeting" not in body
    assert "Far Away" not in body


def test_the_learners_contacts_list_links_the_page(as_user, tutor, learner, contact):
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert f'href="/crm/contacts/{contact.pk}/"' in body
    body = as_user(tutor).get(f"/users/{learner.pk}/contacts/").content.decode()
    assert f'href="/crm/contacts/{contact.pk}/"' in body


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(
    as_user, tutor, supervisor, learner, contact, tree
):
    client = as_user(tutor)
    with_contact(learner, contact, created_by=tutor)
    small = _queries(client, url(contact))
    for n in range(10):
        other = UserFactory(groups=[tree["leeds"]], last_name=f"Learner{n}")
        CrmLinkFactory(learner=other, crm_contact=contact)
        with_contact(other, contact, created_by=supervisor)
        with_contact(other, contact, created_by=tutor)
    assert _queries(client, url(contact)) == small
