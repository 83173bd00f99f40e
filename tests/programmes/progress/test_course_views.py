import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.models import LearnerCourse
from tests.factories import CourseFactory, LearnerCourseFactory


def url(learner, action="", record=None):
    base = f"/users/{learner.pk}/courses/"
    if record is not None:
        base += f"{record.pk}/"
    return base + (f"{action}/" if action else "")


@pytest.fixture
def record(learner):
    return LearnerCourseFactory(learner=learner, course__name="Excel basics")


def progress(**overrides) -> dict:
    data = {
        "started_on": "2026-02-01",
        "progress": "40",
        "status": "IN_PROGRESS",
        "completed_on": "",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("action", ["", "start"])
def test_anonymous_is_sent_to_login(client, learner, action):
    response = client.get(url(learner, action))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, record):
    client = as_user(outsider)
    assert client.get(url(learner)).status_code == 404
    assert client.get(url(learner, "start")).status_code == 404
    assert client.get(url(learner, "edit", record)).status_code == 404


def test_colleague_sees_progress_but_may_not_start_or_record(as_user, colleague, learner, record):
    client = as_user(colleague)
    assert "Excel basics" in client.get(url(learner)).content.decode()
    assert client.get(url(learner, "start")).status_code == 403
    assert client.post(url(learner, "edit", record), progress(progress="90")).status_code == 403
    record.refresh_from_db()
    assert record.progress == 10


def test_another_learners_course_is_404(as_user, tutor, learner, tree):
    other = LearnerCourseFactory(learner__groups=[tree["cohort"]])
    assert as_user(tutor).get(url(learner, "edit", other)).status_code == 404


def test_start_offers_only_active_courses_the_learner_is_not_on(as_user, tutor, learner, record):
    CourseFactory(name="Word processing")
    CourseFactory(name="Retired course", is_active=False)
    body = as_user(tutor).get(url(learner, "start")).content.decode()
    assert 'type="radio"' in body
    assert "Word processing" in body
    assert "Excel basics" not in body
    assert "Retired course" not in body


def test_start_course_starts_it_today_and_is_audited(as_user, tutor, learner):
    course = CourseFactory(name="Word processing")
    response = as_user(tutor).post(
        url(learner, "start"), {"course": course.pk, "started_on": "2026-11-29"}
    )
    assert response.status_code == 302
    assert response.url == f"/users/{learner.pk}/#courses"
    started = LearnerCourse.objects.get(learner=learner)
    assert started.status == LearnerCourse.Status.IN_PROGRESS
    assert started.started_on == datetime.date(2026, 11, 29)
    assert started.progress == 0
    entry = AuditEntry.objects.get(content_type__model="learnercourse", object_id=started.pk)
    assert entry.learner_id == learner.pk
    assert entry.actor == tutor


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the course agreed with the learner."),
        ({"course": "{taken}", "started_on": "2026-11-01"}, "That course is not available"),
        (
            {"course": "{free}", "started_on": "2026-12-01"},
            "The start date cannot be in the future.",
        ),
        ({"course": "{free}", "started_on": "1999-12-31"}, "Enter a date from 01/01/2000 onwards."),
        ({"course": "99999", "started_on": "2026-11-01"}, "That course is not available"),
    ],
)
def test_start_refuses_bad_input_and_saves_nothing(as_user, tutor, learner, record, data, message):
    free = CourseFactory()
    filled = {k: v.format(taken=record.course_id, free=free.pk) for k, v in data.items()}
    response = as_user(tutor).post(url(learner, "start"), filled)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert LearnerCourse.objects.count() == 1


def test_start_says_when_every_course_is_taken(as_user, tutor, learner, record):
    body = as_user(tutor).get(url(learner, "start")).content.decode()
    assert "There is no course left to start" in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"progress": "101"}, "The progress must be between 0 and 100 %."),
        ({"progress": "-1"}, "The progress must be between 0 and 100 %."),
        ({"progress": "abc"}, "Enter a whole number."),
        ({"status": "COMPLETED", "progress": "100"}, "Enter the date the course was completed."),
        (
            {"status": "COMPLETED", "progress": "100", "completed_on": "2026-12-01"},
            "The completion date cannot be in the future.",
        ),
        (
            {"status": "COMPLETED", "progress": "100", "completed_on": "2026-01-15"},
            "The completion date cannot be before the start date, 01/02/2026.",
        ),
        (
            {"status": "COMPLETED", "progress": "80", "completed_on": "2026-11-01"},
            "A completed course is at 100 %.",
        ),
        ({"completed_on": "2026-11-01"}, "Leave this empty unless the course is Completed."),
        ({"started_on": ""}, "Enter the date the learner started the course."),
        ({"started_on": "2027-01-01"}, "The start date cannot be in the future."),
        ({"status": "NOT_STARTED", "progress": "20"}, "A course that has not started is at 0 %."),
    ],
)
def test_recording_bad_progress_is_refused_and_nothing_saved(
    as_user, tutor, learner, record, change, message
):
    response = as_user(tutor).post(url(learner, "edit", record), progress(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    record.refresh_from_db()
    assert (record.progress, record.status, record.version) == (10, "IN_PROGRESS", 1)


def test_recording_completion_saves_and_is_audited(as_user, tutor, learner, record):
    client = as_user(tutor)
    response = client.post(
        url(learner, "edit", record),
        progress(status="COMPLETED", progress="100", completed_on="2026-11-20"),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == LearnerCourse.Status.COMPLETED
    assert record.completed_on == datetime.date(2026, 11, 20)
    assert record.version == 2
    entry = AuditEntry.objects.filter(object_id=record.pk).latest("pk")
    assert entry.changes_dict["progress"] == ["10", "100"]
    assert entry.actor == tutor


def test_a_stale_progress_edit_is_refused(as_user, tutor, supervisor, learner, record):
    as_user(supervisor).post(url(learner, "edit", record), progress(progress="50"))
    response = as_user(tutor).post(url(learner, "edit", record), progress(progress="60"))
    body = response.content.decode()
    assert "Someone else saved this course progress" in body
    assert "Progress (%): 10 → 50" in body
    assert 'value="60"' in body
    record.refresh_from_db()
    assert record.progress == 50


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_start_pages_run_a_fixed_number_of_queries(as_user, tutor, learner):
    client = as_user(tutor)
    LearnerCourseFactory(learner=learner)
    CourseFactory()
    small = (_queries(client, url(learner)), _queries(client, url(learner, "start")))
    LearnerCourseFactory.create_batch(30, learner=learner)
    CourseFactory.create_batch(10)
    assert (_queries(client, url(learner)), _queries(client, url(learner, "start"))) == small
