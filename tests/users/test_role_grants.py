"""Granting roles and groups never widens the granter's own power (DESIGN.md §5).

An administrator grants only roles they hold; Supervisor and View all groups come only from a
Supervisor; groups only within the granter's scope. What the edited user holds beyond that is
kept and shown, never silently dropped.
"""

import importlib

import pytest
from django.contrib.auth.models import Group as Role

from tests.factories import AdminFactory
from users.models import User

ROLE_NAMES = list(importlib.import_module("users.migrations.0002_roles").ROLES)
SUPERVISOR_ONLY = {"Supervisor", "View all groups"}
# Every granter holds these too: Standard administrator to use the portal, Create Admins to
# reach the Create admin form.
BASE_ROLES = {"Standard administrator", "Create Admins"}


def admin_data(tree, **overrides) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Min",
        "email": "ada@provider.example",
        "groups": [tree["north"].pk],
    }
    data.update(overrides)
    return data


def edit_url(user: User) -> str:
    return f"/users/{user.pk}/edit/"


def edit_data(user: User, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [g.pk for g in user.groups.all()],
        "roles": [r.pk for r in user.roles.all()],
        "version": user.version,
    }
    data.update(overrides)
    return data


def role_names(user: User) -> set[str]:
    return set(user.roles.values_list("name", flat=True))


@pytest.mark.parametrize("granted", ROLE_NAMES)
@pytest.mark.parametrize("held", ROLE_NAMES)
def test_creating_an_admin_grants_only_roles_the_creator_may_grant(as_user, tree, held, granted):
    granter_roles = BASE_ROLES | {held}
    granter = AdminFactory(groups=[tree["north"]], roles=sorted(granter_roles))
    allowed = granted in granter_roles and (granted not in SUPERVISOR_ONLY or held == "Supervisor")

    response = as_user(granter).post(
        "/users/create/admin/", admin_data(tree, roles=[Role.objects.get(name=granted).pk])
    )

    created = User.objects.filter(email="ada@provider.example").first()
    if allowed:
        assert response.status_code == 302
        assert granted in role_names(created)
    else:
        assert response.status_code == 200
        errors = response.context["form"].errors["roles"]
        expected = (
            f"Only a Supervisor may grant the role {granted}."
            if granted in granter_roles
            else f"you do not hold {granted}"
        )
        assert expected in errors[0]
        assert created is None


def test_create_admins_alone_cannot_make_a_supervisor_who_sees_every_learner(as_user, tree):
    creator = AdminFactory(groups=[tree["north"]], roles=sorted(BASE_ROLES))
    everything = list(Role.objects.values_list("pk", flat=True))
    response = as_user(creator).post("/users/create/admin/", admin_data(tree, roles=everything))
    assert response.status_code == 200
    body = response.content.decode()
    assert "you do not hold Supervisor" in body
    assert "Nothing has been saved yet." in body
    assert not User.objects.filter(email="ada@provider.example").exists()


def test_the_create_form_offers_only_grantable_roles(as_user, tree):
    creator = AdminFactory(groups=[tree["north"]], roles=[*BASE_ROLES, "Data Export"])
    body = as_user(creator).get("/users/create/admin/").content.decode()
    offered = {name for name in ROLE_NAMES if f">{name}</label>" in body}
    assert offered == {*BASE_ROLES, "Data Export"}


def test_groups_outside_the_creators_scope_are_refused_with_a_clear_error(as_user, tree):
    creator = AdminFactory(groups=[tree["north"]], roles=sorted(BASE_ROLES))
    response = as_user(creator).post(
        "/users/create/admin/", admin_data(tree, groups=[tree["south"].pk])
    )
    assert "within your own scope" in str(response.context["form"].errors["groups"])
    assert not User.objects.filter(email="ada@provider.example").exists()


@pytest.fixture
def limited_supervisor(tree):
    """A Supervisor who sees only North and holds no ILR or export roles."""
    return AdminFactory(
        email="limited.supervisor@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator", "Supervisor", "Edit Learner Details"],
    )


@pytest.fixture
def specialist(tree):
    """An administrator with roles and groups beyond the limited supervisor's power."""
    return AdminFactory(
        email="specialist@example.org",
        groups=[tree["leeds"], tree["south"]],
        roles=["Standard administrator", "Manage ILRs", "Data Export", "Edit Learner Details"],
    )


def test_edit_shows_roles_and_groups_the_editor_cannot_change_as_text(
    as_user, limited_supervisor, specialist
):
    response = as_user(limited_supervisor).get(edit_url(specialist))
    body = response.content.decode()
    assert "Also has, and keeps (you cannot change these): Data Export, Manage ILRs." in body
    assert "Also has, and keeps (you cannot change these): South." in body
    manage_ilrs = Role.objects.get(name="Manage ILRs")
    assert f'name="roles" value="{manage_ilrs.pk}"' not in body


def test_edit_keeps_roles_and_groups_outside_the_editors_power(
    as_user, limited_supervisor, specialist, tree
):
    # The form posts only what the editor may grant: here they remove Edit Learner Details.
    standard = Role.objects.get(name="Standard administrator")
    response = as_user(limited_supervisor).post(
        edit_url(specialist),
        edit_data(specialist, roles=[standard.pk], groups=[tree["leeds"].pk]),
    )
    assert response.status_code == 302
    assert role_names(specialist) == {"Standard administrator", "Manage ILRs", "Data Export"}
    assert set(specialist.groups.all()) == {tree["leeds"], tree["south"]}


def test_edit_refuses_adding_a_role_the_editor_does_not_hold(
    as_user, limited_supervisor, colleague, tree
):
    ilr_qa = Role.objects.get(name="ILR QA")
    version = colleague.version
    response = as_user(limited_supervisor).post(
        edit_url(colleague), edit_data(colleague, roles=[ilr_qa.pk])
    )
    assert response.status_code == 200
    assert "you do not hold ILR QA" in response.context["form"].errors["roles"][0]
    colleague.refresh_from_db()
    assert role_names(colleague) == {"Standard administrator"}
    assert colleague.version == version


def test_edit_refuses_adding_a_group_outside_the_editors_scope(
    as_user, limited_supervisor, colleague, tree
):
    response = as_user(limited_supervisor).post(
        edit_url(colleague), edit_data(colleague, groups=[tree["north"].pk, tree["south"].pk])
    )
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert set(colleague.groups.all()) == {tree["north"]}


def test_a_supervisor_may_grant_supervisor_and_view_all_groups(as_user, supervisor, colleague):
    granted = Role.objects.filter(name__in=SUPERVISOR_ONLY)
    response = as_user(supervisor).post(
        edit_url(colleague), edit_data(colleague, roles=[r.pk for r in granted])
    )
    assert response.status_code == 302
    assert role_names(colleague) == {"Standard administrator", *SUPERVISOR_ONLY}


def test_holding_view_all_groups_is_not_enough_to_grant_it(tree):
    holder = AdminFactory(groups=[tree["north"]], roles=["View all groups", "Create Admins"])
    view_all = Role.objects.get(name="View all groups")
    assert view_all not in holder.grantable_roles()
    assert holder.role_refusal(view_all) == "Only a Supervisor may grant the role View all groups."
