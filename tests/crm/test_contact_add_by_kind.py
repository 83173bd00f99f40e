"""Add contact asks for the kind first, then shows, validates and saves only that kind's fields
(issue 11, point 9): htmx swaps the fields in; without JavaScript, ?kind= shows them."""

import pytest

from crm.models import CrmContact, LearnerContact
from tests.factories import OrganisationFactory

from .factories import CrmContactFactory


def url(learner):
    return f"/users/{learner.pk}/contacts/add/"


ALL_FIELDS = {
    "admin",
    "role",
    "crm_contact",
    "first_name",
    "last_name",
    "email",
    "phone",
    "extension",
    "organisation",
    "job_title",
    "relationship",
    "notes",
}
FIELDS_OF = {
    "ADMIN": {"admin", "role"},
    "CRM": {"crm_contact", "first_name", "last_name", "email", "phone", "extension"}
    | {"organisation", "job_title"},
    "AD_HOC": {"first_name", "last_name", "email", "phone", "extension", "organisation"}
    | {"job_title", "relationship", "notes"},
}


def _shown_fields(body: str) -> set[str]:
    return {name for name in ALL_FIELDS if f'name="{name}"' in body}


def test_the_page_first_asks_only_for_the_kind(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner)).content.decode()
    assert _shown_fields(body) == set()
    assert body.count('name="kind"') == 3
    assert "Choose the kind of contact to see its fields." in body
    # Without JavaScript this button asks for the kind's fields.
    assert "<noscript><button" in body
    assert "Show the fields for this kind</button>" in body
    assert 'hx-get="/users/' in body


@pytest.mark.parametrize("kind", ["ADMIN", "CRM", "AD_HOC"])
def test_choosing_a_kind_without_javascript_shows_only_its_fields(as_user, tutor, learner, kind):
    response = as_user(tutor).get(url(learner), {"kind": kind})
    body = response.content.decode()
    assert response.status_code == 200
    assert _shown_fields(body) == FIELDS_OF[kind]
    assert f'value="{kind}" class="form-check-input" id="' in body
    assert f'<input type="hidden" name="kind" value="{kind}">' in body
    assert body.count(" checked") == 1
    assert "<html" in body


@pytest.mark.parametrize("kind", ["ADMIN", "CRM", "AD_HOC"])
def test_choosing_a_kind_with_htmx_sends_only_its_fields(as_user, tutor, learner, kind):
    response = as_user(tutor).get(url(learner), {"kind": kind}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "<h1" not in body
    assert body.lstrip().startswith('<form method="post"')
    assert _shown_fields(body) == FIELDS_OF[kind]
    assert 'name="csrfmiddlewaretoken"' in body


def test_an_unknown_kind_shows_the_kind_choice_only(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner), {"kind": "FRIEND"}).content.decode()
    assert _shown_fields(body) == set()
    assert " checked" not in body


def test_the_case_owner_is_not_offered_as_a_role(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner), {"kind": "ADMIN"}).content.decode()
    assert 'value="CASE_OWNER"' not in body
    assert 'value="TUTOR"' in body
    assert "set in the learner's details" in body


def test_fields_of_another_kind_are_ignored_not_saved(as_user, tutor, colleague, learner):
    other = CrmContactFactory()
    response = as_user(tutor).post(
        url(learner),
        {
            "kind": "ADMIN",
            "admin": colleague.pk,
            "role": "TUTOR",
            # Typed before switching kind (or forged): none of it belongs to an administrator.
            "crm_contact": other.pk,
            "first_name": "Mary",
            "email": "not-an-email",
            "relationship": "Mother",
            "notes": "Call after 5pm.",
        },
    )
    assert response.status_code == 302
    link = LearnerContact.objects.get()
    assert (link.kind, link.admin, link.crm_contact, link.relationship, link.notes) == (
        "ADMIN",
        colleague,
        None,
        "",
        "",
    )
    assert CrmContact.objects.count() == 1


def test_a_new_crm_contact_ignores_ad_hoc_and_administrator_fields(
    as_user, tutor, colleague, learner
):
    org = OrganisationFactory(name="Acme Ltd")
    response = as_user(tutor).post(
        url(learner),
        {
            "kind": "CRM",
            "first_name": "Harriet",
            "last_name": "Hughes",
            "organisation": org.pk,
            "admin": colleague.pk,
            "role": "IQA",
            "relationship": "Friend",
            "notes": "Not for CRM contacts.",
        },
    )
    assert response.status_code == 302
    link = LearnerContact.objects.get()
    assert (link.kind, link.admin, link.role, link.relationship, link.notes) == (
        "CRM",
        None,
        "",
        "",
        "",
    )
    assert link.crm_contact.full_name == "Harriet Hughes"
    assert not link.crm_contact.is_ad_hoc


def test_an_ad_hoc_contact_ignores_a_picked_crm_contact(as_user, tutor, learner):
    existing = CrmContactFactory()
    response = as_user(tutor).post(
        url(learner),
        {
            "kind": "AD_HOC",
            "crm_contact": existing.pk,
            "first_name": "Mary",
            "last_name": "Smith",
            "relationship": "Mother",
        },
    )
    assert response.status_code == 302
    link = LearnerContact.objects.get()
    assert link.crm_contact != existing
    assert (link.crm_contact.full_name, link.crm_contact.is_ad_hoc) == ("Mary Smith", True)


def test_a_refused_form_keeps_its_kind_and_only_its_fields(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner), {"kind": "AD_HOC", "first_name": "Mary", "job_title": "Nurse"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert _shown_fields(body) == FIELDS_OF["AD_HOC"]
    assert 'value="AD_HOC" class="form-check-input" id="' in body
    assert 'value="Nurse"' in body
    errors = response.context["form"].errors
    assert errors["last_name"] == ["Enter the contact's surname."]
    assert errors["relationship"] == ["Say how they relate to the learner."]
    assert "Nothing has been saved yet." in body
    assert not LearnerContact.objects.exists()
    assert not CrmContact.objects.exists()


def test_a_post_without_a_kind_asks_for_it_and_saves_nothing(as_user, tutor, learner):
    response = as_user(tutor).post(url(learner), {"first_name": "Mary", "last_name": "Smith"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": ["Choose the kind of contact."]}
    assert 'href="#id_kind_0">Kind of contact: Choose the kind of contact.' in body
    assert 'aria-describedby="id_kind_error"' in body
    assert not CrmContact.objects.exists()


def test_the_kind_page_needs_the_same_permission(as_user, colleague, outsider, learner):
    assert as_user(colleague).get(url(learner), {"kind": "ADMIN"}).status_code == 403
    htmx = {"HX-Request": "true"}
    assert as_user(colleague).get(url(learner), {"kind": "CRM"}, headers=htmx).status_code == 403
    assert as_user(outsider).get(url(learner), {"kind": "CRM"}, headers=htmx).status_code == 404
