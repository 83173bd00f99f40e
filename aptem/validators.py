"""Field validators shared by models, forms, imports and the ILR export.

Each public ``normalise_*`` function turns what a person typed into the stored form; each
``validate_*`` function raises ``ValidationError`` with a plain-English message. The DfE rule a
check implements is named in its message, so an administrator can look it up.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

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


# Every date the portal stores lies in this range: the rule engine, the exporters and date
# arithmetic (a year added to 31/12/9999 overflows) can then process any stored value.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@deconstructible
class DateRange:
    """Refuses a date outside 1900-2100, or outside tighter bounds for one kind of date.

    ``days_ahead`` caps the date at today plus that many days (0: not in the future);
    ``years_ago`` caps it at that many years before today (a minimum age for a date of birth).
    The bounds relative to today are worked out on every call, so they move with the calendar
    and a migration records only the numbers. ``why`` ends the message that names the bound.
    """

    def __init__(
        self,
        what: str = "date",
        *,
        earliest: datetime.date = EARLIEST_DATE,
        latest: datetime.date = LATEST_DATE,
        days_ahead: int | None = None,
        years_ago: int | None = None,
        why: str = "",
    ):
        self.what = what
        self.earliest = earliest
        self.latest = latest
        self.days_ahead = days_ahead
        self.years_ago = years_ago
        self.why = why

    def __call__(self, value) -> None:
        if not isinstance(value, datetime.date):
            return
        if isinstance(value, datetime.datetime):
            value = value.date()
        if value < self.earliest:
            raise ValidationError(
                f"Enter {self._a()} on or after {self.earliest:%d/%m/%Y}.", code="date_too_early"
            )
        if value > self.latest:
            raise ValidationError(
                f"Enter {self._a()} on or before {self.latest:%d/%m/%Y}.", code="date_too_late"
            )
        today = timezone.localdate()
        if self.years_ago is not None and value > _years_before(today, self.years_ago):
            bound = _years_before(today, self.years_ago)
            raise ValidationError(
                f"Enter {self._a()} on or before {bound:%d/%m/%Y}{self._why()}.",
                code="date_too_recent",
            )
        if self.days_ahead is not None and value > today + datetime.timedelta(self.days_ahead):
            if self.days_ahead == 0:
                text = f"The {self.what} cannot be in the future{self._why()}."
            else:
                text = (
                    f"The {self.what} cannot be more than {self.days_ahead} days in the future"
                    f"{self._why()}."
                )
            raise ValidationError(text, code="date_in_future")

    def _a(self) -> str:
        return f"{'an' if self.what[:1] in 'aeiou' else 'a'} {self.what}"

    def _why(self) -> str:
        return f": {self.why}" if self.why else ""

    def __eq__(self, other) -> bool:
        return isinstance(other, DateRange) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.__dict__.items())))


def date_range(what: str = "date", **bounds) -> DateRange:
    """A range validator for one kind of date: see ``DateRange`` for the bounds it takes."""
    return DateRange(what, **bounds)


# The default for any date a person enters: nothing before 1900 or beyond 2100.
sensible_date = DateRange()
# A date that has happened: a completion, an achievement, an activity logged.
past_date = DateRange(days_ahead=0)
# DateOfBirth_04 asks for under 115 at the start of the teaching year and DateOfBirth_27 for a
# birth before it; nobody this portal serves is under 10 (apprentices start at 16).
validate_date_of_birth = DateRange(
    "date of birth", years_ago=10, why="a learner is at least 10 years old"
)


def is_sensible_date(value) -> bool:
    """True for a date within 1900-2100: the range every stored date keeps to."""
    return isinstance(value, datetime.date) and EARLIEST_DATE <= value <= LATEST_DATE


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


class PasswordContainsNameValidator:
    """Refuses a password containing the person's first name, last name or email local part.

    Django's UserAttributeSimilarityValidator only catches passwords that are mostly the name
    ("Priya-2025!" passes it); a name is the first thing anyone guesses. Each name is split into
    runs of letters, and runs shorter than three letters are ignored (they match too much).
    """

    message = "Your password must not contain your first name, last name or email address."

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        folded = fold_for_search(password)
        if any(part in folded for part in self._name_parts(user)):
            raise ValidationError(self.message, code="password_contains_name")

    @staticmethod
    def _name_parts(user) -> set[str]:
        email = getattr(user, "email", "") or ""
        values = [
            getattr(user, "first_name", ""),
            getattr(user, "last_name", ""),
            email.split("@", 1)[0],
        ]
        parts: set[str] = set()
        for value in values:
            folded = fold_for_search(value or "")
            parts.add(re.sub(r"[^a-z]", "", folded))
            parts.update(re.findall(r"[a-z]+", folded))
        return {part for part in parts if len(part) >= 3}

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
