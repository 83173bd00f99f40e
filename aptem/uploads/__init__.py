"""The one upload path (DESIGN.md §9): every purpose's allow-list and size limit, the checks on
what was uploaded, storing under a random private name with its SHA-256, and serving it back.

Imports nothing from the apps: mandates, learning-plan evidence, functional-skills evidence and
the Documents section all build on it.
"""

from .checks import CheckedFile, check_upload, max_upload_bytes, safe_display_name
from .files import StoredFile, download_name, random_name, serve, sha256_of, store, stored
from .purposes import (
    DOCUMENT_TYPES,
    FUNCTIONAL_SKILL_EVIDENCE,
    MANDATE,
    PLAN_EVIDENCE,
    SECTION_DOCUMENT,
    SECTION_DOCUMENT_TYPES,
    Purpose,
)

__all__ = [
    "DOCUMENT_TYPES",
    "FUNCTIONAL_SKILL_EVIDENCE",
    "MANDATE",
    "PLAN_EVIDENCE",
    "SECTION_DOCUMENT",
    "SECTION_DOCUMENT_TYPES",
    "CheckedFile",
    "Purpose",
    "StoredFile",
    "check_upload",
    "download_name",
    "max_upload_bytes",
    "random_name",
    "safe_display_name",
    "serve",
    "sha256_of",
    "store",
    "stored",
]
