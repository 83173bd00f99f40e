import pytest
from django.contrib.auth.models import Group as Role


def _codenames(role: str) -> set[str]:
    return set(Role.objects.get(name=role).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_only_supervisors_edit_milestones():
    holders = [r.name for r in Role.objects.filter(permissions__codename="edit_milestones")]
    assert holders == ["Supervisor"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Supervisor", "Edit Learner Details", "Edit Programme Details"])
def test_learner_and_programme_editors_record_courses_and_functional_skills(role):
    assert {"record_course_progress", "record_functional_skills"} <= _codenames(role)


@pytest.mark.django_db
def test_compliance_qa_records_functional_skills_evidence():
    assert "record_functional_skills" in _codenames("Compliance QA")
    assert "record_course_progress" not in _codenames("Compliance QA")


def test_adding_a_milestone_before_enrolment_says_to_enrol_first(as_user, supervisor, learner):
    body = as_user(supervisor).get(f"/users/{learner.pk}/milestones/add/").content.decode()
    assert "is not enrolled on a programme yet" in body
