from django.core.management import call_command

from programmes.models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone


def test_seed_demo_fills_the_catalogue_and_the_first_apprentices_records(db):
    call_command("seed_demo", learners=80, seed=3)
    assert Course.objects.filter(is_active=True).count() == 6
    assert Milestone.objects.exists()
    assert FunctionalSkillAssessment.objects.exists()
    for record in [*Milestone.objects.all()[:10], *LearnerCourse.objects.all()[:10]]:
        record.full_clean()
