"""The public service other apps file the portal's own files through (compliance's sealed PDFs)."""

import hashlib
import inspect

from audit.models import AuditEntry
from documents import services
from documents.models import Document


def test_the_signature_is_the_one_other_apps_rely_on():
    parameters = inspect.signature(services.document_add).parameters
    assert list(parameters) == [
        "learner",
        "name",
        "content",
        "content_type",
        "folder",
        "description",
        "actor",
        "visible_to_learner",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["visible_to_learner"].default is False


def test_files_the_bytes_privately_with_their_hash_and_an_audit_entry(learner, supervisor, media):
    content = b"%PDF-1.7 made by the portal, not checked as an upload"
    document = services.document_add(
        learner=learner,
        name="Commitment statement (signed).pdf",
        content=content,
        content_type="application/pdf",
        folder=Document.Folder.COMPLIANCE,
        description="Commitment Statement, signed",
        actor=supervisor,
    )
    document.refresh_from_db()
    assert document.folder == "COMPLIANCE"
    assert not document.visible_to_learner
    assert document.original_name == "Commitment statement (signed).pdf"
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.file.name.startswith("documents/document/")
    assert "Commitment" not in document.file.name
    with document.file.open("rb") as handle:
        assert handle.read() == content
    entry = AuditEntry.objects.get_for_object(document).get()
    assert entry.actor == supervisor
    assert entry.learner_id == learner.pk
