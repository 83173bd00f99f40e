"""Valid and invalid apprenticeship financial records (README §5, AppFinRecord)."""

from datetime import date

import pytest

from .builders import standalone_aim, tnp, with_aim, with_aims
from .checking import assert_rule, assert_two_valid_and_two_invalid

E, W = "error", "warning"
ok, bad = False, True
START = date(2025, 9, 1)
ENDED = {"LearnActEndDate": date(2025, 9, 30)}


def records(*items, **aim_values):
    """The valid learner with the programme aim's financial records replaced."""
    return with_aim(1, AppFinRecords=list(items), **aim_values)


def pmr(code, when, amount=100):
    return tnp(code, when, amount, kind="PMR")


BOTH = (tnp(1, START), tnp(2, START))

CASES = [
    ("AFinType_02", "AFinType", E, records(*BOTH), ok),
    ("AFinType_02", "AFinType", E, records(*BOTH, pmr(3, START)), ok),
    ("AFinType_02", "AFinType", E, records(*BOTH, tnp(5, START)), bad),
    ("AFinType_02", "AFinType", E, records(*BOTH, pmr(4, START)), bad),
    ("AFinType_02", "AFinType", E, records(*BOTH, tnp(1, START, kind="XYZ")), bad),
    ("FD_AFinAmount_AR", "AFinAmount", E, records(tnp(1, START, 999999), tnp(2, START, 0)), ok),
    ("FD_AFinAmount_AR", "AFinAmount", E, records(tnp(1, START, "9000"), tnp(2, START)), ok),
    ("FD_AFinAmount_AR", "AFinAmount", E, records(tnp(1, START, 1000000), tnp(2, START)), bad),
    ("FD_AFinAmount_AR", "AFinAmount", E, records(tnp(1, START, -1), tnp(2, START)), bad),
    ("FD_AFinAmount_AR", "AFinAmount", E, records(tnp(1, START, "9000.50"), tnp(2, START)), bad),
    ("schema", "AFinDate", E, records(*BOTH), ok),
    ("schema", "AFinDate", E, records(tnp(1, START), tnp(2, date(2025, 9, 2))), ok),
    ("schema", "AFinDate", E, records(tnp(1, None), tnp(2, START)), bad),
    ("schema", "AFinDate", E, records(*BOTH, pmr(1, "")), bad),
    ("AFinType_04", "AppFinRecord", E, records(*BOTH), ok),
    ("AFinType_04", "AppFinRecord", E, with_aim(2, AppFinRecords=[]), ok),
    ("AFinType_04", "AppFinRecord", E, with_aim(2, AppFinRecords=[tnp(1, START)]), bad),
    (
        "AFinType_04",
        "AppFinRecord",
        E,
        with_aims(standalone_aim(AppFinRecords=[tnp(1, START)])),
        bad,
    ),
    ("AFinType_04", "AppFinRecord", E, records(*BOTH, FundModel=99), bad),
    ("AFinType_12", "AppFinRecord", E, records(*BOTH), ok),
    ("AFinType_12", "AppFinRecord", E, records(FundModel=99), ok),
    ("AFinType_12", "AppFinRecord", E, records(), bad),
    ("AFinType_12", "AppFinRecord", E, records(pmr(1, START)), bad),
    ("AFinType_13", "AppFinRecord", E, records(*BOTH), ok),
    ("AFinType_13", "AppFinRecord", E, records(tnp(1, START), tnp(2, date(2025, 10, 1))), ok),
    (
        "AFinType_13",
        "AppFinRecord",
        E,
        records(tnp(1, date(2025, 9, 2)), tnp(2, date(2025, 9, 2))),
        bad,
    ),
    ("AFinType_13", "AppFinRecord", E, records(tnp(1, date(2025, 8, 1))), bad),
    ("AFinType_10", "AppFinRecord", W, records(*BOTH), ok),
    ("AFinType_10", "AppFinRecord", W, records(tnp(1, START), tnp(4, START)), ok),
    ("AFinType_10", "AppFinRecord", W, records(tnp(1, START)), bad),
    ("AFinType_10", "AppFinRecord", W, records(tnp(1, START), tnp(3, START)), bad),
    ("R100", "AppFinRecord", E, records(*BOTH, CompStatus=2, Outcome=1, **ENDED), ok),
    ("R100", "AppFinRecord", E, records(tnp(1, START)), ok),  # a warning while continuing
    ("R100", "AppFinRecord", E, records(tnp(1, START), CompStatus=2, Outcome=1, **ENDED), bad),
    (
        "R100",
        "AppFinRecord",
        E,
        records(tnp(1, START), tnp(3, START), CompStatus=2, Outcome=8, **ENDED),
        bad,
    ),
    ("AFinType_08", "AppFinRecord", E, records(tnp(1, START), tnp(4, START)), ok),
    ("AFinType_08", "AppFinRecord", E, records(*BOTH, FundModel=81), ok),
    ("AFinType_08", "AppFinRecord", E, records(*BOTH, tnp(3, date(2025, 9, 2)), FundModel=81), bad),
    ("AFinType_08", "AppFinRecord", E, records(tnp(1, START), tnp(4, START), FundModel=81), bad),
    ("AFinType_07", "AppFinRecord", E, records(*BOTH, pmr(2, date(2025, 9, 15))), ok),
    ("AFinType_07", "AppFinRecord", E, records(tnp(1, START), tnp(4, START), pmr(2, START)), ok),
    ("AFinType_07", "AppFinRecord", E, records(tnp(1, START), pmr(2, START)), bad),
    ("AFinType_07", "AppFinRecord", E, records(tnp(1, START), tnp(3, START), pmr(2, START)), bad),
    ("AFinType_14", "AppFinRecord", E, records(*BOTH, pmr(1, START)), ok),
    ("AFinType_14", "AppFinRecord", E, records(tnp(3, START), tnp(2, START), pmr(1, START)), ok),
    ("AFinType_14", "AppFinRecord", E, records(tnp(2, START), pmr(1, START)), bad),
    ("AFinType_14", "AppFinRecord", E, records(tnp(2, START), tnp(4, START), pmr(1, START)), bad),
    ("AFinType_01", "AppFinRecord", E, records(*BOTH, FundModel=81), ok),
    ("AFinType_01", "AppFinRecord", E, records(tnp(2, START)), ok),  # FM 36 has its own rules
    ("AFinType_01", "AppFinRecord", E, records(tnp(2, START), FundModel=81), bad),
    ("AFinType_01", "AppFinRecord", E, records(pmr(1, START), FundModel=81), bad),
    ("AFinDate_05", "AFinDate", E, records(*BOTH, tnp(3, date(2025, 11, 1))), ok),
    ("AFinDate_05", "AFinDate", E, records(*BOTH), ok),
    (
        "AFinDate_05",
        "AFinDate",
        E,
        records(*BOTH, tnp(1, date(2025, 12, 1)), tnp(3, date(2025, 11, 1))),
        bad,
    ),
    (
        "AFinDate_05",
        "AFinDate",
        E,
        records(tnp(3, START), tnp(1, date(2025, 9, 2)), tnp(2, START)),
        bad,
    ),
    ("AFinDate_06", "AFinDate", E, records(*BOTH, tnp(4, date(2025, 11, 1))), ok),
    ("AFinDate_06", "AFinDate", E, records(tnp(1, START), tnp(4, START)), ok),
    (
        "AFinDate_06",
        "AFinDate",
        E,
        records(*BOTH, tnp(2, date(2025, 12, 1)), tnp(4, date(2025, 11, 1))),
        bad,
    ),
    (
        "AFinDate_06",
        "AFinDate",
        E,
        records(tnp(1, START), tnp(4, START), tnp(2, date(2025, 9, 2))),
        bad,
    ),
    ("AFinDate_07", "AFinDate", E, records(*BOTH, tnp(3, date(2025, 11, 1))), ok),
    ("AFinDate_07", "AFinDate", E, records(tnp(3, START), tnp(2, START)), ok),
    ("AFinDate_07", "AFinDate", E, records(*BOTH, tnp(3, START)), bad),
    (
        "AFinDate_07",
        "AFinDate",
        E,
        records(*BOTH, tnp(1, date(2025, 11, 1)), tnp(3, date(2025, 11, 1))),
        bad,
    ),
    ("AFinDate_08", "AFinDate", E, records(*BOTH, tnp(4, date(2025, 11, 1))), ok),
    ("AFinDate_08", "AFinDate", E, records(tnp(1, START), tnp(4, START)), ok),
    ("AFinDate_08", "AFinDate", E, records(*BOTH, tnp(4, START)), bad),
    (
        "AFinDate_08",
        "AFinDate",
        E,
        records(*BOTH, tnp(2, date(2025, 11, 1)), tnp(4, date(2025, 11, 1))),
        bad,
    ),
    ("AFinDate_09", "AFinDate", E, records(*BOTH, pmr(1, date(2024, 9, 1))), ok),
    ("AFinDate_09", "AFinDate", E, records(*BOTH, pmr(1, date(2025, 8, 1))), ok),
    ("AFinDate_09", "AFinDate", E, records(*BOTH, pmr(1, date(2024, 8, 31))), bad),
    ("AFinDate_09", "AFinDate", E, records(*BOTH, pmr(2, date(2020, 1, 1))), bad),
    (
        "AFinDate_12",
        "AFinDate",
        E,
        records(*BOTH, pmr(1, date(2025, 10, 1)), CompStatus=2, Outcome=8, **ENDED),
        ok,
    ),
    ("AFinDate_12", "AFinDate", E, records(*BOTH, pmr(1, date(2025, 10, 1))), ok),
    (
        "AFinDate_12",
        "AFinDate",
        E,
        records(*BOTH, pmr(1, date(2027, 10, 1)), CompStatus=2, Outcome=8, **ENDED),
        bad,
    ),
    (
        "AFinDate_12",
        "AFinDate",
        E,
        records(*BOTH, tnp(1, date(2027, 10, 1)), CompStatus=2, Outcome=8, **ENDED),
        bad,
    ),
    (
        "AFinDate_13",
        "AFinDate",
        E,
        records(*BOTH, CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    ("AFinDate_13", "AFinDate", E, records(*BOTH, tnp(1, date(2025, 10, 1))), ok),
    (
        "AFinDate_13",
        "AFinDate",
        E,
        records(
            *BOTH, tnp(1, date(2025, 10, 1)), CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED
        ),
        bad,
    ),
    (
        "AFinDate_13",
        "AFinDate",
        E,
        records(
            *BOTH,
            tnp(2, date(2025, 10, 2)),
            CompStatus=2,
            Outcome=1,
            AchDate=date(2025, 10, 1),
            **ENDED,
        ),
        bad,
    ),
    ("AFinDate_14", "AFinDate", E, records(*BOTH, pmr(1, date(2025, 10, 6))), ok),
    ("AFinDate_14", "AFinDate", E, records(*BOTH, tnp(1, date(2025, 10, 7))), ok),
    ("AFinDate_14", "AFinDate", E, records(*BOTH, pmr(1, date(2025, 10, 7))), bad),
    ("AFinDate_14", "AFinDate", E, records(*BOTH, pmr(3, date(2026, 1, 1))), bad),
    ("R119", "AFinDate", E, records(*BOTH), ok),
    ("R119", "AFinDate", E, records(*BOTH, tnp(1, date(2025, 9, 2)), LearnStartDate=START), ok),
    ("R119", "AFinDate", E, records(*BOTH, tnp(1, date(2025, 8, 31))), bad),
    ("R119", "AFinDate", E, records(*BOTH, tnp(2, date(2025, 1, 1))), bad),
]


@pytest.mark.parametrize(
    ("rule", "field", "severity", "data", "raised"),
    CASES,
    ids=[f"{c[0]}-{'invalid' if c[4] else 'valid'}-{i}" for i, c in enumerate(CASES)],
)
def test_app_fin_record_rule(rule, field, severity, data, raised):
    assert_rule(data, rule, field, severity, raised)


def test_every_app_fin_rule_has_two_valid_and_two_invalid_rows():
    assert_two_valid_and_two_invalid(CASES)


def test_fams_and_records_may_be_given_as_element_dicts():
    from programmes.ilr.rules import check_learner

    data = with_aim(
        1,
        LearningDeliveryFAM=[{"LearnDelFAMType": "ACT", "LearnDelFAMCode": "1"}],
        AppFinRecord=[tnp(1, START), tnp(2, START)],
        AppFinRecords=None,
    )
    data["NINumber"] = None
    rules = {f.rule for f in check_learner(data, file_date=date(2025, 10, 6))}
    assert "NINumber_02" in rules
    assert "AFinType_12" not in rules
