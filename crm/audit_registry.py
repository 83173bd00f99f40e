"""The crm app's models recorded by auditlog, imported once from ``CrmConfig.ready()``."""

from auditlog.registry import auditlog

from .models import CrmContact, LearnerContact, Note

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Note, exclude_fields=["updated_at", "version"])
auditlog.register(LearnerContact)
auditlog.register(CrmContact)
