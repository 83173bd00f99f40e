"""The Notes, Contacts and Activities sections of a learner's profile; each runs a fixed number
of queries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from aptem.sections import Section
from users.access import may_edit
from users.models import User

LATEST_NOTES = 5
LATEST_ACTIVITIES = 5
EXPORT = "users.export_data"
# The section lists this many stored contacts after the linked people; the learner's contacts
# page lists them all.
FIRST_CONTACTS = 10


def _notes(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    notes = list(subject.notes.select_related("created_by")[:LATEST_NOTES])
    # Always counted, even when fewer than five came back, so the query count stays fixed.
    count = subject.notes.count()
    return {
        "notes": [(note, note.may_be_edited_by(viewer)) for note in notes],
        "note_count": count,
    }


# People linked to the learner by fields of the learner's own record, in the order listed.
LINKED_BY_FIELD = (
    ("case_owner_id", "Case owner", "Administrator"),
    ("manager_id", "Employer manager", "Employer"),
    ("mentor_id", "Mentor", "Employer"),
)


@dataclass(frozen=True)
class LinkedPerson:
    """Someone the learner's details name (case owner, manager, mentor): shown read-only among
    the contacts, changed only by editing the learner."""

    person: User
    role: str
    kind: str
    may_open: bool


def linked_people(subject: User, visible) -> list[LinkedPerson]:
    """One query for all of them, whether the viewer may open each one's profile included."""
    ids = [getattr(subject, field) for field, _, _ in LINKED_BY_FIELD]
    people = (
        User.objects.filter(pk__in=[pk for pk in ids if pk])
        .select_related("organisation")
        .annotate(may_open=Exists(visible.filter(pk=OuterRef("pk"))))
        .in_bulk()
    )
    return [
        LinkedPerson(people[pk], role, kind, people[pk].may_open)
        for pk, (_, role, kind) in zip(ids, LINKED_BY_FIELD, strict=True)
        if pk in people
    ]


def listed_contacts(subject: User, visible) -> QuerySet:
    """The learner's stored contacts in the order the section and the contacts page list them,
    each with whether the viewer may open the administrator's profile (``visible``: the users
    the viewer may open)."""
    # Administrators' profiles are open to Supervisors only: link a name only when it opens.
    return (
        subject.learner_contacts.select_related("admin", "crm_contact__organisation")
        .annotate(admin_may_open=Exists(visible.filter(pk=OuterRef("admin_id"))))
        .order_by("kind", "created_at", "pk")
    )


def _contacts(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    visible = User.objects.visible_to(viewer)
    return {
        "linked": linked_people(subject, visible),
        "contacts": list(listed_contacts(subject, visible)[:FIRST_CONTACTS]),
        # Always counted, even when fewer came back, so the query count stays fixed.
        "contact_count": subject.learner_contacts.count(),
        "may_edit_contacts": may_edit(viewer, subject),
    }


NOTES = Section(
    key="notes",
    title="Notes",
    template="crm/sections/_notes.html",
    summary=_notes,
    count=lambda c: str(c["note_count"]),
)
CONTACTS = Section(
    key="contacts",
    title="Contacts",
    template="crm/sections/_contacts.html",
    summary=_contacts,
    # Everyone the section lists: the people linked through the learner's details too.
    count=lambda c: str(len(c["linked"]) + c["contact_count"]),
)


def activity_rows(queryset: QuerySet) -> QuerySet:
    """Activities with everything their rows show (author, person), in one query."""
    return queryset.select_related("learner", "created_by", "employer_contact", "crm_contact")


def _activities(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    latest = list(activity_rows(subject.crm_activities.all())[:LATEST_ACTIVITIES])
    return {
        "activities": [(activity, activity.may_be_edited_by(viewer)) for activity in latest],
        # Always counted, even when fewer than five came back, so the query count stays fixed.
        "activity_count": subject.crm_activities.count(),
        "may_export": viewer.has_perm(EXPORT),
    }


ACTIVITIES = Section(
    key="crm-activities",
    title="Activities",
    template="crm/sections/_activities.html",
    summary=_activities,
    count=lambda c: str(c["activity_count"]),
)
