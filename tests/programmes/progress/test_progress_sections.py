import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    FunctionalSkillFactory,
    LearnerCourseFactory,
    MilestoneFactory,
)


def _profile(client, learner):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/users/{learner.pk}/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_profile_queries_stay_fixed_as_milestones_courses_and_assessments_grow(
    as_user, supervisor, learner, enrolment
):
    client = as_user(supervisor)
    MilestoneFactory(learner=learner, enrolment=enrolment)
    LearnerCourseFactory(learner=learner)
    FunctionalSkillFactory(learner=learner, assessor=supervisor)
    small, _ = _profile(client, learner)
    MilestoneFactory.create_batch(15, learner=learner, enrolment=enrolment)
    LearnerCourseFactory.create_batch(15, learner=learner)
    for subject in ("ENGLISH", "MATHS", "DIGITAL"):
        FunctionalSkillFactory.create_batch(
            5, learner=learner, subject=subject, assessor=supervisor
        )
    large, body = _profile(client, learner)
    assert large == small
    assert "16 milestones; the first 10 by date are shown." in body
    assert "All 16 courses" in body
    assert "(latest 3 of 6)" in body


def test_empty_sections_say_what_to_do(as_user, supervisor, colleague, learner):
    _, body = _profile(as_user(supervisor), learner)
    assert "No milestones yet. Add the programme's milestones with Add milestone." in body
    assert "No courses started yet. Use Start course" in body
    assert "No functional skills assessments yet. Record an initial assessment" in body
    _, body = _profile(as_user(colleague), learner)
    assert "Add milestone" not in body
    assert "Start course" not in body
    assert "Add assessment" not in body


def test_tutor_may_start_courses_and_add_assessments_but_not_milestones(as_user, tutor, learner):
    _, body = _profile(as_user(tutor), learner)
    assert "Start course" in body
    assert "Add assessment" in body
    assert "Add milestone" not in body


def test_sections_show_the_seed_columns(as_user, tutor, learner, enrolment):
    MilestoneFactory(
        learner=learner,
        enrolment=enrolment,
        description="Gateway",
        date=datetime.date(2026, 10, 1),
        employer_weeks_remaining=7,
    )
    LearnerCourseFactory(learner=learner, course__name="Spreadsheets", progress=45)
    _, body = _profile(as_user(tutor), learner)
    for text in (
        "Gateway",
        "01/10/2026",
        ">7<",
        "Projected",
        "Not claimed",
        enrolment.programme.name,
    ):
        assert text in body
    for text in ("Spreadsheets", "01/02/2026", "45 %", "In progress"):
        assert text in body


def test_sections_are_for_learners_only(as_user, supervisor, tutor):
    keys = [
        item["section"].key
        for item in as_user(supervisor).get(f"/users/{tutor.pk}/").context["sections"]
    ]
    assert "milestones" not in keys
    assert "courses" not in keys
    assert "functional-skills" not in keys


def test_deleting_a_learner_takes_their_milestones_with_them(learner, enrolment):
    from programmes.models import Milestone

    MilestoneFactory(learner=learner, enrolment=enrolment)
    learner.delete()
    assert not Milestone.objects.exists()


def test_profile_loads_only_the_assessments_it_shows(as_user, supervisor, learner):
    # A learner with many assessments: the section shows the latest 3 of each subject and the
    # subject's total, and loads no more rows than it shows.
    from django.db.models.signals import post_init

    from programmes.models import FunctionalSkillAssessment

    for days, subject in enumerate(["ENGLISH"] * 8 + ["MATHS"] * 2):
        FunctionalSkillFactory(
            learner=learner,
            subject=subject,
            assessor=supervisor,
            assessed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=days),
        )
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=FunctionalSkillAssessment)
    try:
        _, body = _profile(as_user(supervisor), learner)
    finally:
        post_init.disconnect(count, sender=FunctionalSkillAssessment)
    assert len(loaded) == 5
    assert "(latest 3 of 8)" in body
    assert "(latest 2 of 2)" not in body
    assert "08/01/2025" in body
    assert "05/01/2025" not in body
