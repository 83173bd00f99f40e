"""The provider's seal: the certificate, the final PDF (document + signature page) sealed with a
PAdES certification signature, and checking a sealed file with pyHanko's validator.

The certificate is a PKCS#12 file named by SIGNING_CERT_FILE (password SIGNING_CERT_PASSWORD).
Without one, a self-signed development certificate is made on first use in SIGNING_DEV_CERT_DIR
and reused after, so `make run` works with no setup; in production it logs a warning on each use
(a reader will not trust it, though the portal's own check still tells a changed file).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DEV_CERT_NAME = "development-seal.p12"
DEV_CERT_PASSWORD = b"development-only"
_warned: list[bool] = []  # the production warning, once per process


@dataclass(frozen=True)
class Verification:
    intact: bool
    summary: str
    signer_subject: str = ""
    signed_at: datetime.datetime | None = None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The certificate ------------------------------------------------------------------------------


def _cert_source() -> tuple[Path, bytes | None]:
    """The PKCS#12 file to seal with and its password, making the development one if needed."""
    configured = getattr(settings, "SIGNING_CERT_FILE", "")
    if configured:
        password = getattr(settings, "SIGNING_CERT_PASSWORD", "") or None
        return Path(configured), password.encode() if password else None
    if not settings.DEBUG and not _warned:
        _warned.append(True)
        logger.warning(
            "SIGNING_CERT_FILE is not set: documents are sealed with a self-signed development "
            "certificate that PDF readers do not trust. Set SIGNING_CERT_FILE and "
            "SIGNING_CERT_PASSWORD to the provider's certificate."
        )
    return ensure_dev_certificate(Path(settings.SIGNING_DEV_CERT_DIR)), DEV_CERT_PASSWORD


def ensure_dev_certificate(folder: Path) -> Path:
    """The development PKCS#12 file in ``folder``, created the first time. Two processes racing
    to create it agree on one: the file is linked into place only if none exists yet."""
    path = folder / DEV_CERT_NAME
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as handle:
        handle.write(_new_dev_pkcs12())
    try:
        os.link(handle.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(handle.name)
    return path


def _new_dev_pkcs12() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{settings.PROVIDER_NAME} (development seal)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.PROVIDER_NAME),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"development-seal",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(DEV_CERT_PASSWORD),
    )


@lru_cache(maxsize=4)
def _load_signer(path: str, mtime: float, password: bytes | None):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password)
    if signer is None:
        raise RuntimeError(f"The signing certificate {path} could not be read (wrong password?)")
    return signer


def seal_signer():
    """pyHanko's signer for the provider's certificate (cached per file and its change time)."""
    path, password = _cert_source()
    return _load_signer(str(path), path.stat().st_mtime, password)


def trusted_certificates() -> list:
    """What the portal's own check trusts: the provider's certificate and the chain with it."""
    signer = seal_signer()
    return [signer.signing_cert, *signer.cert_registry]


# The final PDF --------------------------------------------------------------------------------


def _no_fetch(url: str, *args, **kwargs):
    # The page uses only installed fonts and inline CSS: signer data can never fetch a URL.
    raise ValueError(f"External resources are not allowed in PDFs: {url[:80]}")


def signature_page_pdf(context: dict) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = render_to_string("pdf/signature_page.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()


def merge_pdfs(*parts: bytes) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seal_pdf(data: bytes, *, reason: str) -> bytes:
    """``data`` with a PAdES certification signature by the provider that permits no change."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name="ProviderSeal",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=settings.PROVIDER_NAME,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=seal_signer())
    return _outside_event_loop(pdf_signer.sign_pdf, writer).getvalue()


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page, for screen readers (empty when it cannot be read)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()
    except Exception:  # a file the engine cannot read still has its PDF view
        logger.warning("Could not extract the text of a PDF", exc_info=True)
        return ""


# Checking a sealed file -----------------------------------------------------------------------


def _outside_event_loop(function, *args, **kwargs):
    """Run ``function`` where pyHanko can start its own asyncio loop: in this thread, or in a
    worker thread when this one already runs a loop (an ASGI server, a browser test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def verify_pdf_bytes(data: bytes) -> Verification:
    """Whether ``data`` carries the provider's seal over the whole file, unchanged since."""
    return _outside_event_loop(_verify, data)


def _verify(data: bytes) -> Verification:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verification(False, "The file carries no seal.")
        context = ValidationContext(trust_roots=trusted_certificates(), allow_fetching=False)
        status = validate_pdf_signature(signatures[0], context)
    except Exception as exc:  # a damaged file is reported, never raised (DESIGN.md §10)
        logger.info("A sealed file could not be validated: %s", exc)
        return Verification(False, "The file is damaged: its seal cannot be read.")
    subject = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return Verification(False, "The file was changed after it was sealed.", subject, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) > 1:
        return Verification(
            False, "Content was added to the file after it was sealed.", subject, signed_at
        )
    if not status.trusted:
        return Verification(
            False, "The seal is not the provider's certificate.", subject, signed_at
        )
    return Verification(True, "The file is intact and sealed by the provider.", subject, signed_at)
