import datetime

import pytest

from activity.models import Task


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC))


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/2101"])
def test_a_due_date_beyond_2100_is_refused_kept_and_nothing_saved(as_user, tutor, learner, typed):
    response = as_user(tutor).post(
        f"/users/{learner.pk}/tasks/add/", {"title": "Revise", "due_date": typed}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == ["Enter a date on or before 31/12/2100."]
    assert f'value="{typed}"' in response.content.decode()
    assert not Task.objects.exists()
