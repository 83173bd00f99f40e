"""The Django admin respects the portal's scope (DESIGN.md §5): support staff who are not
superusers see only the records the portal would show them, sensitive fields only with
``users.view_sensitive_data``, and grant only what they could grant in the portal."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from crm.models import Note
from tests.factories import AdminFactory, EnrolmentFactory, UserFactory, make_ilr
from users.admin_scope import ScopedAdmin, ScopedInline
from users.models import User


def admin_url(model, action="changelist", *args) -> str:
    return (
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        + {
            "changelist": "",
            "change": f"{args[0] if args else ''}/change/",
        }[action]
    )


def staff_member(tree, *, roles=("Standard administrator",), perms=("view",)) -> User:
    """Support staff in North, with the admin's model permissions but not a superuser."""
    user = AdminFactory(
        email=f"staff.{'-'.join(perms)}.{len(roles)}@example.org",
        groups=[tree["north"]],
        roles=list(roles),
        is_staff=True,
    )
    # The admin's own model permissions; not the portal's view_all_groups and the like.
    user.user_permissions.set(
        Permission.objects.filter(codename__regex=rf"^({'|'.join(perms)})_").exclude(
            codename__in=["view_all_groups", "view_archived", "view_sensitive_data"]
        )
    )
    return user


@pytest.fixture
def support_staff(tree):
    return staff_member(tree)


@pytest.fixture
def stranger(tree):
    """A learner in South: outside the staff member's scope."""
    return UserFactory(
        first_name="Stella", last_name="Stranger", groups=[tree["south"]], ni_number="CD654321A"
    )


def _is_ours(model) -> bool:
    # The project's own apps, and roles (auth groups), whose admin we replace; third-party
    # admins (sign-in records, say) hold no learner data.
    path = Path(model._meta.app_config.path)
    return model is Role or (settings.BASE_DIR in path.parents and ".venv" not in path.parts)


def test_every_admin_and_inline_applies_the_scope():
    ours = [(m, a) for m, a in admin.site._registry.items() if _is_ours(m)]
    assert len(ours) > 20
    for model, model_admin in ours:
        assert isinstance(model_admin, ScopedAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedInline), inline


@pytest.mark.parametrize(
    "model_admin",
    list(admin.site._registry.values()),
    ids=lambda a: a.model.__name__,
)
def test_every_changelist_opens_for_scoped_staff(as_user, tree, learner, model_admin):
    support_staff = staff_member(tree)
    assert as_user(support_staff).get(admin_url(model_admin.model)).status_code == 200


def test_staff_see_only_users_in_their_scope(as_user, support_staff, learner, stranger):
    client = as_user(support_staff)
    body = client.get(admin_url(User)).content.decode()
    assert "Smith" in body
    assert "Stranger" not in body
    assert client.get(admin_url(User, "change", learner.pk)).status_code == 200
    # Out of scope reads as missing: the admin redirects with "doesn't exist".
    assert client.get(admin_url(User, "change", stranger.pk)).status_code == 302


def test_staff_see_only_learner_records_in_their_scope(as_user, support_staff, learner, stranger):
    mine = Note.objects.create(learner=learner, text="Visible note")
    theirs = Note.objects.create(learner=stranger, text="Hidden note")
    EnrolmentFactory(learner=stranger)
    client = as_user(support_staff)
    body = client.get(admin_url(Note)).content.decode()
    assert "Visible note" in body
    assert "Hidden note" not in body
    assert client.get(admin_url(Note, "change", mine.pk)).status_code == 200
    assert client.get(admin_url(Note, "change", theirs.pk)).status_code == 302
    assert "Stranger" not in client.get("/admin/programmes/enrolment/").content.decode()


def test_staff_see_only_audit_entries_of_users_in_their_scope(
    as_user, support_staff, learner, stranger
):
    client = as_user(support_staff)
    hidden = AuditEntry.objects.filter(learner=stranger).first()
    shown = AuditEntry.objects.filter(learner=learner).first()
    assert client.get(admin_url(AuditEntry, "change", shown.pk)).status_code == 200
    assert client.get(admin_url(AuditEntry, "change", hidden.pk)).status_code == 302
    assert "Stranger" not in client.get(admin_url(AuditEntry)).content.decode()


def test_superusers_see_everything(as_user, tree, learner, stranger):
    superuser = AdminFactory(is_staff=True, is_superuser=True)
    body = as_user(superuser).get(admin_url(User)).content.decode()
    assert "Smith" in body
    assert "Stranger" in body


def test_sensitive_fields_are_left_out_without_the_permission(as_user, support_staff, learner):
    client = as_user(support_staff)
    body = client.get(admin_url(User, "change", learner.pk)).content.decode()
    assert "AB123456C" not in body
    assert "field-ni_number" not in body
    assert "field-date_of_birth" not in body
    assert "field-first_name" in body
    # Nor can a search by NI number tell who has which one.
    assert "Smith" not in client.get(admin_url(User) + "?q=AB123456C").content.decode()


def test_sensitive_fields_are_shown_with_the_permission(as_user, tree, learner):
    client = as_user(staff_member(tree, roles=("Standard administrator", "ILR QA")))
    body = client.get(admin_url(User, "change", learner.pk)).content.decode()
    assert "field-ni_number" in body
    assert "AB123456C" in body
    assert "Smith" in client.get(admin_url(User) + "?q=AB123456C").content.decode()


def test_sensitive_values_in_audit_entries_are_masked(as_user, support_staff, learner):
    learner.ni_number = "ZX998877B"
    learner.save()
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    body = as_user(support_staff).get(admin_url(AuditEntry, "change", entry.pk)).content.decode()
    assert "ZX998877B" not in body
    assert "(hidden)" in body


def test_special_category_ilr_data_is_left_out(as_user, tree, support_staff, learner):
    from programmes.ilr.models import IlrLearner

    ilr = make_ilr(learner)
    ilr.lldd_health_problems.create(lldd_cat=4, primary_lldd=True)
    body = as_user(support_staff).get(admin_url(IlrLearner, "change", ilr.pk)).content.decode()
    assert "field-ethnicity" not in body
    assert "field-uln" not in body
    assert "field-learn_ref_number" in body
    assert "lldd_health_problems" not in body
    # Without the sensitive fields a new ILR could not be saved, so support staff may not add one.
    assert as_user(support_staff).get("/admin/programmes/ilrlearner/add/").status_code == 403

    qa = staff_member(tree, roles=("Standard administrator", "ILR QA"))
    body = as_user(qa).get(admin_url(IlrLearner, "change", ilr.pk)).content.decode()
    assert "field-ethnicity" in body
    assert "lldd_health_problems" in body


@pytest.fixture
def support_editor(tree):
    """Support staff who may change users and hold a few roles."""
    return staff_member(
        tree, roles=("Standard administrator", "Data Export"), perms=("view", "change")
    )


def change_data(client, user: User, **overrides) -> dict:
    """The admin's change form for ``user`` as posted unchanged, then ``overrides``."""
    form = client.get(admin_url(User, "change", user.pk)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[name] = ""
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_admin_grants_only_roles_the_editor_holds(as_user, support_editor, tree):
    target = AdminFactory(groups=[tree["north"]], roles=["Standard administrator", "Manage ILRs"])
    # Administrators are listed only for Supervisors; this one sees every user type.
    support_editor.roles.add(Role.objects.get(name="Supervisor"))
    client = as_user(support_editor)
    form = client.get(admin_url(User, "change", target.pk)).context["adminform"].form
    offered = set(form.fields["roles"].queryset.values_list("name", flat=True))
    assert offered == {"Standard administrator", "Data Export", "Supervisor"}

    view_all = Role.objects.get(name="View all groups")
    data = change_data(client, target, roles=[view_all.pk])
    response = client.post(admin_url(User, "change", target.pk), data)
    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    assert set(target.roles.values_list("name", flat=True)) == {
        "Standard administrator",
        "Manage ILRs",
    }

    data_export = Role.objects.get(name="Data Export")
    data = change_data(client, target, roles=[data_export.pk], is_superuser="on")
    response = client.post(admin_url(User, "change", target.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    # Manage ILRs was beyond the editor's power, so it is kept; superuser is not theirs to give.
    assert set(target.roles.values_list("name", flat=True)) == {"Manage ILRs", "Data Export"}
    assert not target.is_superuser


def test_admin_keeps_groups_outside_the_editors_scope(as_user, support_editor, learner, tree):
    learner.groups.add(tree["south"])
    client = as_user(support_editor)
    body = client.get(admin_url(User, "change", learner.pk)).content.decode()
    assert "South" in body  # shown as kept, read-only
    data = change_data(client, learner, groups=[tree["leeds"].pk])
    response = client.post(admin_url(User, "change", learner.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(learner.groups.all()) == {tree["leeds"], tree["south"]}


def test_only_superusers_change_what_a_role_grants(as_user, tree):
    support_staff = staff_member(tree, perms=("view", "change", "add"))
    role = Role.objects.get(name="Data Export")
    url = f"/admin/auth/group/{role.pk}/change/"
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = as_user(support_staff).post(url, {"name": role.name, "permissions": everything})
    assert response.status_code == 403
    assert role.permissions.count() == 1
    assert as_user(support_staff).get("/admin/auth/group/add/").status_code == 403
