"""The crm app's models recorded by auditlog, imported once from ``CrmConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import CrmActivity, CrmContact, LearnerContact, Note
from .sections import ACTIVITIES, CONTACTS, NOTES

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Note, exclude_fields=["updated_at", "version"])
auditlog.register(LearnerContact)
auditlog.register(CrmContact)
auditlog.register(CrmActivity, exclude_fields=["updated_at", "version"])

describe(Note, section=NOTES.title)
describe(LearnerContact, CrmContact, section=CONTACTS.title)
describe(CrmActivity, section=ACTIVITIES.title)
