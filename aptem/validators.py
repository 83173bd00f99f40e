"""Field validators shared by models, forms, imports and the ILR export.

Each public ``normalise_*`` function turns what a person typed into the stored form; each
``validate_*`` function raises ``ValidationError`` with a plain-English message. The DfE rule a
check implements is named in its message, so an administrator can look it up.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# NINumber_01 as the ESFA engine applies it, plus HMRC's prefixes that are never issued.
_NI_PATTERN = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]?$")
_NI_BANNED_PREFIXES = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
# Postcode_15: outward code, one space, inward code without C, I, K, M, O or V.
_POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s[0-9][ABD-HJLNP-UWXYZ]{2}$")
_PHONE_PATTERN = re.compile(r"^\+?[0-9 ]+$")
_NAME_PATTERN = re.compile(r"^[^\d_!\"#$%&()*+,./:;<=>?@\[\\\]^`{|}~]+$")
TEMPORARY_ULN = "9999999999"


def normalise_ni_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_ni_number(value: str) -> None:
    """NINumber_01: two prefix letters, six digits and an optional suffix A-D."""
    if not value:
        return
    ni = normalise_ni_number(value)
    if len(ni) not in (8, 9) or not _NI_PATTERN.match(ni):
        raise ValidationError(
            "Enter a National Insurance number in the format QQ 12 34 56 C: two letters, "
            "six digits and an optional letter A to D (DfE rule NINumber_01).",
            code="ni_format",
        )
    if ni[:2] in _NI_BANNED_PREFIXES:
        raise ValidationError(
            f"National Insurance numbers never start with {ni[:2]} (DfE rule NINumber_01).",
            code="ni_prefix",
        )


def uln_check_digit(uln: str) -> str | None:
    """Derived data DD01: the expected tenth digit of a ULN, or None when none can exist."""
    if len(uln) != 10 or not uln.isdigit():
        return None
    remainder = sum(int(d) * w for d, w in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    if remainder == 0:
        return None
    return str(10 - remainder)


def validate_uln(value: str) -> None:
    """ULN_04: ten digits whose last digit is the check digit (9999999999 means unknown)."""
    if not value or value == TEMPORARY_ULN:
        return
    if len(value) != 10 or not value.isdigit():
        raise ValidationError(
            "A Unique Learner Number is exactly 10 digits (DfE rule ULN_04).", code="uln_format"
        )
    if uln_check_digit(value) != value[9]:
        raise ValidationError(
            "This is not a valid Unique Learner Number: its check digit does not match. "
            "Check it against the Learner Record Service (DfE rule ULN_04).",
            code="uln_checksum",
        )


def normalise_postcode(value: str) -> str:
    """Upper case with exactly one space before the three-character inward code."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not value:
        return
    if not _POSTCODE_PATTERN.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a full UK postcode, for example SW1A 1AA (DfE rule Postcode_15).",
            code="postcode_format",
        )


def validate_phone(value: str) -> None:
    if value and not _PHONE_PATTERN.match(value):
        raise ValidationError(
            "Use only digits and spaces, with an optional + at the start, for example "
            "+44 7700 900123.",
            code="phone_format",
        )


def validate_person_name(value: str) -> None:
    if value and not _NAME_PATTERN.match(value):
        raise ValidationError(
            "Names can contain letters, spaces, hyphens and apostrophes only.", code="name_chars"
        )


def fold_for_search(value: str) -> str:
    """Lower case without accents, so "Zoë" and "zoe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class PasswordComplexityValidator:
    """At least one upper-case letter, one lower-case letter, one digit and one symbol."""

    message = (
        "Your password must contain at least one upper-case letter, one lower-case letter, "
        "one digit and one symbol."
    )

    def validate(self, password: str, user=None) -> None:
        checks = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        if not all(checks):
            raise ValidationError(self.message, code="password_too_simple")

    def get_help_text(self) -> str:
        return self.message


# The ILR schema's base string type (schemafile25.xsd, RestrictedString): printable ASCII less
# `"`, `|` and backtick, plus £ and €. Anything else makes the whole export file invalid.
ILR_RESTRICTED_STRING = re.compile(r"^[A-Za-z0-9 ~!@#$%&'()*+,\-./:;<=>?\[\\\]_{}^£€]*$")


def is_ilr_restricted_string(value: str) -> bool:
    """True when every character is allowed by the ILR schema's RestrictedString."""
    return bool(ILR_RESTRICTED_STRING.fullmatch(value or ""))


def is_postcode_format(value: str) -> bool:
    """Postcode_15 as the ESFA engine applies it: capitals and one space, without tidying."""
    return bool(_POSTCODE_PATTERN.fullmatch(value or ""))
