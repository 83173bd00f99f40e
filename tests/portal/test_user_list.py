import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.filters import SORTS
from programmes.models import Enrolment
from tests.factories import AdminFactory, EnrolmentFactory, ProgrammeFactory, UserFactory
from users.models import Group, User

URL = "/users/"


def names(response) -> list[str]:
    return [u.full_name for u in response.context["page"].object_list]


def test_anonymous_is_redirected_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_tutor_sees_learners_in_their_groups_and_sub_groups(as_user, tutor, learner, tree):
    elsewhere = UserFactory(first_name="Sid", last_name="South", groups=[tree["south"]])
    response = as_user(tutor).get(URL)
    assert response.status_code == 200
    assert "John Smith" in names(response)
    assert elsewhere.full_name not in names(response)


def test_outsider_does_not_see_learners_of_other_groups(as_user, outsider, learner):
    response = as_user(outsider).get(URL)
    assert "John Smith" not in names(response)


def test_administrators_are_listed_only_for_supervisors(as_user, tutor, supervisor, colleague):
    assert "Colin Colleague" not in names(as_user(tutor).get(URL))
    assert "Colin Colleague" in names(as_user(supervisor).get(URL))


def test_archived_users_are_hidden_unless_viewer_may_see_them(as_user, tutor, supervisor, tree):
    UserFactory(
        first_name="Archie",
        last_name="Ved",
        groups=[tree["cohort"]],
        subscription_status=User.Status.ARCHIVED,
    )
    assert "Archie Ved" not in names(as_user(tutor).get(URL + "?status=ARCHIVED"))
    assert "Archie Ved" in names(as_user(supervisor).get(URL + "?status=ARCHIVED"))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("smith", True),
        ("SMI", True),
        ("smith jo", True),
        ("jo smith", True),
        ("mit", True),
        ("smith jane", False),
        ("xyz", False),
    ],
)
def test_name_search_matches_any_part_in_any_order(as_user, tutor, learner, query, found):
    response = as_user(tutor).get(URL, {"name": query})
    assert ("John Smith" in names(response)) is found


def test_name_search_ignores_accents_both_ways(as_user, tutor, tree):
    UserFactory(first_name="Zoë", last_name="Brontë", groups=[tree["cohort"]])
    assert names(as_user(tutor).get(URL, {"name": "zoe bronte"})) == ["Zoë Brontë"]
    assert names(as_user(tutor).get(URL, {"name": "ZOË"})) == ["Zoë Brontë"]


def test_name_search_matches_preferred_name(as_user, tutor, tree):
    UserFactory(
        first_name="Robert", last_name="Jones", preferred_name="Bob", groups=[tree["cohort"]]
    )
    assert names(as_user(tutor).get(URL, {"name": "bob"})) == ["Robert Jones"]


def test_default_statuses_are_prospect_invited_and_full_user(as_user, tutor, tree):
    for status in User.Status:
        UserFactory(
            first_name=status.label.replace(" ", ""),
            last_name="Status",
            subscription_status=status,
            groups=[tree["cohort"]],
        )
    shown = set(names(as_user(tutor).get(URL)))
    assert shown == {"Prospect Status", "Invited Status", "Fulluser Status"}


def test_status_filter_takes_several_values(as_user, tutor, tree):
    for status in (User.Status.EXPIRED, User.Status.CANCELLED, User.Status.FULL_USER):
        UserFactory(
            first_name=status.label.replace(" ", ""),
            last_name="Status",
            subscription_status=status,
            groups=[tree["cohort"]],
        )
    response = as_user(tutor).get(URL + "?status=EXPIRED&status=CANCELLED")
    assert set(names(response)) == {"Expired Status", "Cancelled Status"}


def test_expiring_filter_finds_subscriptions_ending_within_30_days(
    as_user, tutor, tree, time_machine
):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0))
    UserFactory(
        first_name="Soon",
        last_name="Ending",
        groups=[tree["cohort"]],
        subscription_end=datetime.date(2026, 12, 29),
    )
    UserFactory(
        first_name="Later",
        last_name="Ending",
        groups=[tree["cohort"]],
        subscription_end=datetime.date(2026, 12, 30),
    )
    UserFactory(
        first_name="Past",
        last_name="Ending",
        groups=[tree["cohort"]],
        subscription_end=datetime.date(2026, 11, 28),
    )
    response = as_user(tutor).get(URL + "?status=EXPIRING")
    assert names(response) == ["Soon Ending"]


def test_group_filter_includes_sub_groups(as_user, supervisor, learner, tree):
    UserFactory(first_name="Sid", last_name="South", groups=[tree["south"]])
    response = as_user(supervisor).get(URL, {"groups": tree["north"].pk, "user_type": "LEARNER"})
    assert names(response) == ["John Smith"]


def test_group_filter_accepts_several_groups(as_user, supervisor, learner, tree):
    UserFactory(first_name="Sid", last_name="South", groups=[tree["south"]])
    response = as_user(supervisor).get(
        URL + f"?groups={tree['cohort'].pk}&groups={tree['south'].pk}&user_type=LEARNER"
    )
    assert set(names(response)) == {"John Smith", "Sid South"}


def test_group_filter_refuses_groups_the_viewer_cannot_see(as_user, tutor, tree):
    response = as_user(tutor).get(URL, {"groups": tree["south"].pk})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Some filters could not be used" in response.content.decode()


def test_group_choices_offer_only_visible_groups(as_user, tutor, tree):
    response = as_user(tutor).get(URL)
    choices = {pk for pk, _ in response.context["filter"].form.fields["groups"].choices}
    assert choices == {tree["north"].pk, tree["leeds"].pk, tree["cohort"].pk}


def test_each_viewer_gets_their_own_choices_whoever_searched_before(
    as_user, tutor, supervisor, tree
):
    def choices(viewer, field: str) -> set:
        form = as_user(viewer).get(URL).context["filter"].form
        return {value for value, _ in form.fields[field].choices}

    everything = choices(supervisor, "groups")
    assert "ADMINISTRATOR" in choices(supervisor, "user_type")
    assert choices(tutor, "groups") == {tree["north"].pk, tree["leeds"].pk, tree["cohort"].pk}
    assert choices(tutor, "groups") < everything
    assert "ADMINISTRATOR" not in choices(tutor, "user_type")
    assert "ADMINISTRATOR" in choices(supervisor, "user_type")
    assert choices(supervisor, "groups") == everything


def test_a_new_programme_and_case_owner_are_offered_at_once(as_user, tutor, tree):
    client = as_user(tutor)
    client.get(URL)
    programme = ProgrammeFactory(name="Brand new programme")
    owner = AdminFactory(first_name="Newly", last_name="Appointed", groups=[tree["north"]])
    body = client.get(URL).content.decode()
    assert f'<option value="{programme.pk}">Brand new programme</option>' in body
    assert f'<option value="{owner.pk}">Newly Appointed</option>' in body


def test_email_filter_is_partial_and_case_insensitive(as_user, tutor, learner, tree):
    UserFactory(
        first_name="Other", last_name="Person", email="other@example.net", groups=[tree["cohort"]]
    )
    assert names(as_user(tutor).get(URL, {"email": "JOHN.SMITH@"})) == ["John Smith"]


def test_type_filter(as_user, tutor, learner, tree):
    UserFactory(
        first_name="Emma",
        last_name="Employer",
        user_type=User.Type.EMPLOYER,
        groups=[tree["cohort"]],
    )
    assert names(as_user(tutor).get(URL, {"user_type": "EMPLOYER"})) == ["Emma Employer"]
    assert names(as_user(tutor).get(URL, {"user_type": "LEARNER"})) == ["John Smith"]


def test_type_filter_does_not_offer_admin_to_non_supervisors(as_user, tutor):
    response = as_user(tutor).get(URL)
    values = [c[0] for c in response.context["filter"].form.fields["user_type"].choices]
    assert "ADMINISTRATOR" not in values


def test_programme_and_programme_status_apply_to_the_same_current_enrolment(
    as_user, tutor, learner, tree
):
    programme, other = ProgrammeFactory(name="Business Admin"), ProgrammeFactory()
    EnrolmentFactory(learner=learner, programme=programme, status=Enrolment.Status.ACTIVE)
    second = UserFactory(first_name="Break", last_name="Taker", groups=[tree["cohort"]])
    EnrolmentFactory(learner=second, programme=programme, status=Enrolment.Status.ON_A_BREAK)
    EnrolmentFactory(
        learner=second, programme=other, status=Enrolment.Status.ACTIVE, is_current=False
    )
    client = as_user(tutor)
    assert set(names(client.get(URL, {"programme": programme.pk}))) == {"John Smith", "Break Taker"}
    assert names(client.get(URL, {"programme_status": "ON_A_BREAK"})) == ["Break Taker"]
    both = client.get(URL, {"programme": programme.pk, "programme_status": "ACTIVE"})
    assert names(both) == ["John Smith"]
    # A past enrolment does not count.
    assert names(client.get(URL, {"programme": other.pk})) == []


def test_ni_number_filter_ignores_spaces_and_case(as_user, tutor, learner):
    assert names(as_user(tutor).get(URL, {"ni_number": "ab 12 34 56 c"})) == ["John Smith"]
    assert names(as_user(tutor).get(URL, {"ni_number": "AB1234"})) == ["John Smith"]
    assert names(as_user(tutor).get(URL, {"ni_number": "ZX123456"})) == []


def test_case_owner_filter(as_user, tutor, learner, tree):
    learner.case_owner = tutor
    learner.save()
    UserFactory(first_name="No", last_name="Owner", groups=[tree["cohort"]])
    assert names(as_user(tutor).get(URL, {"case_owner": tutor.pk})) == ["John Smith"]


def test_reference_number_filter(as_user, tutor, learner, tree):
    learner.reference_number = "MIS-00042"
    learner.save()
    UserFactory(
        first_name="Other", last_name="Ref", reference_number="MIS-00099", groups=[tree["cohort"]]
    )
    assert names(as_user(tutor).get(URL, {"reference_number": "mis-00042"})) == ["John Smith"]


def test_filters_combine(as_user, tutor, learner, tree):
    programme = ProgrammeFactory()
    EnrolmentFactory(learner=learner, programme=programme)
    UserFactory(first_name="John", last_name="Smithson", groups=[tree["cohort"]])
    response = as_user(tutor).get(
        URL,
        {
            "name": "john smith",
            "programme": programme.pk,
            "status": "FULL_USER",
            "ni_number": "AB123456C",
            "groups": tree["leeds"].pk,
        },
    )
    assert names(response) == ["John Smith"]


def test_active_filters_can_each_be_removed(as_user, tutor, learner):
    response = as_user(tutor).get(URL, {"name": "smith", "email": "john"})
    chips = {c["label"]: c["query"] for c in response.context["active_filters"]}
    assert "name=" not in chips["User name"].replace("name=&", "")
    assert "email=john" in chips["User name"]
    assert "name=smith" in chips["Email"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ann Able", "Bob Baker", "Cat Cole"]),
        ("-name", ["Cat Cole", "Bob Baker", "Ann Able"]),
        ("email", ["Cat Cole", "Ann Able", "Bob Baker"]),
        ("-created", ["Cat Cole", "Bob Baker", "Ann Able"]),
    ],
)
def test_columns_sort_both_ways(as_user, tutor, tree, sort, expected):
    UserFactory(first_name="Ann", last_name="Able", email="b@example.com", groups=[tree["cohort"]])
    UserFactory(first_name="Bob", last_name="Baker", email="c@example.com", groups=[tree["cohort"]])
    UserFactory(first_name="Cat", last_name="Cole", email="a@example.com", groups=[tree["cohort"]])
    assert names(as_user(tutor).get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize(
    "sort", ["type", "status", "programme", "case_owner", "reference", "-programme", "bogus"]
)
def test_every_sort_key_works(as_user, tutor, learner, sort):
    assert as_user(tutor).get(URL, {"sort": sort}).status_code == 200


def test_every_sort_has_a_column_heading_that_sorts_by_it(as_user, tutor, learner):
    body = as_user(tutor).get(URL, {"sort": "-email"}).content.decode()
    headings = re.findall(r'<th scope="col"[^>]*><a href="\?[^"]*sort=(-?\w+)', body)
    assert sorted(h.lstrip("-") for h in headings) == sorted(SORTS)
    # The current sort's heading reverses it; every other heading sorts ascending.
    assert [h for h in headings if h.startswith("-")] == []
    assert 'aria-sort="descending"><a href="?sort=email&amp;' in body


def test_page_size_defaults_to_25_and_accepts_only_offered_sizes(as_user, tutor, tree):
    UserFactory.create_batch(30, groups=[tree["cohort"]])
    client = as_user(tutor)
    assert len(client.get(URL).context["page"].object_list) == 25
    assert len(client.get(URL, {"per_page": 10}).context["page"].object_list) == 10
    assert len(client.get(URL, {"per_page": 7}).context["page"].object_list) == 25
    assert len(client.get(URL, {"per_page": "x"}).context["page"].object_list) == 25
    second = client.get(URL, {"per_page": 25, "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_results_show_count_and_link_to_each_user(as_user, tutor, learner):
    body = as_user(tutor).get(URL).content.decode()
    assert "1</strong> user found" in body
    assert f'href="/users/{learner.pk}/"' in body


def test_row_actions_follow_permissions(as_user, tutor, colleague, learner):
    edit = f'href="/users/{learner.pk}/edit/"'
    cancel = f'href="/users/{learner.pk}/cancel/"'
    tutor_page = as_user(tutor).get(URL).content.decode()
    assert edit in tutor_page
    assert cancel in tutor_page
    colleague_page = as_user(colleague).get(URL).content.decode()
    assert edit not in colleague_page
    assert cancel not in colleague_page


def test_reinstate_action_is_offered_for_cancelled_users(as_user, tutor, learner):
    learner.subscription_status = User.Status.CANCELLED
    learner.save()
    body = as_user(tutor).get(URL, {"status": "CANCELLED"}).content.decode()
    assert f'href="/users/{learner.pk}/reinstate/"' in body


def test_htmx_request_gets_only_the_results(as_user, tutor, learner):
    response = as_user(tutor).get(URL, {"name": "smith"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "John Smith" in body or "Smith, John" in body
    assert "<html" not in body


def test_markup_in_a_users_details_is_shown_as_text(as_user, tutor, tree):
    owner = AdminFactory(first_name="<i>Olga", last_name="Owner", groups=[tree["north"]])
    person = UserFactory(
        first_name="<script>",
        last_name='Quote"Smith',
        email="a<b@example.com",
        reference_number="<b>REF",
        case_owner=owner,
        groups=[tree["cohort"]],
    )
    EnrolmentFactory(learner=person, programme=ProgrammeFactory(name="<em>Bricks"))
    for headers in ({}, {"HX-Request": "true"}):
        body = as_user(tutor).get(URL, {"name": "quote"}, headers=headers).content.decode()
        assert (
            'title="Quote&quot;Smith, &lt;script&gt;">Quote&quot;Smith, &lt;script&gt;</a>' in body
        )
        assert 'aria-label="Edit &lt;script&gt; Quote&quot;Smith"' in body
        assert 'title="a&lt;b@example.com">a&lt;b@example.com</td>' in body
        assert 'title="&lt;b&gt;REF">&lt;b&gt;REF</td>' in body
        assert 'title="&lt;i&gt;Olga Owner">&lt;i&gt;Olga Owner</td>' in body
        assert 'title="&lt;em&gt;Bricks">&lt;em&gt;Bricks</span>' in body
        for raw in ("<script>", 'Quote"Smith', "a<b@", "<b>REF", "<i>Olga", "<em>Bricks"):
            assert raw not in body


def test_the_choice_lists_are_read_once_then_kept_in_the_cache(as_user, supervisor, learner):
    programme = ProgrammeFactory()
    EnrolmentFactory(learner=learner, programme=programme)
    client = as_user(supervisor)
    htmx = {"HX-Request": "true"}

    def tables(params: dict, headers: dict) -> set[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, params, headers=headers).status_code == 200
        lists = ("programmes_programme", "users_group", "'ADMINISTRATOR'")
        return {t for q in ctx for t in lists if t in q["sql"]}

    # The results alone, which htmx asks for as the administrator types, draw no panel.
    assert tables({"name": "smith"}, htmx) == set()
    # The first whole page builds every list; later ones, whoever asks, read them from the cache.
    assert tables({"name": "smith"}, {}) == {
        "programmes_programme",
        "users_group",
        "'ADMINISTRATOR'",
    }
    assert tables({"name": "jones"}, {}) == set()
    # A programme asked for is checked against the kept list and named in its filter chip.
    assert tables({"programme": programme.pk}, htmx) == set()
    chips = client.get(URL, {"programme": programme.pk}, headers=htmx).context["active_filters"]
    assert [(c["label"], c["value"]) for c in chips] == [("Programme", programme.name)]


def test_a_change_to_a_programme_group_or_administrator_is_offered_at_once(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    client.get(URL)  # the lists are now in the cache
    programme = ProgrammeFactory(name="Brand new programme")
    group = Group.objects.add_root(instance=Group(name="Brand new region"))
    owner = AdminFactory(first_name="Newly", last_name="Hired")
    body = client.get(URL).content.decode()
    for name in ("Brand new programme", "Brand new region", "Newly Hired"):
        assert name in body
    programme.name = "Renamed programme"
    programme.save()
    group.name = "Renamed region"
    group.save()
    owner.last_name = "Married"
    owner.save()
    body = client.get(URL).content.decode()
    for name in ("Renamed programme", "Renamed region", "Newly Married"):
        assert name in body
    for name in ("Brand new programme", "Brand new region", "Newly Hired"):
        assert name not in body
    owner.subscription_status = owner.Status.ARCHIVED
    owner.save()
    programme.delete()
    assert "Newly Married" not in client.get(URL).content.decode()
    assert "Renamed programme" not in client.get(URL).content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?name=smith&groups={north}&programme={programme}"])
def test_query_count_does_not_grow_with_the_data(as_user, tutor, tree, query):
    programme = ProgrammeFactory()
    url = URL + query.format(north=tree["north"].pk, programme=programme.pk)
    client = as_user(tutor)

    def add_learners(n):
        for _ in range(n):
            learner = UserFactory(last_name="Smith", groups=[tree["cohort"]], case_owner=tutor)
            EnrolmentFactory(learner=learner, programme=programme)

    add_learners(2)
    client.get(url)  # builds the cached choice lists (aptem/shared_lists.py)
    small = _count_queries(client, url)
    add_learners(20)
    assert _count_queries(client, url) == small
    # Session, user, the tutor's groups, the page's keys and rows, and the profile links' roles.
    assert small <= 7


@pytest.mark.parametrize("user_type", [User.Type.LEARNER, User.Type.EMPLOYER])
def test_learners_and_employers_who_sign_in_cannot_use_the_portal(
    as_user, learner, tree, user_type
):
    person = UserFactory(user_type=user_type, groups=[tree["north"]])
    client = as_user(person)
    for url in (
        URL,
        f"/users/{learner.pk}/",
        "/users/export.csv",
        "/users/create/user/",
        f"/users/{learner.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url


def test_default_statuses_are_not_shown_as_active_filters(as_user, tutor, learner):
    assert as_user(tutor).get(URL).context["active_filters"] == []
    chips = as_user(tutor).get(URL, {"status": "EXPIRED"}).context["active_filters"]
    assert [(c["label"], c["value"]) for c in chips] == [("Status", "Expired")]


def test_name_search_pages_count_every_match(as_user, tutor, tree):
    UserFactory.create_batch(30, last_name="Smith", groups=[tree["cohort"]])
    client = as_user(tutor)
    first = client.get(URL, {"name": "smith"}).context["page"]
    assert first.paginator.count == 30
    assert len(first.object_list) == 25
    second = client.get(URL, {"name": "smith", "page": 2}).context["page"]
    assert (second.number, len(second.object_list)) == (2, 5)
    beyond = client.get(URL, {"name": "smith", "page": 9}).context["page"]
    assert beyond.number == 2
    assert client.get(URL, {"name": "smith", "page": "x"}).context["page"].number == 1
    assert client.get(URL, {"name": "nobody"}).context["page"].paginator.count == 0
