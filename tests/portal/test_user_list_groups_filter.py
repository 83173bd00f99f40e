"""The Users page's Groups filter: a tree of checkboxes, not a Ctrl-click multiple select."""

from html.parser import HTMLParser

from tests.factories import AdminFactory, UserFactory

URL = "/users/"


class _GroupCheckboxes(HTMLParser):
    """Collects each ``groups`` checkbox as (list nesting level, label, value, checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.level = 0
        self.boxes: list[list] = []
        self.in_label = False
        self.selects: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "tree-picker-list" in (attrs.get("class") or ""):
            self.level += 1
        elif tag == "input" and attrs.get("name") == "groups" and attrs["type"] != "hidden":
            # (The page-size form repeats the search as hidden inputs.)
            assert attrs["type"] == "checkbox"
            self.boxes.append([self.level, "", attrs["value"], "checked" in attrs])
        elif tag == "label" and self.boxes and not self.boxes[-1][1]:
            self.in_label = True
        elif tag == "select":
            self.selects.append(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "ul" and self.level:
            self.level -= 1
        elif tag == "label":
            self.in_label = False

    def handle_data(self, data):
        if self.in_label:
            self.boxes[-1][1] += data


def group_checkboxes(response) -> _GroupCheckboxes:
    assert response.status_code == 200
    parser = _GroupCheckboxes()
    parser.feed(response.content.decode())
    return parser


def names(response) -> set[str]:
    return {u.full_name for u in response.context["page"].object_list}


def test_groups_filter_is_checkboxes_in_tree_order_nested_by_parent(as_user, supervisor, tree):
    parsed = group_checkboxes(as_user(supervisor).get(URL))
    assert "groups" not in parsed.selects
    assert [(level, label) for level, label, _, _ in parsed.boxes] == [
        (1, "Regions"),
        (2, "North"),
        (3, "Leeds"),
        (4, "Leeds cohort"),
        (2, "South"),
    ]
    assert [value for _, _, value, _ in parsed.boxes] == [
        str(tree[key].pk) for key in ("root", "north", "leeds", "cohort", "south")
    ]


def test_groups_filter_starts_at_the_viewers_own_groups(as_user, tutor, tree):
    parsed = group_checkboxes(as_user(tutor).get(URL))
    assert [(level, label) for level, label, _, _ in parsed.boxes] == [
        (1, "North"),
        (2, "Leeds"),
        (3, "Leeds cohort"),
    ]


def test_separate_branches_of_a_viewer_each_start_at_the_top(as_user, tree):
    # A cohort deep in North and South higher up: neither hangs under the other.
    viewer = AdminFactory(groups=[tree["cohort"], tree["south"]], roles=["Standard administrator"])
    parsed = group_checkboxes(as_user(viewer).get(URL))
    assert [(level, label) for level, label, _, _ in parsed.boxes] == [
        (1, "Leeds cohort"),
        (1, "South"),
    ]


def test_ticking_two_groups_filters_as_before_and_keeps_them_ticked(
    as_user, supervisor, learner, tree
):
    UserFactory(first_name="Sid", last_name="South", groups=[tree["south"]])
    UserFactory(first_name="Nora", last_name="North", groups=[tree["root"]])
    response = as_user(supervisor).get(
        URL, {"groups": [tree["cohort"].pk, tree["south"].pk], "user_type": "LEARNER"}
    )
    assert names(response) == {"John Smith", "Sid South"}
    ticked = [label for _, label, _, checked in group_checkboxes(response).boxes if checked]
    assert ticked == ["Leeds cohort", "South"]


def test_ticking_a_parent_group_includes_its_sub_groups(as_user, supervisor, learner, tree):
    UserFactory(first_name="Sid", last_name="South", groups=[tree["south"]])
    response = as_user(supervisor).get(URL, {"groups": tree["north"].pk, "user_type": "LEARNER"})
    assert names(response) == {"John Smith"}


def test_groups_help_no_longer_asks_for_ctrl_click(as_user, tutor):
    content = as_user(tutor).get(URL).content.decode()
    assert "Hold Ctrl" not in content
    assert "Each group ticked includes its sub-groups." in content


def test_a_group_outside_the_viewers_scope_is_still_refused(as_user, tutor, tree):
    response = as_user(tutor).get(URL, {"groups": tree["south"].pk})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Some filters could not be used" in response.content.decode()
    assert not any(checked for *_, checked in group_checkboxes(response).boxes)


def test_the_find_box_is_hidden_until_javascript_shows_it(as_user, tutor):
    # Without JavaScript it could not narrow anything; the checkboxes alone still work.
    content = as_user(tutor).get(URL).content.decode()
    assert '<div class="tree-picker-search mb-1" hidden>' in content
    assert 'src="/static/js/tree_picker.js"' in content
