"""The documents app's models recorded by auditlog, imported once from
``DocumentsConfig.ready()``."""

from auditlog.registry import auditlog

from .models import Document

auditlog.register(Document)
