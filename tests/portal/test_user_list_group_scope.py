"""The Users page's scope and Groups filter as one condition on users.scope_ids: the same rows
as the membership join gave, the scope condition sent once, and no more queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdminFactory, UserFactory
from users.models import Group, User

URL = "/users/"


def shown(response) -> set[int]:
    return {u.pk for u in response.context["page"].object_list}


def members_under(*groups: Group) -> set[int]:
    """The rows the membership join gave: learners with a group in one of these subtrees."""
    paths = [g.path for g in groups]
    return {
        user_id
        for user_id, path in User.groups.through.objects.filter(
            user__user_type=User.Type.LEARNER
        ).values_list("user_id", "group__path")
        if any(path.startswith(p) for p in paths)
    }


def spread(tree) -> None:
    """Learners in every group of the tree, one in two groups and one in none."""
    for name in ("root", "north", "leeds", "cohort", "south"):
        UserFactory(groups=[tree[name]])
    UserFactory(groups=[tree["cohort"], tree["south"]])
    UserFactory()


def test_a_tutor_sees_exactly_the_learners_of_their_region(as_user, tutor, tree):
    spread(tree)
    response = as_user(tutor).get(URL, {"user_type": "LEARNER", "per_page": 100})
    assert shown(response) == members_under(tree["north"])
    visible = set(
        User.objects.visible_to(tutor)
        .filter(user_type=User.Type.LEARNER)
        .values_list("pk", flat=True)
    )
    assert visible == members_under(tree["north"])


def test_each_group_ticked_gives_the_rows_the_membership_join_gave(as_user, supervisor, tree):
    spread(tree)
    client = as_user(supervisor)
    for ticked in (["north"], ["leeds"], ["cohort"], ["south"], ["leeds", "south"], ["root"]):
        groups = [tree[name] for name in ticked]
        response = client.get(
            URL, {"groups": [g.pk for g in groups], "user_type": "LEARNER", "per_page": 100}
        )
        assert shown(response) == members_under(*groups), ticked


def test_ticking_a_sub_group_narrows_a_tutors_region(as_user, tutor, tree):
    spread(tree)
    response = as_user(tutor).get(
        URL, {"groups": tree["leeds"].pk, "user_type": "LEARNER", "per_page": 100}
    )
    assert shown(response) == members_under(tree["leeds"])


def test_ticking_the_whole_scope_sends_the_scope_condition_once(as_user, tutor, tree):
    spread(tree)
    client = as_user(tutor)
    everything = client.get(URL, {"user_type": "LEARNER", "per_page": 100})
    with CaptureQueriesContext(connection) as ctx:
        ticked = client.get(
            URL, {"groups": tree["north"].pk, "user_type": "LEARNER", "per_page": 100}
        )
    assert shown(ticked) == shown(everything) == members_under(tree["north"])
    rows_query = ctx.captured_queries[-1]["sql"]
    assert rows_query.count("scope_ids") == 1


def test_a_viewer_in_two_regions_ticking_one_sees_only_it(as_user, tree):
    both = AdminFactory(groups=[tree["north"], tree["south"]], roles=["Standard administrator"])
    spread(tree)
    client = as_user(both)
    response = client.get(
        URL, {"groups": tree["south"].pk, "user_type": "LEARNER", "per_page": 100}
    )
    assert shown(response) == members_under(tree["south"])
    response = client.get(URL, {"user_type": "LEARNER", "per_page": 100})
    assert shown(response) == members_under(tree["north"], tree["south"])


def test_an_administrator_without_groups_sees_nobody(as_user, tree):
    nobody = AdminFactory(groups=[], roles=["Standard administrator"])
    spread(tree)
    assert not User.objects.visible_to(nobody).exists()
    response = as_user(nobody).get(URL)
    assert response.status_code == 200
