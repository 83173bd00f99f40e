"""Each user's group scope (users.User.scope_ids: their groups and every ancestor, the access
scope and the Users page's group filter) stays equal to what their memberships say through
every path that changes memberships or the group tree, and as derived data it writes no audit
entry and bumps no version."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from tests.factories import AdminFactory, UserFactory
from users.models import Group, User
from users.scope import group_scope_mismatches, group_scopes_refresh


def scope(user: User) -> list[int]:
    return User.objects.get(pk=user.pk).scope_ids


def ids(*groups: Group) -> list[int]:
    return sorted(g.pk for g in groups)


def assert_consistent() -> None:
    assert group_scope_mismatches() == []


def scope_entries() -> int:
    """Audit entries that mention the derived column (there must be none)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), changes__has_key="scope_ids"
    ).count()


@pytest.fixture
def superuser_client(client, db):
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    return client


def test_a_learner_in_a_cohort_has_the_cohort_and_every_ancestor(learner, tree):
    assert scope(learner) == ids(tree["root"], tree["north"], tree["leeds"], tree["cohort"])
    assert scope(UserFactory()) == []
    assert_consistent()


def test_adding_and_removing_groups_from_either_side_keeps_it_right(learner, tree):
    version = User.objects.get(pk=learner.pk).version
    learner.groups.add(tree["south"])
    assert tree["south"].pk in scope(learner)
    learner.groups.remove(tree["cohort"])
    assert scope(learner) == ids(tree["root"], tree["south"])
    tree["leeds"].members.add(learner)
    assert scope(learner) == ids(tree["root"], tree["north"], tree["leeds"], tree["south"])
    tree["south"].members.remove(learner)
    assert scope(learner) == ids(tree["root"], tree["north"], tree["leeds"])
    tree["leeds"].members.clear()
    assert scope(learner) == []
    learner.groups.set([tree["cohort"]])
    learner.groups.clear()
    assert scope(learner) == []
    assert User.objects.get(pk=learner.pk).version == version
    assert scope_entries() == 0
    assert_consistent()


def test_creating_a_user_through_the_form_sets_it(as_user, tutor, tree):
    from tests.users.test_user_create import learner_data

    response = as_user(tutor).post("/users/create/user/", learner_data(tree))
    assert response.status_code == 302
    created = User.objects.get(last_name="Okafor")
    assert scope(created) == ids(tree["root"], tree["north"], tree["leeds"], tree["cohort"])
    assert scope_entries() == 0
    assert_consistent()


def test_editing_groups_through_the_form_moves_the_learner_between_scopes(
    as_user, supervisor, outsider, learner, tree
):
    from tests.users.test_user_edit import edit_data

    client = as_user(supervisor)
    response = client.post(
        f"/users/{learner.pk}/edit/", edit_data(learner, groups=[tree["south"].pk])
    )
    assert response.status_code == 302
    assert scope(learner) == ids(tree["root"], tree["south"])
    assert User.objects.visible_to(outsider).filter(pk=learner.pk).exists()
    assert scope_entries() == 0
    assert_consistent()


def test_the_django_admin_change_form_sets_it(superuser_client, learner, tree):
    from tests.programmes.test_current_programme import admin_post

    response = admin_post(
        superuser_client,
        f"/admin/users/user/{learner.pk}/change/",
        groups=[tree["south"].pk],
    )
    assert response.status_code == 302
    assert scope(learner) == ids(tree["root"], tree["south"])
    assert_consistent()


def test_moving_a_group_gives_its_subtree_new_ancestors(tutor, outsider, learner, tree):
    Group.objects.move(tree["leeds"], tree["south"], "sorted-child")
    assert scope(learner) == ids(tree["root"], tree["south"], tree["leeds"], tree["cohort"])
    assert not User.objects.visible_to(tutor).filter(pk=learner.pk).exists()
    assert User.objects.visible_to(outsider).filter(pk=learner.pk).exists()
    assert_consistent()


def test_moving_a_group_in_the_django_admin_keeps_it_right(superuser_client, learner, tree):
    leeds = tree["leeds"]
    response = superuser_client.post(
        f"/admin/users/group/{leeds.pk}/change/",
        {
            "name": "Leeds",
            "treebeard_position": "sorted-child",
            "treebeard_ref_node": tree["south"].pk,
        },
    )
    assert response.status_code == 302
    assert tree["south"].pk in scope(learner)
    assert tree["north"].pk not in scope(learner)
    assert_consistent()


def test_deleting_a_group_takes_it_out_of_its_members_scope(tutor, learner, tree):
    other = UserFactory(groups=[tree["cohort"], tree["south"]])
    Group.objects.get(pk=tree["leeds"].pk).delete()
    assert scope(learner) == []
    assert scope(other) == ids(tree["root"], tree["south"])
    assert not User.objects.visible_to(tutor).filter(pk=learner.pk).exists()
    assert_consistent()


def test_renaming_a_group_changes_nothing(learner, tree):
    before = scope(learner)
    tree["leeds"].name = "Leeds and Bradford"
    tree["leeds"].save()
    assert scope(learner) == before
    assert_consistent()


def test_saving_the_user_never_writes_back_a_stale_scope(learner, tree):
    stale = User.objects.get(pk=learner.pk)
    learner.groups.add(tree["south"])
    stale.first_name = "Johnny"
    stale.save()
    assert tree["south"].pk in scope(learner)
    assert_consistent()


def test_the_ilr_import_sets_the_scope_of_the_learners_it_creates(as_user, supervisor, tree):
    from tests.factories import ProgrammeFactory
    from tests.programmes.ilr.test_import import _distinct_sample, _post, _report, _upload

    programme = ProgrammeFactory(ilr_enabled=True, name="Imported ILRs")
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, programme, file=_upload(_distinct_sample())))
    learners = User.objects.filter(pk__in=[row["learner_pk"] for row in rows.values()])
    assert learners.count() == 19
    assert all(scope(u) for u in learners)
    assert_consistent()


def test_bulk_writes_are_caught_by_the_refresh_and_the_check_command(learner, tree, capsys):
    # bulk_create sends no signals: the check notices, the refresh mends.
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=learner.pk, group_id=tree["south"].pk)]
    )
    with pytest.raises(CommandError, match="1 users"):
        call_command("group_scopes")
    call_command("group_scopes", refresh=True)
    assert tree["south"].pk in scope(learner)
    assert group_scopes_refresh() == 0
    assert_consistent()
