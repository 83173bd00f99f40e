"""The profile's Programme section: the current programmes and the latest earlier ones, with
the exact count and a link to the learner's programmes page when there are more."""

import datetime
import re

from tests.factories import EnrolmentFactory
from tests.portal.test_profile_index import _links


def _history(learner, n):
    """``n`` earlier enrolments, the latest started last."""
    return [
        EnrolmentFactory(
            learner=learner,
            is_current=False,
            status="COMPLETE",
            programme__name=f"Earlier programme {i:02d}",
            start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(n)
    ]


def _section(body: str) -> str:
    start = body.index('id="programmes"')
    return body[start : body.index("ILR 20", start)]


def test_shows_the_current_programmes_and_the_latest_ten_earlier_ones(as_user, supervisor, learner):
    earlier = _history(learner, 30)
    current = [
        EnrolmentFactory(learner=learner, programme__name=name, start_date=None)
        for name in ("Onboarding Digital", "Data Technician L3")
    ]
    response = as_user(supervisor).get(f"/users/{learner.pk}/")
    section = _section(response.content.decode())
    assert section.count("<tr>") == 1 + 12  # the header, 2 current, 10 earlier
    for enrolment in current:
        assert enrolment.programme.name in section
        # Every action on a current programme stays on the profile.
        assert f"/users/{learner.pk}/programmes/{enrolment.pk}/status/" in section
    shown = [e.programme.name for e in earlier[::-1][:10]]
    assert re.findall(r"Earlier programme \d\d", section) == shown
    assert "12 of 32 programmes are shown" in section
    assert f'<a href="/users/{learner.pk}/programmes/">See all 32 programmes</a>' in section
    assert dict(_links(response.content.decode()))["programmes"] == "Programme (32)"


def test_no_see_all_link_when_every_programme_is_shown(as_user, supervisor, learner):
    _history(learner, 10)
    EnrolmentFactory(learner=learner)
    section = _section(as_user(supervisor).get(f"/users/{learner.pk}/").content.decode())
    assert section.count("<tr>") == 1 + 11
    assert "See all" not in section
