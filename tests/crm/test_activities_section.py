"""The Activities section of a learner's profile."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import CrmActivity

from .factories import ActivityFactory, CrmLinkFactory

pytestmark = pytest.mark.django_db


def profile(learner):
    return f"/users/{learner.pk}/"


def test_it_sits_after_contacts_and_before_compliance_documents(as_user, tutor, learner):
    keys = [s["section"].key for s in as_user(tutor).get(profile(learner)).context["sections"]]
    assert keys.index("contacts") + 1 == keys.index("crm-activities")
    assert keys.index("crm-activities") + 1 == keys.index("compliance")


def test_it_shows_the_count_the_latest_few_and_log_activity(as_user, tutor, learner):
    for n in range(7):
        ActivityFactory(learner=learner, subject=f"Call number {n}", created_by=tutor)
    response = as_user(tutor).get(profile(learner))
    body = response.content.decode()
    section = next(s for s in response.context["sections"] if s["section"].key == "crm-activities")
    assert section["count"] == "7"
    assert "7 activities logged; the latest 5 are shown." in body
    assert "Call number 6" in body
    assert "Call number 1" not in body
    assert f'hx-get="/users/{learner.pk}/activities/add/"' in body
    assert f'href="/users/{learner.pk}/activities/"' in body


def test_edit_is_offered_only_on_own_activities(as_user, colleague, tutor, learner):
    mine = ActivityFactory(learner=learner, created_by=colleague)
    theirs = ActivityFactory(learner=learner, created_by=tutor)
    body = as_user(colleague).get(profile(learner)).content.decode()
    assert f"/activities/{mine.pk}/edit/" in body
    assert f"/activities/{theirs.pk}/edit/" not in body


def test_the_export_block_is_for_data_export_only(as_user, tutor, colleague, learner):
    ActivityFactory(learner=learner)
    export = f"/users/{learner.pk}/activities/export.csv"
    reviews = f"/users/{learner.pk}/reviews/export.csv"
    body = as_user(tutor).get(profile(learner)).content.decode()
    assert export in body
    assert reviews in body
    body = as_user(colleague).get(profile(learner)).content.decode()
    assert export not in body


def _queries(client, learner) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(profile(learner)).status_code == 200
    return len(ctx.captured_queries)


def test_the_section_keeps_the_profile_query_count_fixed(as_user, tutor, supervisor, learner):
    link = CrmLinkFactory(learner=learner)
    client = as_user(tutor)
    ActivityFactory(learner=learner, created_by=tutor)
    small = _queries(client, learner)
    ActivityFactory.create_batch(12, learner=learner, created_by=supervisor)
    ActivityFactory.create_batch(
        6, learner=learner, with_whom=CrmActivity.With.CRM, crm_contact=link.crm_contact
    )
    assert _queries(client, learner) == small
