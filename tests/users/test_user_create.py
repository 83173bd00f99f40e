import pytest
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory
from users.models import Organisation, User


def learner_data(tree, **overrides):
    data = {
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "Amara.Okafor@Example.com",
        "mobile": "+44 7700 900123",
        "postcode": "ls1  4ap",
        "ni_number": "ab 12 34 56 c",
        "uln": "1000000043",
        "date_of_birth": "2004-03-02",
        "groups": [tree["cohort"].pk],
        "invite_now": "no",
    }
    data.update(overrides)
    return data


def test_anonymous_is_redirected_to_login(client, db):
    response = client.get("/users/create/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_without_create_users_the_form_is_forbidden(as_user, colleague, tree):
    client = as_user(colleague)
    assert client.get("/users/create/user/").status_code == 403
    assert client.post("/users/create/user/", learner_data(tree)).status_code == 403
    assert not User.objects.filter(last_name="Okafor").exists()


def test_creating_an_admin_needs_create_admins(as_user, tutor, tree):
    assert as_user(tutor).get("/users/create/admin/").status_code == 403


def test_unknown_type_is_404(as_user, tutor):
    assert as_user(tutor).get("/users/create/wizard/").status_code == 404


def test_creates_a_prospect_learner_with_normalised_values(as_user, tutor, tree):
    response = as_user(tutor).post("/users/create/user/", learner_data(tree))
    learner = User.objects.get(last_name="Okafor")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/"
    assert learner.user_type == User.Type.LEARNER
    assert learner.subscription_status == User.Status.PROSPECT
    assert learner.email == "amara.okafor@example.com"
    assert learner.ni_number == "AB123456C"
    assert learner.postcode == "LS1 4AP"
    assert learner.created_by == tutor
    assert list(learner.groups.all()) == [tree["cohort"]]
    assert not learner.has_usable_password()


def test_invite_now_makes_the_learner_invited(as_user, tutor, tree):
    as_user(tutor).post("/users/create/user/", learner_data(tree, invite_now="yes"))
    learner = User.objects.get(last_name="Okafor")
    assert learner.subscription_status == User.Status.INVITED
    assert learner.invitation_sent_at is not None


def test_inviting_needs_an_email(as_user, tutor, tree):
    response = as_user(tutor).post(
        "/users/create/user/", learner_data(tree, invite_now="yes", email="")
    )
    assert response.status_code == 200
    assert "An email address is needed to send an invitation." in response.content.decode()
    assert not User.objects.filter(last_name="Okafor").exists()


def test_employer_is_created_with_organisation_and_invitation_choice(as_user, tutor, tree):
    org = OrganisationFactory()
    response = as_user(tutor).post(
        "/users/create/employer/",
        {
            "first_name": "Ella",
            "last_name": "Boss",
            "email": "ella@acme.example",
            "organisation": org.pk,
            "groups": [tree["leeds"].pk],
            "invite_now": "yes",
        },
    )
    assert response.status_code == 302
    employer = User.objects.get(email="ella@acme.example")
    assert employer.user_type == User.Type.EMPLOYER
    assert employer.subscription_status == User.Status.INVITED
    assert employer.organisation == org


def test_referrer_form_has_no_invitation_question_and_needs_matching_emails(as_user, tutor, tree):
    client = as_user(tutor)
    form = client.get("/users/create/referrer/").context["form"]
    assert "invite_now" not in form.fields
    data = {
        "first_name": "Rita",
        "last_name": "Ref",
        "email": "rita@ref.example",
        "confirm_email": "rita@other.example",
        "groups": [tree["leeds"].pk],
    }
    response = client.post("/users/create/referrer/", data)
    assert "The two email addresses do not match." in response.content.decode()
    data["confirm_email"] = "RITA@ref.example"
    assert client.post("/users/create/referrer/", data).status_code == 302
    assert User.objects.get(email="rita@ref.example").subscription_status == User.Status.PROSPECT


def test_admin_is_always_invited_and_has_standard_administrator(as_user, supervisor, tree):
    response = as_user(supervisor).post(
        "/users/create/admin/",
        {
            "first_name": "Ada",
            "last_name": "Min",
            "email": "ada@provider.example",
            "groups": [tree["north"].pk],
            "roles": [],
        },
    )
    assert response.status_code == 302
    admin = User.objects.get(email="ada@provider.example")
    assert admin.user_type == User.Type.ADMINISTRATOR
    assert admin.subscription_status == User.Status.INVITED
    assert list(admin.roles.values_list("name", flat=True)) == ["Standard administrator"]


def test_create_writes_an_audit_entry_with_actor_ip_and_fields(as_user, tutor, tree):
    as_user(tutor).post("/users/create/user/", learner_data(tree), REMOTE_ADDR="203.0.113.9")
    learner = User.objects.get(last_name="Okafor")
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(User),
        object_id=learner.pk,
        action=AuditEntry.Action.CREATE,
    )
    assert entry.actor == tutor
    assert entry.remote_addr == "203.0.113.9"
    assert entry.learner_id == learner.pk
    assert entry.changes_dict["last_name"] == ["None", "Okafor"]
    groups_entry = AuditEntry.objects.get(object_id=learner.pk, changes__has_key="groups")
    assert groups_entry.actor == tutor


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "This field is required."),
        ("last_name", "x" * 51, "Ensure this value has at most 50 characters"),
        ("first_name", "J0hn", "Names can contain letters"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("mobile", "07700-900123", "Use only digits and spaces"),
        ("mobile", "call me", "Use only digits and spaces"),
        ("ni_number", "DA123456C", "NINumber_01"),
        ("ni_number", "AO123456C", "NINumber_01"),
        ("ni_number", "AB123456E", "NINumber_01"),
        ("ni_number", "GB123456A", "never start with GB"),
        ("uln", "1000000042", "ULN_04"),
        ("uln", "12345", "ULN_04"),
        ("postcode", "LS1", "Enter a full UK postcode"),
        ("postcode", "LS1 4CI", "Enter a full UK postcode"),
        ("date_of_birth", "31/02/2004", "Enter a valid date."),
        ("groups", [], "This field is required."),
        ("subscription_end", "2020-01-01", "The end date must be after the start date."),
    ],
)
def test_bad_input_shows_a_clear_error_and_saves_nothing(
    as_user, tutor, tree, field, value, message
):
    data = learner_data(tree, subscription_start="2026-01-01", **{field: value})
    entries_before = AuditEntry.objects.count()
    response = as_user(tutor).post("/users/create/user/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not User.objects.filter(user_type=User.Type.LEARNER).exists()
    assert AuditEntry.objects.count() == entries_before
    # What was typed is kept.
    assert response.context["form"].data["last_name"] == data["last_name"]


def test_groups_outside_the_viewers_scope_are_refused(as_user, tutor, tree):
    data = learner_data(tree, groups=[tree["south"].pk])
    response = as_user(tutor).post("/users/create/user/", data)
    assert "groups" in response.context["form"].errors
    assert not User.objects.filter(last_name="Okafor").exists()


def test_manager_must_work_at_the_learners_employer(as_user, tutor, tree):
    acme, other = OrganisationFactory(), OrganisationFactory()
    boss = UserFactory(user_type=User.Type.EMPLOYER, organisation=other, groups=[tree["north"]])
    data = learner_data(tree, organisation=acme.pk, manager=boss.pk)
    response = as_user(tutor).post("/users/create/user/", data)
    assert "Choose a manager who works at the learner" in response.content.decode()


def test_email_clash_names_the_visible_holder(as_user, tutor, learner, tree):
    response = as_user(tutor).post(
        "/users/create/user/", learner_data(tree, email="JOHN.SMITH@example.com")
    )
    body = response.content.decode()
    assert "already belongs to" in body
    assert f'href="/users/{learner.pk}/"' in body
    assert "User, status Full user" in body


def test_email_clash_with_an_invisible_user_is_neutral(as_user, tutor, tree):
    UserFactory(email="hidden@example.com", groups=[tree["south"]], last_name="Hidden")
    response = as_user(tutor).post(
        "/users/create/user/", learner_data(tree, email="hidden@example.com")
    )
    body = response.content.decode()
    assert "already in use by an account you cannot see" in body
    assert "Hidden" not in body


@pytest.mark.parametrize(
    ("existing", "reason"),
    [
        ({"ni_number": "AB123456C"}, "the same NI number"),
        ({"uln": "1000000043"}, "the same ULN"),
        (
            {"first_name": "amara", "last_name": "OKAFOR", "date_of_birth": "2004-03-02"},
            "the same name and date of birth",
        ),
    ],
)
def test_duplicate_guard_warns_and_needs_confirmation(as_user, tutor, tree, existing, reason):
    twin = UserFactory(groups=[tree["cohort"]], **existing)
    client = as_user(tutor)
    data = learner_data(tree, **({} if "ni_number" in existing else {"ni_number": ""}))
    if "uln" not in existing:
        data["uln"] = ""
    response = client.post("/users/create/user/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This may be a duplicate" in body
    assert reason in body
    assert f'href="/users/{twin.pk}/"' in body
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 1
    response = client.post("/users/create/user/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 2


def test_duplicate_outside_the_viewers_groups_is_not_named(as_user, tutor, tree):
    UserFactory(groups=[tree["south"]], ni_number="AB123456C", last_name="Secret")
    body = as_user(tutor).post("/users/create/user/", learner_data(tree)).content.decode()
    assert "A user outside your groups has the same NI number" in body
    assert "Secret" not in body


def test_employer_organisation_choices_are_employers_only(as_user, tutor):
    OrganisationFactory(name="Referral Hub", kind=Organisation.Kind.REFERRER)
    form = as_user(tutor).get("/users/create/employer/").context["form"]
    assert not form.fields["organisation"].queryset.filter(name="Referral Hub").exists()


def test_form_offers_the_visible_groups_as_checkboxes(as_user, tutor, tree):
    body = as_user(tutor).get("/users/create/user/").content.decode()
    assert f'type="checkbox" name="groups" value="{tree["cohort"].pk}"' in body
    assert f'value="{tree["south"].pk}"' not in body


def test_admin_form_offers_roles_as_checkboxes(as_user, supervisor):
    body = as_user(supervisor).get("/users/create/admin/").content.decode()
    assert 'type="checkbox" name="roles"' in body
