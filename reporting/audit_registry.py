"""The reporting app's models recorded by auditlog, imported once from ``ReportingConfig.ready()``:
making and revoking an API token are audited (never the secret's hash, nor the last-used time,
which is bookkeeping written on every feed request)."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import ApiToken

auditlog.register(ApiToken, exclude_fields=["secret_hash", "last_used_at"])

describe(ApiToken, section="API tokens")
