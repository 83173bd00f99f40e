"""The signing app's models recorded by auditlog, imported once from ``SigningConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Envelope, Signer

auditlog.register(Envelope)
auditlog.register(Signer)
# Storage names and the link's nonce are machinery; the hashes stay in the export.
describe(Envelope, section="Signatures", hidden=["source_pdf", "sealed_pdf"])
describe(Signer, section="Signatures", hidden=["token_nonce", "envelope"])
