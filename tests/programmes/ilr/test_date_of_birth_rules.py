"""Valid and invalid dates of birth (README §4.6), judged from the learner's own aims."""

from datetime import date

import pytest

from .builders import learner, standalone_aim, with_aim, with_aims
from .checking import assert_rule, assert_two_valid_and_two_invalid

E, W = "error", "warning"
ok, bad = False, True
ADL = [("ADL", "1"), ("SOF", "105")]


def aims(*aims, **values):
    return with_aims(*aims, **values)


CASES = [
    ("DateOfBirth_01", "DateOfBirth", E, learner(), ok),
    ("DateOfBirth_01", "DateOfBirth", E, aims(standalone_aim(FundModel=99), DateOfBirth=None), ok),
    ("DateOfBirth_01", "DateOfBirth", E, learner(DateOfBirth=None), bad),
    ("DateOfBirth_01", "DateOfBirth", E, aims(standalone_aim(FundModel=25), DateOfBirth=None), bad),
    (
        "DateOfBirth_01",
        "DateOfBirth",
        E,
        aims(
            standalone_aim(LearningDeliveryFAM=[("LDM", "034")]), DateOfBirth=None, ULN="9999999999"
        ),
        ok,
    ),
    ("DateOfBirth_02", "DateOfBirth", W, aims(standalone_aim(FundModel=10), ULN="9999999999"), ok),
    (
        "DateOfBirth_02",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=38), DateOfBirth=None, ULN="9999999999"),
        ok,
    ),
    (
        "DateOfBirth_02",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=10), DateOfBirth=None, ULN="9999999999"),
        bad,
    ),
    (
        "DateOfBirth_02",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=11), DateOfBirth=None, ULN="9999999999"),
        bad,
    ),
    (
        "DateOfBirth_23",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99, LearningDeliveryFAM=ADL)),
        ok,
    ),
    (
        "DateOfBirth_23",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99), DateOfBirth=None, ULN="9999999999"),
        ok,
    ),
    (
        "DateOfBirth_23",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99, LearningDeliveryFAM=ADL), DateOfBirth=None),
        bad,
    ),
    (
        "DateOfBirth_23",
        "DateOfBirth",
        E,
        aims(
            standalone_aim(FundModel=99, LearningDeliveryFAM=ADL),
            DateOfBirth=None,
            ULN="9999999999",
        ),
        bad,
    ),
    ("DateOfBirth_24", "DateOfBirth", E, aims(standalone_aim(FundModel=99)), ok),
    (
        "DateOfBirth_24",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99), DateOfBirth=None, ULN="9999999999"),
        ok,
    ),
    ("DateOfBirth_24", "DateOfBirth", E, aims(standalone_aim(FundModel=99), DateOfBirth=None), bad),
    (
        "DateOfBirth_24",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=10), DateOfBirth=None, ULN="1061484016"),
        bad,
    ),
    ("DateOfBirth_04", "DateOfBirth", E, learner(DateOfBirth=date(1910, 8, 2)), ok),
    ("DateOfBirth_04", "DateOfBirth", E, learner(DateOfBirth=date(1960, 1, 1)), ok),
    ("DateOfBirth_04", "DateOfBirth", E, learner(DateOfBirth=date(1910, 8, 1)), bad),
    ("DateOfBirth_04", "DateOfBirth", E, learner(DateOfBirth=date(1900, 1, 1)), bad),
    ("DateOfBirth_27", "DateOfBirth", E, learner(DateOfBirth=date(2025, 7, 31)), ok),
    ("DateOfBirth_27", "DateOfBirth", E, learner(DateOfBirth=date(2000, 5, 17)), ok),
    ("DateOfBirth_27", "DateOfBirth", E, learner(DateOfBirth=date(2025, 8, 1)), bad),
    ("DateOfBirth_27", "DateOfBirth", E, learner(DateOfBirth=date(2026, 1, 1)), bad),
    ("LearnStartDate_05", "LearnStartDate", E, learner(DateOfBirth=date(2025, 7, 31)), ok),
    ("LearnStartDate_05", "LearnStartDate", E, learner(), ok),
    ("LearnStartDate_05", "LearnStartDate", E, learner(DateOfBirth=date(2025, 9, 1)), bad),
    ("LearnStartDate_05", "LearnStartDate", E, with_aim(2, LearnStartDate=date(1999, 1, 1)), bad),
    (
        "DateOfBirth_05",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=10), DateOfBirth=date(2021, 9, 1)),
        ok,
    ),
    (
        "DateOfBirth_05",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=38), DateOfBirth=date(2022, 1, 1)),
        ok,
    ),
    (
        "DateOfBirth_05",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=10), DateOfBirth=date(2021, 9, 2)),
        bad,
    ),
    (
        "DateOfBirth_05",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=99), DateOfBirth=date(2023, 1, 1)),
        bad,
    ),
    (
        "DateOfBirth_06",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=25), DateOfBirth=date(2012, 8, 31)),
        ok,
    ),
    (
        "DateOfBirth_06",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=82), DateOfBirth=date(2008, 1, 1)),
        ok,
    ),
    (
        "DateOfBirth_06",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=25), DateOfBirth=date(2012, 9, 1)),
        bad,
    ),
    (
        "DateOfBirth_06",
        "DateOfBirth",
        W,
        aims(standalone_aim(FundModel=82), DateOfBirth=date(2014, 1, 1)),
        bad,
    ),
    (
        "DateOfBirth_25",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=38), DateOfBirth=date(2006, 8, 31)),
        ok,
    ),
    ("DateOfBirth_25", "DateOfBirth", E, learner(DateOfBirth=date(2008, 1, 1)), ok),
    (
        "DateOfBirth_25",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=38), DateOfBirth=date(2006, 9, 1)),
        bad,
    ),
    (
        "DateOfBirth_25",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=37), DateOfBirth=date(2008, 1, 1)),
        bad,
    ),
    (
        "DateOfBirth_26",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99, LearningDeliveryFAM=ADL), DateOfBirth=date(2006, 9, 1)),
        ok,
    ),
    (
        "DateOfBirth_26",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99), DateOfBirth=date(2008, 1, 1)),
        ok,
    ),
    (
        "DateOfBirth_26",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99, LearningDeliveryFAM=ADL), DateOfBirth=date(2006, 9, 2)),
        bad,
    ),
    (
        "DateOfBirth_26",
        "DateOfBirth",
        E,
        aims(standalone_aim(FundModel=99, LearningDeliveryFAM=ADL), DateOfBirth=date(2009, 1, 1)),
        bad,
    ),
    # Aims start 2025-09-01: turning 16 by 31 Aug 2025 puts the last Friday of June 2025 behind.
    ("DateOfBirth_48", "DateOfBirth", E, learner(DateOfBirth=date(2009, 7, 15)), ok),
    ("DateOfBirth_48", "DateOfBirth", E, learner(DateOfBirth=date(2009, 8, 31)), ok),
    ("DateOfBirth_48", "DateOfBirth", E, learner(DateOfBirth=date(2009, 9, 1)), bad),
    ("DateOfBirth_48", "DateOfBirth", E, learner(DateOfBirth=date(2010, 3, 1)), bad),
]


@pytest.mark.parametrize(
    ("rule", "field", "severity", "data", "raised"),
    CASES,
    ids=[f"{c[0]}-{'invalid' if c[4] else 'valid'}-{i}" for i, c in enumerate(CASES)],
)
def test_date_of_birth_rule(rule, field, severity, data, raised):
    assert_rule(data, rule, field, severity, raised)


def test_every_date_of_birth_rule_has_two_valid_and_two_invalid_rows():
    assert_two_valid_and_two_invalid(CASES)
