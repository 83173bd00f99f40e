"""Audited write workflows for notes, contacts and CRM activities; each takes the acting user."""

from django.db import transaction

from activity.models import TASK_TITLE_MAX_LENGTH
from activity.services import task_create
from aptem.versioning import lock_unless_stale, versioned_update
from audit.context import signed_by_actor
from users.models import User

from .forms import ContactForm
from .models import CrmActivity, CrmContact, LearnerContact, Note


@transaction.atomic
def note_create(*, learner: User, text: str, actor: User) -> Note:
    return Note.objects.create(learner=learner, text=text, created_by=actor)


@transaction.atomic
@signed_by_actor
def note_update(*, note: Note, text: str, actor: User, based_on_version: int) -> Note:
    """Save an edit unless someone else saved the note after ``based_on_version``."""
    current = lock_unless_stale(note, based_on_version)
    if current.text == text:
        # Nothing changed: no new version, so no later form is refused over an empty change.
        return current
    current.text = text
    current.version += 1
    current.save()
    return current


@transaction.atomic
def contact_add(*, learner: User, form: ContactForm, actor: User) -> LearnerContact:
    data = form.cleaned_data
    kind = data["kind"]
    link = LearnerContact(learner=learner, kind=kind, created_by=actor)
    if kind == LearnerContact.Kind.ADMIN:
        link.admin = data["admin"]
        link.role = data["role"]
    elif kind == LearnerContact.Kind.CRM and data.get("crm_contact"):
        link.crm_contact = data["crm_contact"]
    else:
        link.crm_contact = CrmContact.objects.create(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            extension=data["extension"],
            organisation=data["organisation"],
            job_title=data["job_title"],
            is_ad_hoc=kind == LearnerContact.Kind.AD_HOC,
            created_by=actor,
        )
        if kind == LearnerContact.Kind.AD_HOC:
            link.relationship = data["relationship"]
            link.notes = data["notes"]
    link.save()
    return link


@transaction.atomic
@signed_by_actor
def contact_remove(*, link: LearnerContact, actor: User) -> None:
    """Delete the link only; the administrator or CRM contact stays."""
    link.delete()


@transaction.atomic
@signed_by_actor
def activity_create(*, learner: User, values: dict, actor: User) -> CrmActivity:
    """Log an activity; a follow-up date becomes a task for the learner, titled from the
    subject and linked from the activity, in the same transaction: both or neither."""
    activity = CrmActivity(learner=learner, created_by=actor, **values)
    if activity.follow_up_on:
        activity.follow_up_task = task_create(
            learner=learner,
            title=f"Follow up: {activity.subject}"[:TASK_TITLE_MAX_LENGTH],
            due_date=activity.follow_up_on,
            actor=actor,
        )
    activity.save()
    return activity


@transaction.atomic
@signed_by_actor
def activity_update(
    *, activity: CrmActivity, values: dict, actor: User, based_on_version: int
) -> CrmActivity:
    """Save an edit unless someone else saved the activity after ``based_on_version``."""
    return versioned_update(activity, values, based_on_version)
