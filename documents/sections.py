"""The Documents section of a learner's profile: how many there are and the newest few, in a
fixed number of queries."""

from django.db.models import Count
from django.http import HttpRequest

from aptem.sections import Section
from users.access import may_edit
from users.models import User

NEWEST_DOCUMENTS = 5
DELETE_DOCUMENTS = "documents.delete_user_documents"


def may_change_documents(viewer: User, learner: User) -> dict:
    """What the viewer may do to the learner's documents, as the templates ask it. Upload, edit
    and replace need what editing the learner needs (as uploading a mandate does); deleting
    needs the "Delete User Documents" role."""
    return {
        "may_edit_documents": may_edit(viewer, learner),
        "may_delete_documents": viewer.has_perm(DELETE_DOCUMENTS),
    }


def _documents(request: HttpRequest, subject: User) -> dict:
    live = subject.documents.live()
    documents = list(
        live.select_related("created_by", "uploaded_by")
        .annotate(earlier_versions=Count("versions"))
        .order_by("-created_at", "-pk")[:NEWEST_DOCUMENTS]
    )
    return {
        "documents": documents,
        # Always counted, even when fewer came back, so the query count stays fixed.
        "document_count": live.count(),
        **may_change_documents(request.user, subject),
    }


DOCUMENTS = Section(
    key="documents",
    title="Documents",
    template="documents/sections/_documents.html",
    summary=_documents,
    count=lambda c: str(c["document_count"]),
)
