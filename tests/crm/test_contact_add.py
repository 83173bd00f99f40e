import pytest

from audit.models import AuditEntry
from crm.models import CrmContact, LearnerContact
from tests.factories import OrganisationFactory

from .factories import AdminLinkFactory, CrmContactFactory, CrmLinkFactory


def url(learner):
    return f"/users/{learner.pk}/contacts/add/"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, tutor):
    response = as_user(outsider).post(url(learner), {"kind": "ADMIN", "admin": tutor.pk})
    assert response.status_code == 404


def test_without_edit_learner_details_gets_403(as_user, colleague, tutor, learner):
    client = as_user(colleague)
    assert client.get(url(learner)).status_code == 403
    response = client.post(url(learner), {"kind": "ADMIN", "admin": tutor.pk, "role": "TUTOR"})
    assert response.status_code == 403
    assert not LearnerContact.objects.exists()


def test_the_profile_hides_add_contact_without_permission(as_user, colleague, tutor, learner):
    assert url(learner) not in as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert url(learner) in as_user(tutor).get(f"/users/{learner.pk}/").content.decode()


def test_links_an_administrator_with_a_role_and_audits_it(as_user, tutor, colleague, learner):
    response = as_user(tutor).post(
        url(learner), {"kind": "ADMIN", "admin": colleague.pk, "role": "ASSESSOR"}
    )
    assert response.status_code == 302
    link = LearnerContact.objects.get()
    assert (link.learner, link.admin, link.role, link.created_by) == (
        learner,
        colleague,
        "ASSESSOR",
        tutor,
    )
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == tutor
    assert entry.object_id == link.pk
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "Colin Colleague" in body
    assert "Assessor" in body


def test_links_an_existing_crm_contact(as_user, tutor, learner):
    contact = CrmContactFactory(first_name="Harriet", last_name="Hughes")
    response = as_user(tutor).post(url(learner), {"kind": "CRM", "crm_contact": contact.pk})
    assert response.status_code == 302
    assert LearnerContact.objects.get().crm_contact == contact
    assert CrmContact.objects.count() == 1


def test_creates_a_new_crm_contact(as_user, tutor, learner):
    org = OrganisationFactory(name="Acme Ltd")
    response = as_user(tutor).post(
        url(learner),
        {
            "kind": "CRM",
            "first_name": "Harriet",
            "last_name": "Hughes",
            "email": "harriet@acme.example",
            "phone": "+44 113 496 0000",
            "extension": "204",
            "organisation": org.pk,
            "job_title": "HR manager",
        },
    )
    assert response.status_code == 302
    contact = CrmContact.objects.get()
    assert (contact.full_name, contact.organisation, contact.is_ad_hoc) == (
        "Harriet Hughes",
        org,
        False,
    )
    assert contact.created_by == tutor
    assert AuditEntry.objects.filter(learner=learner, actor=tutor).count() == 1
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "+44 113 496 0000 ext. 204" in body
    assert "Acme Ltd" in body


def test_creates_an_ad_hoc_contact(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner),
        {
            "kind": "AD_HOC",
            "first_name": "Mary",
            "last_name": "Smith",
            "phone": "07700 900123",
            "relationship": "Mother",
            "notes": "Call after 5pm.",
        },
    )
    assert response.status_code == 302
    link = LearnerContact.objects.get()
    assert (link.kind, link.relationship, link.notes) == ("AD_HOC", "Mother", "Call after 5pm.")
    assert link.crm_contact.is_ad_hoc
    # Ad hoc contacts are not offered for reuse on other learners.
    form = as_user(tutor).get(url(learner), {"kind": "CRM"}).context["form"]
    assert link.crm_contact not in form.fields["crm_contact"].queryset


BAD_INPUT = [
    ({"kind": ""}, "kind", "Choose the kind of contact."),
    ({"kind": "FRIEND", "first_name": "Mary"}, "kind", "Select a valid choice."),
    ({"kind": "ADMIN", "role": "TUTOR"}, "admin", "Choose the administrator."),
    ({"kind": "ADMIN", "admin": "@tutor"}, "role", "Choose their role for this learner."),
    (
        {"kind": "ADMIN", "admin": "@tutor", "role": "CASE_OWNER"},
        "role",
        "Select a valid choice.",
    ),
    (
        {"kind": "CRM", "organisation": "@org", "last_name": "Hughes"},
        "first_name",
        "Enter the contact's first name.",
    ),
    (
        {"kind": "CRM", "first_name": "Harriet", "last_name": "Hughes"},
        "organisation",
        "Choose the contact's organisation (or pick an existing contact).",
    ),
    (
        {"kind": "AD_HOC", "first_name": "Mary", "last_name": "Smith"},
        "relationship",
        "Say how they relate to the learner.",
    ),
    (
        {"kind": "AD_HOC", "last_name": "Smith", "relationship": "Mother"},
        "first_name",
        "Enter the contact's first name.",
    ),
    (
        {
            "kind": "AD_HOC",
            "first_name": "Mary",
            "last_name": "Smith",
            "relationship": "Mother",
            "email": "not-an-email",
        },
        "email",
        "Enter a valid email address.",
    ),
    (
        {
            "kind": "AD_HOC",
            "first_name": "Mary",
            "last_name": "Smith",
            "relationship": "Mother",
            "phone": "0113 CALL ME",
        },
        "phone",
        "Use only digits and spaces",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_saved(as_user, tutor, learner, data, field, message):
    stand_ins = {"@tutor": lambda: tutor.pk, "@org": lambda: OrganisationFactory().pk}
    data = {k: (stand_ins[v]() if v in stand_ins else v) for k, v in data.items()}
    response = as_user(tutor).post(url(learner), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    assert "Nothing has been saved yet." in response.content.decode()
    assert not LearnerContact.objects.exists()
    assert not CrmContact.objects.exists()


def test_picking_an_existing_contact_and_typing_a_new_one_is_refused(as_user, tutor, learner):
    contact = CrmContactFactory()
    response = as_user(tutor).post(
        url(learner), {"kind": "CRM", "crm_contact": contact.pk, "first_name": "Someone"}
    )
    assert "Either pick an existing contact or enter a new one" in str(
        response.context["form"].errors["first_name"]
    )
    assert not LearnerContact.objects.exists()


def test_the_same_administrator_and_role_cannot_be_linked_twice(as_user, tutor, colleague, learner):
    AdminLinkFactory(learner=learner, admin=colleague, role="TUTOR")
    response = as_user(tutor).post(
        url(learner), {"kind": "ADMIN", "admin": colleague.pk, "role": "TUTOR"}
    )
    assert "Colin Colleague is already linked to this learner as tutor." in (
        response.content.decode()
    )
    assert LearnerContact.objects.count() == 1
    # The same person in another role is fine.
    response = as_user(tutor).post(
        url(learner), {"kind": "ADMIN", "admin": colleague.pk, "role": "ASSESSOR"}
    )
    assert response.status_code == 302


def test_the_same_crm_contact_cannot_be_linked_twice(as_user, tutor, learner):
    link = CrmLinkFactory(learner=learner)
    response = as_user(tutor).post(
        url(learner), {"kind": "CRM", "crm_contact": link.crm_contact_id}
    )
    assert "already linked" in response.content.decode()
    assert LearnerContact.objects.count() == 1


def test_only_administrators_are_offered(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner), {"kind": "ADMIN", "admin": learner.pk, "role": "TUTOR"}
    )
    assert "Select a valid choice" in str(response.context["form"].errors["admin"])
    assert not LearnerContact.objects.exists()


def test_existing_contacts_are_grouped_by_organisation(as_user, tutor, learner):
    contact = CrmContactFactory(
        first_name="Harriet", last_name="Hughes", organisation=OrganisationFactory(name="Acme Ltd")
    )
    body = as_user(tutor).get(url(learner), {"kind": "CRM"}).content.decode()
    assert '<optgroup label="Acme Ltd">' in body
    assert f'<option value="{contact.pk}">Harriet Hughes, HR manager</option>' in body


def test_a_link_made_at_the_same_moment_is_reported_not_a_crash(
    as_user, tutor, colleague, learner, monkeypatch
):
    from crm import forms

    monkeypatch.setattr(forms.ContactForm, "_admin_already_linked", lambda self, data: False)
    AdminLinkFactory(learner=learner, admin=colleague, role="TUTOR")
    response = as_user(tutor).post(
        url(learner), {"kind": "ADMIN", "admin": colleague.pk, "role": "TUTOR"}
    )
    assert response.status_code == 200
    assert "linked to the learner a moment ago" in response.content.decode()
    assert LearnerContact.objects.count() == 1
