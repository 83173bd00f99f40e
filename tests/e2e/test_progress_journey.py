"""A supervisor records milestones, course progress and functional skills in the browser."""

import datetime

from playwright.sync_api import expect

from programmes.models import FunctionalSkillAssessment, LearnerCourse, Milestone
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    FunctionalSkillFactory,
    LearnerCourseFactory,
    MilestoneFactory,
)

from .helpers import check_accessibility, screenshot, visit


def test_milestone_course_and_functional_skills_journey(page, sign_in, supervisor, learner):
    enrolment = EnrolmentFactory(
        learner=learner,
        programme__name="Data Technician Level 3",
        start_date=datetime.date(2026, 1, 5),
    )
    CourseFactory(name="Essential Digital Skills")
    CourseFactory(name="Safeguarding and Prevent")
    sign_in(supervisor)
    profile = f"/users/{learner.pk}/"

    # Milestones: a bad weeks figure is refused beside the field, then fixed and saved.
    visit(page, profile)
    page.get_by_role("link", name="Add milestone").click()
    page.get_by_label("Programme").select_option(str(enrolment.pk))
    page.get_by_label("Description").fill("Milestone 1")
    page.get_by_label("Projected date").fill("2026-04-06")
    page.get_by_label("Employer weeks remaining").fill("900")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator("#error-summary")).to_contain_text("between 0 and 520")
    check_accessibility(page)
    expect(page.get_by_label("Description")).to_have_value("Milestone 1")
    page.get_by_label("Employer weeks remaining").fill("52")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator("#milestones")).to_contain_text("Milestone 1")
    milestone = Milestone.objects.get()

    # Edit it to Achieved; its history shows the change.
    visit(page, f"/users/{learner.pk}/milestones/{milestone.pk}/edit/")
    page.locator("#id_status").select_option("ACHIEVED")
    page.get_by_label("Achievement date").fill("2026-04-01")
    page.get_by_role("button", name="Save changes").click()
    visit(page, f"/users/{learner.pk}/milestones/{milestone.pk}/")
    expect(page.locator("#history-heading + ol")).to_contain_text("Status: Projected → Achieved")
    screenshot(page, "milestone-history")
    visit(page, f"/users/{learner.pk}/milestones/?status=ACHIEVED")
    expect(page.locator("table")).to_contain_text("Milestone 1")

    # Start a course from the radio list, then record progress.
    visit(page, profile)
    page.get_by_role("link", name="Start course").click()
    # With JavaScript on, the course list opens in the profile's dialog.
    expect(page.locator("#portal-dialog")).to_be_visible()
    expect(page.locator("#portal-dialog")).to_contain_text("Safeguarding and Prevent")
    check_accessibility(page)
    screenshot(page, "start-course-dialog")
    page.get_by_label("Essential Digital Skills").check()
    page.get_by_role("button", name="Start course").click()
    expect(page.locator("#courses")).to_contain_text("Essential Digital Skills")
    page.get_by_role("link", name="Record progress on Essential Digital Skills").click()
    page.get_by_label("Progress (%)").fill("120")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("#error-summary")).to_contain_text("between 0 and 100")
    page.get_by_label("Progress (%)").fill("60")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator("#courses")).to_contain_text("60 %")
    assert LearnerCourse.objects.get().progress == 60

    # Functional skills: a maths initial assessment.
    page.get_by_role("link", name="Add assessment").click()
    check_accessibility(page)
    page.locator("#id_subject").select_option("MATHS")
    page.locator("#id_kind").select_option("INITIAL")
    page.locator("#id_level").select_option("E3")
    page.get_by_label("Score (%)").fill("58")
    page.locator("#id_assessed_on").fill("2026-01-02")
    page.get_by_label("External assessor").fill("Initial assessment tool")
    page.get_by_role("button", name="Add assessment").click()
    expect(page.locator("#functional-skills")).to_contain_text("Entry 3")
    assert FunctionalSkillAssessment.objects.get().score == 58
    check_accessibility(page)
    page.locator("#functional-skills").scroll_into_view_if_needed()
    screenshot(page, "profile-progress-sections")


def test_every_progress_page_is_accessible(page, sign_in, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, start_date=datetime.date(2026, 1, 5))
    milestone = MilestoneFactory(learner=learner, enrolment=enrolment)
    record = LearnerCourseFactory(learner=learner)
    assessment = FunctionalSkillFactory(learner=learner)
    sign_in(supervisor)
    base = f"/users/{learner.pk}"
    for path in [
        f"{base}/milestones/",
        f"{base}/milestones/{milestone.pk}/edit/",
        f"{base}/milestones/{milestone.pk}/delete/",
        f"{base}/courses/",
        f"{base}/courses/{record.pk}/edit/",
        f"{base}/functional-skills/",
        f"{base}/functional-skills/{assessment.pk}/edit/",
    ]:
        visit(page, path)
