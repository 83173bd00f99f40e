"""Audited writes for milestones, course progress and functional skills; each takes the actor.

Edits carry the version the form was opened on: a save based on an older version raises
``EditConflict`` naming who changed what since, and nothing is overwritten (DESIGN.md §8).
"""

import hashlib

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from aptem.versioning import lock_unless_stale, versioned_update
from audit.models import AuditEntry
from documents.validators import CheckedFile
from users.models import User

from .models import Course, FunctionalSkillAssessment, LearnerCourse, Milestone, evidence_upload_to


@transaction.atomic
def milestone_create(*, learner: User, data: dict, actor: User) -> Milestone:
    return Milestone.objects.create(learner=learner, created_by=actor, **data)


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, data: dict, actor: User, based_on_version: int
) -> Milestone:
    return versioned_update(milestone, data, based_on_version)


@transaction.atomic
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
def course_update(
    *, record: LearnerCourse, data: dict, actor: User, based_on_version: int
) -> LearnerCourse:
    return versioned_update(record, data, based_on_version)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _store_evidence(upload: UploadedFile, checked: CheckedFile) -> dict:
    """Write the validated file under a random private name; the fields that describe it.

    Written before the row is saved, so a committed row always has its file; the caller
    removes it again if the save fails."""
    stored = default_storage.save(evidence_upload_to(None, checked.name), upload)
    return {
        "evidence_file": stored,
        "evidence_name": checked.name,
        "evidence_content_type": checked.content_type,
        "evidence_sha256": _sha256(upload),
    }


def _with_evidence(data: dict, upload, checked, save):
    evidence = _store_evidence(upload, checked) if upload and checked else {}
    try:
        with transaction.atomic():
            return save({**data, **evidence})
    except Exception:
        if evidence:
            default_storage.delete(evidence["evidence_file"])
        raise


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


def functional_skill_evidence_log(*, assessment: FunctionalSkillAssessment, actor: User) -> None:
    AuditEntry.objects.log_create(
        assessment,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        changes={"download": ["", assessment.evidence_name]},
        actor=actor,
    )
