import pytest
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from tests.factories import UserFactory
from users.models import User


def edit_data(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "",
        "groups": [g.pk for g in user.groups.all()],
        "version": user.version,
    }
    data.update(overrides)
    return data


def url(user) -> str:
    return f"/users/{user.pk}/edit/"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(url(learner)).status_code == 404
    assert client.post(url(learner), edit_data(learner, last_name="X")).status_code == 404


def test_colleague_without_edit_permission_gets_403(as_user, colleague, learner):
    client = as_user(colleague)
    assert client.get(url(learner)).status_code == 403
    assert client.post(url(learner), edit_data(learner, last_name="X")).status_code == 403
    learner.refresh_from_db()
    assert learner.last_name == "Smith"


def test_editing_an_admin_needs_supervisor(as_user, tutor, supervisor, colleague):
    # Administrators are not even visible to non-supervisors.
    assert as_user(tutor).get(url(colleague)).status_code == 404
    assert as_user(supervisor).get(url(colleague)).status_code == 200


def test_good_edit_saves_redirects_and_is_audited(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner),
        edit_data(learner, last_name="Smyth", mobile="07700 900123"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Smyth"
    assert learner.version == 2
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=learner.pk,
        action=AuditEntry.Action.UPDATE,
    ).latest("timestamp")
    assert entry.actor == tutor
    assert entry.remote_addr == "198.51.100.7"
    assert entry.changes_dict["last_name"] == ["Smith", "Smyth"]
    assert entry.learner_id == learner.pk


def test_bad_edit_keeps_what_was_typed_and_changes_nothing(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner), edit_data(learner, last_name="Smyth", ni_number="not an ni")
    )
    assert response.status_code == 200
    assert "NINumber_01" in response.content.decode()
    assert 'value="Smyth"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.last_name == "Smith"
    assert learner.version == 1


def test_stale_version_is_refused_naming_who_changed_what(as_user, tutor, supervisor, learner):
    stale = edit_data(learner, last_name="Smythe")
    as_user(supervisor).post(url(learner), edit_data(learner, email="new@example.com"))
    client = as_user(tutor)
    response = client.post(url(learner), stale)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this user" in body
    assert "Sam Supervisor" in body
    assert "new@example.com" in body
    learner.refresh_from_db()
    assert learner.last_name == "Smith"
    assert learner.email == "new@example.com"
    # Typed values survive; saving again is a deliberate overwrite of the newer version.
    assert 'value="Smythe"' in body
    again = client.post(url(learner), {**stale, "version": learner.version})
    assert again.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Smythe"


def test_edit_keeps_groups_the_editor_cannot_see(as_user, tutor, learner, tree):
    learner.groups.add(tree["south"])
    response = as_user(tutor).post(url(learner), edit_data(learner, groups=[tree["leeds"].pk]))
    assert response.status_code == 302
    assert set(learner.groups.all()) == {tree["leeds"], tree["south"]}


def test_admin_edit_form_offers_roles_only_to_supervisors(as_user, supervisor, colleague, tree):
    form = as_user(supervisor).get(url(colleague)).context["form"]
    assert "roles" in form.fields
    response = as_user(supervisor).post(
        url(colleague),
        {
            **edit_data(colleague),
            "roles": [form.fields["roles"].queryset.get(name="Data Export").pk],
        },
    )
    assert response.status_code == 302
    assert set(colleague.roles.values_list("name", flat=True)) == {
        "Standard administrator",
        "Data Export",
    }


@pytest.mark.parametrize("user_type", [User.Type.EMPLOYER, User.Type.REFERRER])
def test_each_type_uses_its_own_form(as_user, tutor, tree, user_type):
    person = UserFactory(user_type=user_type, groups=[tree["leeds"]])
    form = as_user(tutor).get(url(person)).context["form"]
    assert form.user_type == user_type
    assert "ni_number" not in form.fields


def test_email_cannot_be_removed_once_the_user_was_invited(as_user, tutor, learner):
    response = as_user(tutor).post(url(learner), edit_data(learner, email=""))
    assert "email" in response.context["form"].errors
    learner.refresh_from_db()
    assert learner.email == "john.smith@example.com"


def test_a_prospects_email_may_be_blank(as_user, tutor, learner):
    learner.subscription_status = User.Status.PROSPECT
    learner.save()
    response = as_user(tutor).post(url(learner), edit_data(learner, email=""))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.email is None
