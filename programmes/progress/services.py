"""Audited writes for milestones, course progress and functional skills; each takes the actor.

Edits carry the version the form was opened on: a save based on an older version raises
``EditConflict`` naming who changed what since, and nothing is overwritten (DESIGN.md §8).
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from aptem import uploads
from aptem.uploads import CheckedFile
from aptem.versioning import lock_unless_stale, versioned_update
from audit.context import signed_by_actor
from users.models import User

from .models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone


@transaction.atomic
def milestone_create(*, learner: User, data: dict, actor: User) -> Milestone:
    return Milestone.objects.create(learner=learner, created_by=actor, **data)


@transaction.atomic
@signed_by_actor
def milestone_update(
    *, milestone: Milestone, data: dict, actor: User, based_on_version: int
) -> Milestone:
    return versioned_update(milestone, data, based_on_version)


@transaction.atomic
@signed_by_actor
def milestone_delete(*, milestone: Milestone, based_on_version: int, actor: User) -> None:
    """Delete the milestone unless it changed after the confirmation page was opened: a change
    made since would otherwise go with it unseen."""
    lock_unless_stale(milestone, based_on_version).delete()


class AlreadyOnCourse(Exception):
    """The learner was put on this course a moment ago."""


@transaction.atomic
def course_start(*, learner: User, course: Course, started_on, actor: User) -> LearnerCourse:
    # Locks the learner so two starts of the same course at once cannot both pass the check.
    User.objects.select_for_update().filter(pk=learner.pk).first()
    if learner.learner_courses.filter(course=course).exists():
        raise AlreadyOnCourse(course.name)
    return LearnerCourse.objects.create(
        learner=learner,
        course=course,
        started_on=started_on,
        status=LearnerCourse.Status.IN_PROGRESS,
        progress=0,
        created_by=actor,
    )


@transaction.atomic
@signed_by_actor
def course_update(
    *, record: LearnerCourse, data: dict, actor: User, based_on_version: int
) -> LearnerCourse:
    return versioned_update(record, data, based_on_version)


def _with_evidence(data: dict, upload, checked, save):
    """Save with the evidence file (if one was uploaded) written first under a random private
    name, so a committed row always has its file; it is removed again if the save fails."""
    with uploads.stored(upload, checked, purpose=uploads.FUNCTIONAL_SKILL_EVIDENCE) as file:
        evidence = (
            {
                "evidence_file": file.storage_name,
                "evidence_name": file.name,
                "evidence_content_type": file.content_type,
                "evidence_sha256": file.sha256,
            }
            if file
            else {}
        )
        return save({**data, **evidence})


def functional_skill_create(
    *,
    learner: User,
    data: dict,
    actor: User,
    upload: UploadedFile | None = None,
    checked: CheckedFile | None = None,
) -> FunctionalSkillAssessment:
    return _with_evidence(
        data,
        upload,
        checked,
        lambda values: FunctionalSkillAssessment.objects.create(
            learner=learner, created_by=actor, **values
        ),
    )


@signed_by_actor
def functional_skill_update(
    *,
    assessment: FunctionalSkillAssessment,
    data: dict,
    actor: User,
    based_on_version: int,
    upload: UploadedFile | None = None,
    checked: CheckedFile | None = None,
) -> FunctionalSkillAssessment:
    # A replaced evidence file is kept in storage: the audit trail still names it.
    return _with_evidence(
        data,
        upload,
        checked,
        lambda values: versioned_update(assessment, values, based_on_version),
    )
