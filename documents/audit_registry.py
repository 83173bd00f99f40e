"""The documents app's models recorded by auditlog, imported once from
``DocumentsConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Document, DocumentVersion

auditlog.register(Document)
auditlog.register(DocumentVersion)
# The stored file's path and its detected MIME type are storage details; the file name, kind,
# folder, description and size are what a person recognises (the hash is hidden everywhere).
describe(Document, DocumentVersion, section="Documents", hidden=["file", "content_type"])
