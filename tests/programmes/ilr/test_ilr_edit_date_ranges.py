"""ILR dates typed on the Edit ILR forms stay within what the rules and the export can process."""

import datetime

import pytest

from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "Enter a date of birth on or after 01/01/1900."),
        ("1899-12-31", "Enter a date of birth on or after 01/01/1900."),
        ("9999-12-31", "Enter a date of birth on or before 31/12/2100."),
        ("2024-01-01", "a learner is at least 10 years old"),
    ],
)
def test_an_out_of_range_date_of_birth_is_refused_beside_the_field_and_kept(
    as_user, tree, learner, ilr, typed, message
):
    client = as_user(make_ilr_manager(tree))
    url = f"/users/{learner.pk}/ilr/edit/user/"
    data = {**form_data(client.get(url)), "date_of_birth": typed}
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["date_of_birth"])
    assert f'value="{typed}"' in response.content.decode()
    ilr.refresh_from_db()
    assert (ilr.date_of_birth, ilr.version) == (datetime.date(2000, 5, 17), 1)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("learn_start_date", "9999-12-31", "Enter a date on or before 31/12/2100."),
        ("learn_plan_end_date", "2101-01-01", "Enter a date on or before 31/12/2100."),
        ("learn_act_end_date", "9999-12-31", "Enter a date on or before 31/12/2100."),
        ("orig_learn_start_date", "1899-12-31", "Enter a date on or after 01/01/1900."),
    ],
)
def test_an_out_of_range_aim_date_is_refused_and_nothing_saved(
    as_user, tree, learner, ilr, field, typed, message
):
    client = as_user(make_ilr_manager(tree))
    aim = ilr.deliveries.get(aim_seq_number=2)
    url = f"/users/{learner.pk}/ilr/aims/{aim.pk}/edit/"
    data = {**form_data(client.get(url)), field: typed}
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'value="{typed}"' in response.content.decode()
    before = (aim.learn_start_date, aim.learn_plan_end_date, aim.learn_act_end_date)
    aim.refresh_from_db()
    assert (aim.learn_start_date, aim.learn_plan_end_date, aim.learn_act_end_date) == before
