"""The crm app's models recorded by auditlog, imported once from ``CrmConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import CrmContact, LearnerContact, Note
from .sections import CONTACTS, NOTES

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Note, exclude_fields=["updated_at", "version"])
auditlog.register(LearnerContact)
auditlog.register(CrmContact)

describe(Note, section=NOTES.title)
describe(LearnerContact, CrmContact, section=CONTACTS.title)
