"""The Notes and Contacts sections of a learner's profile; each runs a fixed number of queries."""

from django.http import HttpRequest

from aptem.sections import Section
from users.access import may_edit
from users.models import User

LATEST_NOTES = 5


def _notes(request: HttpRequest, subject: User) -> dict:
    viewer = request.user
    notes = list(subject.notes.select_related("created_by")[:LATEST_NOTES])
    # Always counted, even when fewer than five came back, so the query count stays fixed.
    count = subject.notes.count()
    return {
        "notes": [(note, note.may_be_edited_by(viewer)) for note in notes],
        "note_count": count,
    }


def _contacts(request: HttpRequest, subject: User) -> dict:
    contacts = list(
        subject.learner_contacts.select_related("admin", "crm_contact__organisation").order_by(
            "kind", "created_at", "pk"
        )
    )
    return {"contacts": contacts, "may_edit_contacts": may_edit(request.user, subject)}


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
    count=lambda c: str(len(c["contacts"])),
)
