"""The confirmation pages of user actions (cancel, extend, archive, reinstate, unlock) are the
one shared form (components/_form.html): the same error summary, linked to the field, and the
same stale-save refusal as every other edit."""

import datetime

import pytest

from users import services


def _summary(response) -> str:
    page = response.content.decode()
    assert 'id="error-summary"' in page
    return page[page.index('id="error-summary"') :]


@pytest.mark.parametrize(
    ("action", "field"), [("cancel", "reason"), ("archive", "reason"), ("extend", "reason")]
)
def test_an_action_posted_without_a_reason_links_the_summary_to_the_reason(
    as_user, supervisor, learner, action, field
):
    response = as_user(supervisor).post(
        f"/users/{learner.pk}/{action}/", {"version": learner.version}
    )
    assert response.status_code == 200
    summary = _summary(response)
    assert "There is a problem" in summary
    assert f'href="#id_{field}"' in summary
    learner.refresh_from_db()
    assert learner.version == 1


@pytest.mark.parametrize("action", ["cancel", "extend", "archive", "reinstate", "unlock"])
def test_every_action_page_offers_its_button_and_a_way_back(as_user, supervisor, learner, action):
    if action == "reinstate":
        services.user_cancel(user=learner, actor=supervisor, reason="Left", based_on_version=1)
    if action == "unlock":
        # Unlock shows its page only for a locked sign-in; a POST unlocks straight away.
        response = as_user(supervisor).post(f"/users/{learner.pk}/unlock/")
        assert response.status_code == 302
        return
    page = as_user(supervisor).get(f"/users/{learner.pk}/{action}/").content.decode()
    assert 'class="d-flex gap-2"' in page
    assert f'href="{learner.get_absolute_url()}"' in page


def test_a_stale_extension_is_refused_and_offered_again_on_the_current_version(
    as_user, tutor, learner
):
    learner.subscription_end = datetime.date(2026, 7, 1)
    learner.save()
    # Someone else extends after the form was opened on version 1.
    services.user_extend(
        user=learner,
        actor=tutor,
        end=datetime.date(2027, 1, 1),
        reason="Theirs",
        based_on_version=learner.version,
    )
    response = as_user(tutor).post(
        f"/users/{learner.pk}/extend/",
        {"subscription_end": "2027-06-01", "reason": "Mine", "version": 1},
    )
    assert response.status_code == 409
    assert response.context["conflict"] is not None
    form = response.context["form"]
    assert form.data["version"] == 2
    assert "subscription_end" not in form.errors
    learner.refresh_from_db()
    assert learner.subscription_end == datetime.date(2027, 1, 1)


def test_a_stale_archive_is_refused_and_nothing_is_archived(as_user, supervisor, learner):
    services.user_cancel(user=learner, actor=supervisor, reason="Left", based_on_version=1)
    response = as_user(supervisor).post(
        f"/users/{learner.pk}/archive/", {"reason": "Gone", "version": 1}
    )
    assert response.status_code == 409
    assert "Someone else saved this user" in response.content.decode()
    learner.refresh_from_db()
    assert learner.subscription_status == learner.Status.CANCELLED
