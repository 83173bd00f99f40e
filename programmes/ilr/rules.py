"""ILR 2025-26 field rules that can be checked from one learner's own data.

Pure Python, no database: the Edit ILR forms and the XML export pass plain values keyed by the
ILR element names (``../shared/ilr/README.md`` §3) and get back a list of ``Finding``. Errors block
a save or an export; warnings are shown and do not block.

``check_learner(learner)`` runs everything: the Learner fields, then each aim in
``learner["LearningDelivery"]`` with its ``AppFinRecords`` and ``LearningDeliveryFAM`` (a list of
``(LearnDelFAMType, LearnDelFAMCode)`` pairs or of dicts with those keys). Dates are ``date``
objects; codes may be ints or strings; blank means ``None`` or an empty string.

Rule names are DfE's, from *ILR Validation Rules 2025 to 2026* v3 as summarised in the README
§4-5. The schema checks (lengths and character sets) carry the spreadsheet's ``FD_<Field>_AL``
(allowed length), ``_AP`` (allowed pattern), ``_AR`` (allowed range) and ``_MA`` (mandatory) names;
a check with no DfE name is labelled ``schema``.

Not checked here, on purpose:

* Lookups we do not hold: Postcode_14, PostcodePrior_01 and DelLocPostCode_03 (warnings: the
  postcode must exist in the ONS table), ULN_05 (Learner Register), LearnAimRef_01/_88 and
  StdCode_02 (LARS), EmpId_01 (EDRS), DateOfBirth_59 (LARS aim type), code-list lookups whose
  lists the README does not give (WithdrawReason_02, AimType_01, ProgType_03).
* Rules about the whole file or several records: R06, R59, R68 (duplicate price records across
  a standard's programme aims), R30/R31/R66, R101-R105, R110, R131; ULN_02/_03/_06/_07/_09-_11
  (depend on the file preparation date and funding sources); EmpId rules (employment status).
* DateOfBirth_46, _47 and _58: their conditions (age at start, restarts, 365 v. 372 days in the
  spreadsheet's own wording) are not settled enough in the README to apply without guessing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from aptem.validators import (
    EARLIEST_DATE,
    LATEST_DATE,
    TEMPORARY_ULN,
    is_ilr_restricted_string,
    is_postcode_format,
    normalise_ni_number,
    validate_ni_number,
    validate_uln,
)

logger = logging.getLogger(__name__)

ERROR = "error"
WARNING = "warning"

TEACHING_YEAR_START = date(2025, 8, 1)
TEACHING_YEAR_END = date(2026, 7, 31)

PROGRAMME_AIM_REF = "ZPROG001"
APPRENTICESHIP_STANDARD = 25
# DD07: programme types that count as apprenticeships (frameworks kept for old records).
APPRENTICESHIP_PROG_TYPES = {2, 3, 20, 21, 22, 23, 25}
COMP_STATUSES = {1, 2, 3, 6}
OUTCOMES = {1, 2, 3, 8}
VALID_AFIN = {("TNP", 1), ("TNP", 2), ("TNP", 3), ("TNP", 4), ("PMR", 1), ("PMR", 2), ("PMR", 3)}

_LEARN_REF_PATTERN = re.compile(r"^[A-Za-z0-9 ]+$")
# FamilyName and GivenNames are xs:string, not RestrictedString: accents are fine.
_NAME_FORBIDDEN = re.compile(r'[0-9\r\n\t|"]')
_TEL_PATTERN = re.compile(r"^[0-9]+$")
_EMAIL_PATTERN = re.compile(r"^.+@.+$")


@dataclass(frozen=True)
class Finding:
    rule: str
    field: str
    severity: str
    message: str
    aim: int | None = None  # position of the LearningDelivery in the learner's list, from 1

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _error(rule: str, field: str, text: str, aim: int | None = None) -> Finding:
    return Finding(rule, field, ERROR, _named(text, rule), aim)


def _warning(rule: str, field: str, text: str, aim: int | None = None) -> Finding:
    return Finding(rule, field, WARNING, _named(text, rule), aim)


def _named(text: str, rule: str) -> str:
    text = text.rstrip(". ")
    if rule == "schema":
        return f"{text} (ILR schema)."
    if text.endswith(f"(DfE rule {rule})"):  # the shared validators name the rule already
        return f"{text}."
    return f"{text} (DfE rule {rule})."


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    return "" if value is None else str(value)


def _int(value) -> int | None:
    if _blank(value):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _date(value) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _fams(delivery: Mapping) -> list[tuple[str, str]]:
    pairs = []
    for fam in delivery.get("LearningDeliveryFAM") or ():
        if isinstance(fam, Mapping):
            fam = (fam.get("LearnDelFAMType"), fam.get("LearnDelFAMCode"))
        pairs.append((_text(fam[0]).strip().upper(), _text(fam[1]).strip()))
    return pairs


def _has_fam(delivery: Mapping, fam_type: str, code: str) -> bool:
    return any(t == fam_type and _int(c) == int(code) for t, c in _fams(delivery))


def _is_community_learning(delivery: Mapping) -> bool:
    fund_model = _int(delivery.get("FundModel"))
    return fund_model == 10 or (fund_model == 99 and _has_fam(delivery, "SOF", "108"))


def _is_adl(delivery: Mapping) -> bool:
    return _int(delivery.get("FundModel")) == 99 and _has_fam(delivery, "ADL", "1")


def _is_programme_aim(delivery: Mapping) -> bool:
    return _int(delivery.get("AimType")) == 1


def _is_bootcamp(delivery: Mapping) -> bool:
    return _int(delivery.get("FundModel")) == 37 and _int(delivery.get("ProgType")) == 32


# --- Learner ------------------------------------------------------------------------------


UNCHECKED = "unchecked"


def check_learner(learner: Mapping, *, file_date: date | None = None) -> list[Finding]:
    """Every rule in this module for one learner and their aims.

    Never raises on stored data: a date the rules cannot reason from (outside 1900-2100, or not
    a date) is reported on its own, and any other failure becomes one error finding naming the
    reason, so a page or a batch export shows the learner as failing instead of breaking.
    """
    unusable = check_date_values(learner)
    if unusable:
        # The other rules add years to these dates and compare them: their results would be
        # noise, or an overflow. The dates come first.
        return unusable
    try:
        return _check_learner(learner, file_date=file_date)
    except Exception as error:  # any learner's stored data, however odd, must be reportable
        logger.exception(
            "ILR record %s could not be checked", _text(learner.get("LearnRefNumber")) or "?"
        )
        return [unchecked(error)]


def unchecked(error: Exception) -> Finding:
    """The error finding for a record whose checking failed with ``error``."""
    return Finding(
        UNCHECKED,
        "LearnRefNumber",
        ERROR,
        f"This record could not be checked: {type(error).__name__}: {error}. "
        "Correct the record, or ask support to look at the server log.",
    )


def _date_findings(values: Mapping, aim: int | None) -> list[Finding]:
    findings = []
    for element, value in values.items():
        if isinstance(value, Mapping):
            findings += _date_findings(value, aim)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    findings += _date_findings(item, aim)
        elif "Date" in element and not _blank(value):
            problem = _date_problem(value)
            if problem:
                findings.append(_error("schema", element, f"{element} {problem}", aim))
    return findings


def _date_problem(value) -> str:
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            return f"({_text(value)[:30]}) is not a date in the form yyyy-mm-dd"
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return (
            f"({value.isoformat()}) is outside the range the portal accepts, "
            f"{EARLIEST_DATE:%d/%m/%Y} to {LATEST_DATE:%d/%m/%Y}: correct it"
        )
    return ""


def check_date_values(learner: Mapping) -> list[Finding]:
    """Every date element of the learner and their aims that no rule can reason from."""
    own = {k: v for k, v in learner.items() if k != "LearningDelivery"}
    findings = _date_findings(own, None)
    for position, delivery in enumerate(learner.get("LearningDelivery") or (), start=1):
        if isinstance(delivery, Mapping):
            findings += _date_findings(delivery, position)
    return findings


def _check_learner(learner: Mapping, *, file_date: date | None = None) -> list[Finding]:
    deliveries = list(learner.get("LearningDelivery") or ())
    findings = [
        *check_learn_ref_number(learner.get("LearnRefNumber")),
        *check_uln(learner.get("ULN"), deliveries),
        *check_names(learner, deliveries),
        *check_date_of_birth(learner, deliveries),
        *check_ni_number(learner.get("NINumber"), deliveries),
        *check_postcode(learner.get("Postcode"), "Postcode", "Postcode_15"),
        *check_postcode(learner.get("PostcodePrior"), "PostcodePrior", "PostcodePrior_02"),
        *check_tel_no(learner.get("TelNo")),
        *check_email(learner.get("Email")),
    ]
    for position, delivery in enumerate(deliveries, start=1):
        findings += check_learning_delivery(delivery, aim=position, file_date=file_date)
    return findings


def check_learn_ref_number(value) -> list[Finding]:
    field = "LearnRefNumber"
    if _blank(value):
        return [_error("FD_LearnRefNumber_MA", field, "Enter the learner reference number")]
    value = _text(value)
    findings = []
    if len(value) > 12:
        findings.append(
            _error(
                "FD_LearnRefNumber_AL",
                field,
                "The learner reference number is at most 12 characters",
            )
        )
    if not _LEARN_REF_PATTERN.fullmatch(value):
        findings.append(
            _error(
                "FD_LearnRefNumber_AP",
                field,
                "The learner reference number can contain only letters, digits and spaces",
            )
        )
    return findings


def check_uln(value, deliveries: Iterable[Mapping] = ()) -> list[Finding]:
    field = "ULN"
    if _blank(value):
        return [
            _error(
                "FD_ULN_MA", field, "Enter the Unique Learner Number, or 9999999999 if not known"
            )
        ]
    uln = _text(value).strip()
    if len(uln) == 10 and uln.isdigit() and uln[0] == "0":
        return [_error("FD_ULN_AR", field, "A Unique Learner Number cannot start with 0")]
    try:
        validate_uln(uln)
    except ValidationError as exc:
        return [_error("ULN_04", field, exc.messages[0])]
    if uln == TEMPORARY_ULN and any(_has_fam(d, "ACT", "1") for d in deliveries):
        return [
            _error(
                "ULN_12",
                field,
                "An apprentice funded through an employer contract (ACT code 1) needs their real "
                "Unique Learner Number, not 9999999999",
            )
        ]
    return []


def check_names(learner: Mapping, deliveries: list[Mapping]) -> list[Finding]:
    community_only = bool(deliveries) and all(_is_community_learning(d) for d in deliveries)
    hours = _int(learner.get("PlanLearnHours"))
    real_uln = _text(learner.get("ULN")).strip() not in ("", TEMPORARY_ULN)
    findings = []
    for field, label in (("FamilyName", "family name"), ("GivenNames", "given names")):
        value = learner.get(field)
        if _blank(value):
            if not community_only:
                findings.append(_error(f"{field}_01", field, f"Enter the learner's {label}"))
            elif hours is not None and hours > 10:
                findings.append(
                    _error(
                        f"{field}_02",
                        field,
                        f"Enter the learner's {label}: community learning of more than 10 planned "
                        "hours needs it",
                    )
                )
            elif real_uln:
                findings.append(
                    _error(
                        f"{field}_04",
                        field,
                        f"Enter the learner's {label}: a learner with a Unique Learner Number "
                        "needs it",
                    )
                )
            continue
        value = _text(value)
        if len(value) > 100:
            findings.append(
                _error(f"FD_{field}_AL", field, f"The {label} can be at most 100 characters")
            )
        if _NAME_FORBIDDEN.search(value):
            findings.append(
                _error(
                    f"FD_{field}_AP",
                    field,
                    f'The {label} cannot contain digits, tabs, line breaks, " or |',
                )
            )
    return findings


def _last_friday_of_june(year: int) -> date:
    day = date(year, 6, 30)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def check_date_of_birth(learner: Mapping, deliveries: list[Mapping]) -> list[Finding]:
    field = "DateOfBirth"
    birth = _date(learner.get(field))
    findings = []
    if birth is None:
        uln = _text(learner.get("ULN")).strip()
        if any(
            _int(d.get("FundModel")) in {25, 82, 35, 36, 37, 38, 81}
            and not _has_fam(d, "LDM", "034")
            for d in deliveries
        ):
            findings.append(
                _error(
                    "DateOfBirth_01",
                    field,
                    "Enter the learner's date of birth: their funding needs it",
                )
            )
        elif any(_is_adl(d) for d in deliveries):
            findings.append(
                _error(
                    "DateOfBirth_23",
                    field,
                    "Enter the learner's date of birth: Advanced Learner Loans need it",
                )
            )
        elif uln and uln != TEMPORARY_ULN:
            findings.append(
                _error(
                    "DateOfBirth_24",
                    field,
                    "Enter the learner's date of birth: a learner with a ULN needs it",
                )
            )
        elif any(_int(d.get("FundModel")) in {10, 99, 11} for d in deliveries):
            findings.append(
                _warning("DateOfBirth_02", field, "The learner's date of birth should be entered")
            )
        return findings

    if _age_on(birth, TEACHING_YEAR_START) >= 115:
        findings.append(
            _error(
                "DateOfBirth_04",
                field,
                "The learner must be under 115 at the start of the teaching year",
            )
        )
    if birth >= TEACHING_YEAR_START:
        findings.append(
            _error(
                "DateOfBirth_27",
                field,
                "The date of birth must be before 1 August 2025, the start of the teaching year",
            )
        )
    year_31_aug = date(TEACHING_YEAR_START.year, 8, 31)
    for position, delivery in enumerate(deliveries, start=1):
        start = _date(delivery.get("LearnStartDate"))
        fund_model = _int(delivery.get("FundModel"))
        prog_type = _int(delivery.get("ProgType"))
        if start is None:
            continue
        if start <= birth:
            findings.append(
                _error(
                    "LearnStartDate_05",
                    "LearnStartDate",
                    "The learning must start after the date of birth",
                    position,
                )
            )
            continue
        if fund_model in {10, 99} and _age_on(birth, start) < 4:
            findings.append(
                _warning(
                    "DateOfBirth_05",
                    field,
                    "The learner should be at least 4 when the aim starts",
                    position,
                )
            )
        if fund_model in {25, 82} and _age_on(birth, year_31_aug) < 13:
            findings.append(
                _warning(
                    "DateOfBirth_06",
                    field,
                    "The learner should be at least 13 on 31 August 2025",
                    position,
                )
            )
        if (
            (fund_model == 35 and prog_type not in APPRENTICESHIP_PROG_TYPES)
            or fund_model in {37, 38}
        ) and _age_on(birth, year_31_aug) < 19:
            findings.append(
                _error(
                    "DateOfBirth_25",
                    field,
                    "The learner must be at least 19 on 31 August 2025 for this funding",
                    position,
                )
            )
        if _is_adl(delivery) and _age_on(birth, start) < 19:
            findings.append(
                _error(
                    "DateOfBirth_26",
                    field,
                    "The learner must be at least 19 at the start of a loan-funded aim",
                    position,
                )
            )
        if prog_type in APPRENTICESHIP_PROG_TYPES and start >= date(2016, 8, 1):
            turns_16 = _add_years(birth, 16)
            # The academic year runs 1 September to 31 August for this rule.
            june_year = turns_16.year + 1 if turns_16.month >= 9 else turns_16.year
            earliest = _last_friday_of_june(june_year)
            if start <= earliest:
                findings.append(
                    _error(
                        "DateOfBirth_48",
                        field,
                        "An apprenticeship cannot start until after the last Friday of June "
                        f"({earliest:%d/%m/%Y}) in the school year the learner turns 16",
                        position,
                    )
                )
    return findings


def check_ni_number(value, deliveries: Iterable[Mapping] = ()) -> list[Finding]:
    field = "NINumber"
    if _blank(value):
        if any(_has_fam(d, "ACT", "1") for d in deliveries):
            return [
                _error(
                    "NINumber_02",
                    field,
                    "Enter the National Insurance number: apprentices funded through an employer "
                    "contract (ACT code 1) need it",
                )
            ]
        return []
    value = _text(value).strip()
    if len(value) > 9:
        return [
            _error("FD_NINumber_AL", field, "A National Insurance number is at most 9 characters")
        ]
    try:
        validate_ni_number(value)
    except ValidationError as exc:
        return [_error("NINumber_01", field, exc.messages[0])]
    if value != normalise_ni_number(value):
        return [
            _error(
                "NINumber_01",
                field,
                "Write the National Insurance number in capitals without spaces, "
                "for example AB123456C",
            )
        ]
    return []


def check_postcode(
    value, field: str, rule: str, *, mandatory: bool = True, aim: int | None = None
) -> list[Finding]:
    """Format only; existence (Postcode_14, PostcodePrior_01, DelLocPostCode_03) needs ONS data."""
    if _blank(value):
        if mandatory:
            return [
                _error(
                    f"FD_{field}_MA", field, "Enter a postcode, or ZZ99 9ZZ if it is not known", aim
                )
            ]
        return []
    value = _text(value)
    if len(value) > 8:
        return [_error(f"FD_{field}_AL", field, "A postcode is at most 8 characters", aim)]
    if not is_postcode_format(value):
        return [
            _error(
                rule,
                field,
                "Enter a full UK postcode in capitals with one space, for example SW1A 1AA "
                "(ZZ99 9ZZ if not known)",
                aim,
            )
        ]
    return []


def check_tel_no(value) -> list[Finding]:
    field = "TelNo"
    if _blank(value):
        return []
    value = _text(value)
    findings = []
    if len(value) > 18:
        findings.append(_error("FD_TelNo_AL", field, "A telephone number is at most 18 digits"))
    if not _TEL_PATTERN.fullmatch(value):
        findings.append(
            _error(
                "FD_TelNo_AP",
                field,
                "Use digits only in the telephone number: no spaces, + or brackets",
            )
        )
    return findings


def check_email(value) -> list[Finding]:
    field = "Email"
    if _blank(value):
        return []
    value = _text(value)
    findings = []
    if len(value) > 100:
        findings.append(_error("FD_Email_AL", field, "An email address is at most 100 characters"))
    if not _EMAIL_PATTERN.fullmatch(value) or not is_ilr_restricted_string(value):
        findings.append(
            _error(
                "FD_Email_AP",
                field,
                "Enter an email address with an @, using only unaccented letters, digits and "
                "common symbols",
            )
        )
    return findings


# --- LearningDelivery ---------------------------------------------------------------------


def check_learning_delivery(
    delivery: Mapping, *, aim: int | None = None, file_date: date | None = None
) -> list[Finding]:
    """The rules on one aim; ``file_date`` (default today) bounds actual end and payment dates."""
    file_date = file_date or date.today()
    return [
        *_check_aim_ref(delivery, aim),
        # DelLocPostCode is mandatory in the schema, but only judged when the caller passes the key,
        # so a form that edits other aim fields is not told off for a field it does not show.
        *check_postcode(
            delivery.get("DelLocPostCode"),
            "DelLocPostCode",
            "DelLocPostCode_11",
            mandatory="DelLocPostCode" in delivery,
            aim=aim,
        ),
        *check_postcode(
            delivery.get("LSDPostcode"), "LSDPostcode", "LSDPostcode_03", mandatory=False, aim=aim
        ),
        *_check_prog_type(delivery, aim),
        *_check_dates(delivery, aim, file_date),
        *_check_completion(delivery, aim),
        *check_app_fin_records(delivery, aim=aim, file_date=file_date),
    ]


def _check_aim_ref(delivery: Mapping, aim: int | None) -> list[Finding]:
    field = "LearnAimRef"
    value = delivery.get(field)
    if _blank(value):
        return [_error("FD_LearnAimRef_MA", field, "Enter the learning aim reference", aim)]
    value = _text(value)
    findings = []
    if len(value) > 8:
        findings.append(
            _error(
                "FD_LearnAimRef_AL", field, "A learning aim reference is at most 8 characters", aim
            )
        )
    if not is_ilr_restricted_string(value):
        findings.append(
            _error(
                "FD_LearnAimRef_AP",
                field,
                "The learning aim reference has characters the ILR does not allow",
                aim,
            )
        )
    aim_type = _int(delivery.get("AimType"))
    is_zprog = value.strip().upper() == PROGRAMME_AIM_REF
    if is_zprog and aim_type != 1:
        findings.append(
            _error(
                "LearnAimRef_30", field, "ZPROG001 is only for a programme aim (aim type 1)", aim
            )
        )
    elif aim_type == 1 and not is_zprog:
        findings.append(
            _error(
                "LearnAimRef_30",
                field,
                "A programme aim (aim type 1) must use the aim reference ZPROG001",
                aim,
            )
        )
    return findings


def _check_prog_type(delivery: Mapping, aim: int | None) -> list[Finding]:
    aim_type = _int(delivery.get("AimType"))
    prog_type = _int(delivery.get("ProgType"))
    std_code = _int(delivery.get("StdCode"))
    fund_model = _int(delivery.get("FundModel"))
    findings = []
    if aim_type in {1, 3} and prog_type is None:
        findings.append(
            _error(
                "ProgType_01",
                "ProgType",
                "Enter the programme type: this aim is part of a programme",
                aim,
            )
        )
    if aim_type == 4 and prog_type is not None:
        findings.append(
            _error(
                "ProgType_02",
                "ProgType",
                "Leave the programme type empty: this aim is not part of a programme",
                aim,
            )
        )
    if (
        prog_type == APPRENTICESHIP_STANDARD
        and fund_model is not None
        and fund_model not in {36, 81, 99}
    ):
        findings.append(
            _error(
                "ProgType_06",
                "ProgType",
                "An apprenticeship standard must be funding model 36, 81 or 99",
                aim,
            )
        )
    if prog_type == APPRENTICESHIP_STANDARD and std_code is None:
        findings.append(
            _error(
                "StdCode_01",
                "StdCode",
                "Enter the standard code for an apprenticeship standard",
                aim,
            )
        )
    if prog_type != APPRENTICESHIP_STANDARD and std_code is not None:
        findings.append(
            _error(
                "StdCode_03",
                "StdCode",
                "Leave the standard code empty unless the programme type is 25",
                aim,
            )
        )
    if not _blank(delivery.get("StdCode")) and (std_code is None or not 0 <= std_code <= 99999):
        # No FD_StdCode name in the README: the schema allows an int of at most 5 digits.
        findings.append(
            _error("schema", "StdCode", "A standard code is a whole number of up to 5 digits", aim)
        )
    return findings


def _check_dates(delivery: Mapping, aim: int | None, file_date: date) -> list[Finding]:
    start = _date(delivery.get("LearnStartDate"))
    plan_end = _date(delivery.get("LearnPlanEndDate"))
    act_end = _date(delivery.get("LearnActEndDate"))
    ach = _date(delivery.get("AchDate"))
    findings = []
    if start and plan_end:
        if plan_end < start:
            findings.append(
                _error(
                    "LearnPlanEndDate_02",
                    "LearnPlanEndDate",
                    "The planned end date cannot be before the start date",
                    aim,
                )
            )
        elif plan_end >= _add_years(start, 10):
            findings.append(
                _error(
                    "LearnPlanEndDate_03",
                    "LearnPlanEndDate",
                    "The planned end date must be less than 10 years after the start date",
                    aim,
                )
            )
    if act_end:
        if start and act_end < start:
            findings.append(
                _error(
                    "LearnActEndDate_01",
                    "LearnActEndDate",
                    "The actual end date cannot be before the start date",
                    aim,
                )
            )
        if act_end > file_date:
            findings.append(
                _error(
                    "LearnActEndDate_04",
                    "LearnActEndDate",
                    "The actual end date cannot be in the future",
                    aim,
                )
            )
    if ach:
        if start and ach < start:
            findings.append(
                _error(
                    "AchDate_03",
                    "AchDate",
                    "The achievement date cannot be before the start date",
                    aim,
                )
            )
        if act_end is None:
            findings.append(
                _error("AchDate_04", "AchDate", "An achievement date needs an actual end date", aim)
            )
        elif ach < act_end:
            findings.append(
                _error(
                    "AchDate_05",
                    "AchDate",
                    "The achievement date cannot be before the actual end date",
                    aim,
                )
            )
        if ach > file_date:
            findings.append(
                _error("AchDate_07", "AchDate", "The achievement date cannot be in the future", aim)
            )
    return findings


def _check_completion(delivery: Mapping, aim: int | None) -> list[Finding]:
    comp = _int(delivery.get("CompStatus"))
    outcome = _int(delivery.get("Outcome"))
    withdraw = _int(delivery.get("WithdrawReason"))
    act_end = _date(delivery.get("LearnActEndDate"))
    ach = _date(delivery.get("AchDate"))
    app_programme = (
        _is_programme_aim(delivery)
        and _int(delivery.get("ProgType")) == APPRENTICESHIP_STANDARD
        and _int(delivery.get("FundModel")) in {36, 99, None}
    )
    # "App standards & bootcamps" are exempt from CompStatus_05 (README §5).
    standard_or_bootcamp = _int(
        delivery.get("ProgType")
    ) == APPRENTICESHIP_STANDARD or _is_bootcamp(delivery)
    findings = []

    if comp not in COMP_STATUSES:
        findings.append(
            _error("CompStatus_01", "CompStatus", "Choose a completion status: 1, 2, 3 or 6", aim)
        )
        return findings
    if act_end and comp == 1 and not app_programme:
        findings.append(
            _error(
                "CompStatus_02",
                "CompStatus",
                "An aim with an actual end date cannot be continuing",
                aim,
            )
        )
    if act_end is None and comp != 1:
        findings.append(
            _error(
                "CompStatus_03",
                "LearnActEndDate",
                "Enter the actual end date: the aim is completed, withdrawn or on a break",
                aim,
            )
        )
    if outcome is None and comp != 1:
        findings.append(
            _error(
                "CompStatus_04",
                "Outcome",
                "Enter the outcome: the aim is no longer continuing",
                aim,
            )
        )
    if comp == 1 and outcome is not None and not standard_or_bootcamp:
        findings.append(
            _error(
                "CompStatus_05",
                "Outcome",
                "Leave the outcome empty while the learner is continuing",
                aim,
            )
        )
    if comp in {3, 6} and outcome in {1, 8}:
        findings.append(
            _error(
                "CompStatus_06",
                "Outcome",
                "A withdrawn aim or one on a break cannot have the outcome achieved or "
                "learning complete",
                aim,
            )
        )
    if ach and app_programme and _int(delivery.get("FundModel")) == 36 and comp != 2:
        findings.append(
            _error(
                "CompStatus_07",
                "CompStatus",
                "An apprenticeship with an achievement date must be completed",
                aim,
            )
        )

    if not _blank(delivery.get("Outcome")) and outcome not in OUTCOMES:
        findings.append(_error("Outcome_01", "Outcome", "Choose an outcome: 1, 2, 3 or 8", aim))
    if outcome is not None and act_end is None and not _is_bootcamp(delivery):
        rule = "Outcome_05" if outcome == 1 else "Outcome_11"
        findings.append(
            _error(rule, "LearnActEndDate", "An aim with an outcome needs an actual end date", aim)
        )
    if outcome == 8 and comp != 2:
        findings.append(
            _error(
                "Outcome_09",
                "Outcome",
                "Outcome 8 (learning complete, outcome not known) needs completion status 2",
                aim,
            )
        )
    if outcome == 3 and comp == 1:
        findings.append(
            _error(
                "Outcome_10",
                "Outcome",
                "A continuing aim cannot have the outcome no achievement",
                aim,
            )
        )
    if act_end and outcome is None:
        findings.append(
            _error("Outcome_12", "Outcome", "An aim with an actual end date needs an outcome", aim)
        )
    if ach and outcome != 1 and not (app_programme and _int(delivery.get("FundModel")) == 36):
        findings.append(
            _error(
                "Outcome_04",
                "Outcome",
                "An aim with an achievement date must have the outcome achieved",
                aim,
            )
        )

    if comp == 3 and withdraw is None:
        findings.append(
            _error(
                "WithdrawReason_03", "WithdrawReason", "Choose the reason the learner withdrew", aim
            )
        )
    if comp in {1, 2, 6} and not _blank(delivery.get("WithdrawReason")):
        findings.append(
            _error(
                "WithdrawReason_04",
                "WithdrawReason",
                "Leave the withdrawal reason empty unless the learner has withdrawn",
                aim,
            )
        )
    if withdraw == 28 and not _has_fam(delivery, "LDM", "034"):
        findings.append(
            _error(
                "WithdrawReason_05",
                "WithdrawReason",
                "Withdrawal reason 28 is only for OLASS learners",
                aim,
            )
        )
    if withdraw == 48 and _text(delivery.get("LearnAimRef")).strip().upper() != "ZWRKX002":
        findings.append(
            _error(
                "WithdrawReason_06",
                "WithdrawReason",
                "Withdrawal reason 48 is only for the aim ZWRKX002",
                aim,
            )
        )
    return findings


# --- AppFinRecord -------------------------------------------------------------------------


def _fin_records(delivery: Mapping) -> list[tuple[str, int | None, date | None, object]]:
    records = []
    for record in delivery.get("AppFinRecords") or delivery.get("AppFinRecord") or ():
        records.append(
            (
                _text(record.get("AFinType")).strip().upper(),
                _int(record.get("AFinCode")),
                _date(record.get("AFinDate")),
                record.get("AFinAmount"),
            )
        )
    return records


def check_app_fin_records(
    delivery: Mapping, *, aim: int | None = None, file_date: date | None = None
) -> list[Finding]:
    """TNP (price) and PMR (payment) records of one aim."""
    file_date = file_date or date.today()
    field = "AppFinRecord"
    records = _fin_records(delivery)
    fund_model = _int(delivery.get("FundModel"))
    prog_type = _int(delivery.get("ProgType"))
    programme = _is_programme_aim(delivery)
    start = _date(delivery.get("LearnStartDate"))
    act_end = _date(delivery.get("LearnActEndDate"))
    ach = _date(delivery.get("AchDate"))
    comp = _int(delivery.get("CompStatus"))
    pairs = {(t, c) for t, c, _, _ in records}
    findings = []

    for fin_type, code, when, amount in records:
        if (fin_type, code) not in VALID_AFIN:
            findings.append(
                _error(
                    "AFinType_02",
                    "AFinType",
                    f"{fin_type}{code if code is not None else ''} is not a price (TNP1-4) or "
                    "payment (PMR1-3) record",
                    aim,
                )
            )
        value = _int(amount)
        if value is None or not 0 <= value <= 999999:
            findings.append(
                _error(
                    "FD_AFinAmount_AR",
                    "AFinAmount",
                    "Enter the amount in whole pounds, from 0 to 999999",
                    aim,
                )
            )
        if when is None:
            # AFinDate is mandatory in the schema; the README names no FD rule for it.
            findings.append(
                _error("schema", "AFinDate", "Enter the date of each financial record", aim)
            )
            continue
        if programme and prog_type in APPRENTICESHIP_PROG_TYPES:
            if start and when < _add_years(start, -1):
                findings.append(
                    _error(
                        "AFinDate_09",
                        "AFinDate",
                        "A financial record cannot be more than a year before the start date",
                        aim,
                    )
                )
            if act_end and when > _add_years(act_end, 2):
                findings.append(
                    _error(
                        "AFinDate_12",
                        "AFinDate",
                        "A financial record cannot be more than two years after the actual "
                        "end date",
                        aim,
                    )
                )
        if fin_type == "TNP" and prog_type == APPRENTICESHIP_STANDARD:
            limit = ach or (act_end if comp == 3 else None)
            if limit and when > limit:
                findings.append(
                    _error(
                        "AFinDate_13",
                        "AFinDate",
                        "A price record cannot be dated after the achievement date, or after the "
                        "actual end date when the learner has withdrawn",
                        aim,
                    )
                )
            if start and start >= date(2019, 2, 1) and when < start:
                findings.append(
                    _error(
                        "R119",
                        "AFinDate",
                        "A price record cannot be dated before the start date",
                        aim,
                    )
                )
        if fin_type == "PMR" and when > file_date:
            findings.append(
                _error(
                    "AFinDate_14", "AFinDate", "A payment record cannot be dated in the future", aim
                )
            )

    def dates(code: int) -> list[date]:
        return [w for t, c, w, _ in records if t == "TNP" and c == code and w]

    for total, residual, later_rule, same_rule, what in (
        (1, 3, "AFinDate_05", "AFinDate_07", "training"),
        (2, 4, "AFinDate_06", "AFinDate_08", "assessment"),
    ):
        if dates(residual) and any(t > min(dates(residual)) for t in dates(total)):
            findings.append(
                _error(
                    later_rule,
                    "AFinDate",
                    f"A total {what} price (TNP{total}) cannot be dated after a residual one "
                    f"(TNP{residual})",
                    aim,
                )
            )
        if set(dates(total)) & set(dates(residual)):
            findings.append(
                _error(
                    same_rule,
                    "AFinDate",
                    f"A total and a residual {what} price (TNP{total}, TNP{residual}) cannot "
                    "share a date",
                    aim,
                )
            )

    if records and not (
        programme
        and (fund_model == 36 or (fund_model == 81 and prog_type == APPRENTICESHIP_STANDARD))
    ):
        findings.append(
            _error(
                "AFinType_04",
                field,
                "Financial records belong only on an apprenticeship programme aim (ZPROG001)",
                aim,
            )
        )
        return findings
    if not programme:
        return findings

    has_tnp = any(t == "TNP" for t, _ in pairs)
    if fund_model == 36 and not has_tnp:
        findings.append(
            _error(
                "AFinType_12",
                field,
                "Add a price record (TNP) to the apprenticeship programme aim",
                aim,
            )
        )
    if (
        fund_model == 36
        and has_tnp
        and start
        and not any(t == "TNP" and w == start for t, _, w, _ in records)
    ):
        findings.append(
            _error(
                "AFinType_13",
                field,
                "One price record (TNP) must be dated on the start date of the programme",
                aim,
            )
        )
    if fund_model == 81 and prog_type == APPRENTICESHIP_STANDARD and ("TNP", 1) not in pairs:
        findings.append(_error("AFinType_01", field, "Add the total training price (TNP1)", aim))
    if fund_model != 36 and pairs & {("TNP", 3), ("TNP", 4)}:
        findings.append(
            _error(
                "AFinType_08",
                field,
                "Residual prices (TNP3, TNP4) are only for funding model 36",
                aim,
            )
        )
    epa_price = bool(pairs & {("TNP", 2), ("TNP", 4)})
    if ("PMR", 2) in pairs and prog_type == APPRENTICESHIP_STANDARD and not epa_price:
        findings.append(
            _error(
                "AFinType_07",
                field,
                "An assessment payment (PMR2) needs an assessment price (TNP2 or TNP4)",
                aim,
            )
        )
    if ("PMR", 1) in pairs and not pairs & {("TNP", 1), ("TNP", 3)}:
        findings.append(
            _error(
                "AFinType_14",
                field,
                "A training payment (PMR1) needs a training price (TNP1 or TNP3)",
                aim,
            )
        )
    if prog_type == APPRENTICESHIP_STANDARD and not epa_price:
        if comp == 2:
            findings.append(
                _error(
                    "R100",
                    field,
                    "A completed apprenticeship needs an assessment price (TNP2 or TNP4)",
                    aim,
                )
            )
        else:
            findings.append(
                _warning(
                    "AFinType_10", field, "Add the end-point assessment price (TNP2 or TNP4)", aim
                )
            )
    return findings
