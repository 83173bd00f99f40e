"""The Users grid at the screen sizes administrators have (issue 11): no sideways scrolling,
actions in view, one line a row, and a Groups filter used by keyboard without Ctrl-click."""

import pytest
from playwright.sync_api import expect

from tests.factories import AdminFactory, EnrolmentFactory, UserFactory
from users.models import Group, User

from .helpers import check_accessibility, expect_result_count, screenshot, search, visit

# At most 100 characters, as Group.name allows (SQLite would not say; PostgreSQL does).
LONG_GROUP = (
    "North Yorkshire and the Humber Regional Apprenticeship Delivery Centre, Evening Cohort 2026"
)
LONG_PROGRAMME = (
    "Level 5 Operations or Departmental Manager Apprenticeship Standard with "
    "Integrated End-Point Assessment"
)
# One-line rows are about 48px high (the Edit/Cancel buttons set it); a second line of text
# would add over 20px.
ONE_LINE_ROW_MAX_PX = 56


@pytest.fixture
def long_group(tree) -> Group:
    return Group.objects.add_child(tree["north"], instance=Group(name=LONG_GROUP))


@pytest.fixture
def long_rows(long_group) -> list[User]:
    owner = AdminFactory(first_name="Bartholomew-Alexander", last_name="Montgomery-Fairweather")
    people = []
    for n, status in enumerate([User.Status.FULL_USER] * 3 + [User.Status.CANCELLED]):
        person = UserFactory(
            first_name=f"Maximiliana-Josephine{n}",
            last_name="Featherstonehaugh-Worthington-Smythe",
            email=f"maximiliana.josephine.featherstonehaugh-worthington{n}@learners.example.com",
            reference_number=f"MIS-2026-00000{n}",
            subscription_status=status,
            case_owner=owner,
            groups=[long_group],
        )
        EnrolmentFactory(learner=person, programme__name=LONG_PROGRAMME, is_current=True)
        people.append(person)
    return people


@pytest.mark.parametrize("width", [1366, 1024])
def test_users_grid_fits_the_screen_one_line_a_row_with_actions_in_view(
    page, sign_in, supervisor, long_group, long_rows, width
):
    page.set_viewport_size({"width": width, "height": 768})
    sign_in(supervisor)
    # The long group is also chosen, so its name appears in the picker and as a filter chip.
    visit(page, f"/users/?groups={long_group.pk}&status=FULL_USER&status=CANCELLED")
    expect_result_count(page, 4)
    screenshot(page, f"users-grid-{width}")

    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"the page scrolls sideways at {width}px"

    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(4)
    for index in range(4):
        row = rows.nth(index)
        height = row.bounding_box()["height"]
        assert height < ONE_LINE_ROW_MAX_PX, f"row {index} is {height}px high at {width}px"
        actions = row.locator(".row-actions a")
        expect(actions).to_have_count(2)  # Edit, and Cancel or Reinstate
        for action in actions.all():
            box = action.bounding_box()
            where = f"{action.inner_text()} in row {index} at {width}px"
            assert box["x"] >= 0, f"{where} is off the left edge"
            assert box["x"] + box["width"] <= width, f"{where} is past the right edge"
    expect(rows.last.get_by_role("link", name="Reinstate")).to_be_visible()

    # The long values are cut on screen, but the full text is still there to read.
    full_name = "Featherstonehaugh-Worthington-Smythe, Maximiliana-Josephine0"
    name = rows.first.get_by_role("link", name=full_name, exact=True)
    expect(name).to_have_text(full_name)
    expect(name).to_have_attribute("title", full_name)
    assert name.evaluate("el => el.scrollWidth > el.clientWidth"), "the name should be cut"
    programme = rows.first.get_by_title(LONG_PROGRAMME)
    expect(programme).to_have_text(LONG_PROGRAMME)
    assert programme.evaluate("el => el.scrollWidth > el.clientWidth")
    if width >= 1200:
        expect(
            rows.first.get_by_title("Bartholomew-Alexander Montgomery-Fairweather")
        ).to_be_visible()
    else:
        # The less-used columns give way on a narrower screen; the CSV export keeps them.
        expect(page.get_by_role("columnheader", name="Case owner")).to_be_hidden()


def test_groups_filter_is_found_ticked_by_keyboard_and_searched(
    page, sign_in, tutor, learner, tree
):
    bradford = Group.objects.add_child(tree["north"], instance=Group(name="Bradford"))
    UserFactory(first_name="Brad", last_name="Ford", groups=[bradford])
    sign_in(tutor)
    visit(page, "/users/")
    expect_result_count(page, 2)
    picker = page.get_by_role("group", name="Groups")
    cohort_box = picker.get_by_role("checkbox", name="Leeds cohort")

    find = picker.get_by_role("searchbox", name="Find a group")
    find.focus()
    page.keyboard.type("coh")
    expect(picker.get_by_text("1 match")).to_be_visible()
    expect(picker.get_by_role("checkbox", name="Bradford")).to_be_hidden()
    # North and Leeds stay in view to show where the cohort sits.
    expect(picker.get_by_role("checkbox", name="Leeds", exact=True)).to_be_visible()
    expect(picker.locator(".tree-picker-context > .form-check label")).to_have_text(
        ["North", "Leeds"]
    )
    check_accessibility(page)
    screenshot(page, "users-groups-picker-found")

    # Enter in the find box does not submit the search half-made.
    page.keyboard.press("Enter")
    for _ in range(4):
        page.keyboard.press("Tab")
        if cohort_box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tabbing on from the find box never reached the Leeds cohort checkbox")
    page.keyboard.press("Space")
    expect(cohort_box).to_be_checked()
    expect(picker.get_by_role("checkbox", name="North")).not_to_be_checked()

    search(page, page.get_by_role("button", name="Search").click, groups=str(tree["cohort"].pk))
    expect_result_count(page, 1)
    expect(page.get_by_role("link", name="Remove filter Groups: Leeds cohort")).to_be_visible()
