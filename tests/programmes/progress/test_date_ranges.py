"""Milestone and functional skills dates stay within what the whole portal can process."""

import pytest

from programmes.models import FunctionalSkillAssessment, Milestone

from .test_functional_skill_views import good as skill
from .test_functional_skill_views import url as skill_url
from .test_milestone_views import good as milestone
from .test_milestone_views import url as milestone_url


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date", "2101-01-01", "Enter a date on or before 31/12/2100."),
        ("date", "9999-12-31", "Enter a date on or before 31/12/2100."),
        ("achievement_date", "9999-12-31", "cannot be in the future"),
    ],
)
def test_a_milestone_date_out_of_range_is_refused_beside_the_field_and_kept(
    as_user, supervisor, learner, enrolment, field, typed, message
):
    data = {**milestone(enrolment, status="ACHIEVED", achievement_date="2026-06-01"), field: typed}
    response = as_user(supervisor).post(milestone_url(learner, "add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'value="{typed}"' in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01", "Enter a date from 01/01/2000 onwards."),
        ("1899-12-31", "Enter a date from 01/01/2000 onwards."),
        ("9999-12-31", "cannot be in the future"),
    ],
)
def test_a_functional_skills_date_out_of_range_is_refused_and_nothing_saved(
    as_user, supervisor, learner, typed, message
):
    response = as_user(supervisor).post(skill_url(learner, "add"), skill(assessed_on=typed))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["assessed_on"])
    assert not FunctionalSkillAssessment.objects.exists()
