"""A learner's contacts page: every contact, paginated, the people the learner's details name
first, with the Contacts section's actions (the profile's section shows the first few)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import AdminLinkFactory, CrmLinkFactory


def url(learner, page=None):
    return f"/users/{learner.pk}/contacts/" + (f"?page={page}" if page else "")


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_user_who_is_not_a_learner_has_no_contacts_page(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_a_colleague_sees_the_contacts_without_actions(as_user, colleague, learner):
    CrmLinkFactory(learner=learner, crm_contact__first_name="Harriet")
    response = as_user(colleague).get(url(learner))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Harriet" in body
    assert "/remove/" not in body
    assert "/contacts/add/" not in body


def test_lists_25_a_page_with_remove_and_add(as_user, tutor, learner):
    links = CrmLinkFactory.create_batch(30, learner=learner)
    client = as_user(tutor)
    first = client.get(url(learner))
    assert list(first.context["page"].object_list) == links[:25]
    body = first.content.decode()
    assert "30 stored contacts" in body
    assert "Showing 1 to 25" in body
    assert body.count("/remove/") == 25
    assert f"/users/{learner.pk}/contacts/add/" in body
    second = client.get(url(learner, 2))
    assert list(second.context["page"].object_list) == links[25:]


def test_the_people_the_details_name_head_the_first_page(as_user, tutor, colleague, learner):
    learner.case_owner = colleague
    learner.save()
    CrmLinkFactory.create_batch(26, learner=learner)
    client = as_user(tutor)
    first = client.get(url(learner)).content.decode()
    assert "Colin Colleague" in first
    assert first.index("Colin Colleague") < first.index("Harriet")
    assert "From details" in first
    assert "Colin Colleague" not in client.get(url(learner, 2)).content.decode()


def test_an_administrator_is_linked_only_for_a_viewer_who_may_open_them(
    as_user, tutor, supervisor, learner
):
    link = AdminLinkFactory(learner=learner)
    profile = f'href="{link.admin.get_absolute_url()}"'
    assert profile in as_user(supervisor).get(url(learner)).content.decode()
    assert profile not in as_user(tutor).get(url(learner)).content.decode()


def test_a_learner_without_contacts_gets_the_empty_state(as_user, tutor, learner):
    learner.case_owner = learner.manager = learner.mentor = None
    learner.save()
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "empty-state" in body
    assert "No contacts linked yet." in body


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(as_user, tutor, colleague, learner):
    client = as_user(tutor)
    learner.case_owner = colleague
    learner.save()
    CrmLinkFactory(learner=learner)
    small = _queries(client, url(learner))
    CrmLinkFactory.create_batch(30, learner=learner)
    AdminLinkFactory.create_batch(3, learner=learner)
    assert _queries(client, url(learner)) == small
