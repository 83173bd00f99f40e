"""A learner whose ILR went out in an export file cannot be archived."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_ilr
from users import services
from users.models import User


def _exported(learner):
    ilr = make_ilr(learner)
    ilr.last_exported_at = timezone.make_aware(datetime.datetime(2026, 10, 6, 9, 15))
    ilr.last_export_file = "ILR-99999999-2526-20261006-091500-03.xml"
    ilr.save(update_fields=["last_exported_at", "last_export_file"])
    return ilr


def test_the_archive_page_explains_why_an_exported_learner_stays(as_user, supervisor, learner):
    _exported(learner)
    response = as_user(supervisor).get(f"/users/{learner.pk}/archive/")
    assert response.status_code == 409
    text = response.content.decode()
    assert "ILR-99999999-2526-20261006-091500-03.xml on 06/10/2026" in text
    assert "archived learners cannot be in a submitted ILR" in text
    assert 'name="reason"' not in text  # no archive form is offered


def test_posting_the_archive_form_for_an_exported_learner_changes_nothing(
    as_user, supervisor, learner
):
    _exported(learner)
    response = as_user(supervisor).post(f"/users/{learner.pk}/archive/", {"reason": "Left"})
    assert response.status_code == 409
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.FULL_USER


def test_the_service_refuses_too(supervisor, learner):
    _exported(learner)
    with pytest.raises(services.ArchiveRefused, match="cannot be in a submitted ILR"):
        services.user_archive(
            user=learner, actor=supervisor, reason="Left", based_on_version=learner.version
        )


def test_a_learner_whose_ilr_was_never_exported_can_be_archived(as_user, supervisor, learner):
    make_ilr(learner)
    data = {"reason": "Left", "version": learner.version}
    response = as_user(supervisor).post(f"/users/{learner.pk}/archive/", data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.ARCHIVED
