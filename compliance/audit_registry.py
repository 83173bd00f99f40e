"""The compliance app's models recorded by auditlog, imported once from
``ComplianceConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import ComplianceDocument, ProgrammeRequirement, TemplateVersion
from .sections import COMPLIANCE

auditlog.register(ComplianceDocument, exclude_fields=["updated_at"])
# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(TemplateVersion, exclude_fields=["version"])
auditlog.register(ProgrammeRequirement)

# The stored path and the data snapshot are shown on the document's own page.
describe(
    ComplianceDocument, section=COMPLIANCE.title, hidden=["file", "content_type", "data", "sha256"]
)
