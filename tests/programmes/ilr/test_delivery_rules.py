"""Valid and invalid LearningDelivery values (README §5): aim, programme, dates, completion."""

from datetime import date

import pytest

from .builders import standalone_aim, with_aim, with_aims
from .checking import assert_rule, assert_two_valid_and_two_invalid

E, W = "error", "warning"
ok, bad = False, True
ENDED = {"LearnActEndDate": date(2025, 9, 30)}


def lone(**values):
    """A learner whose only aim is a stand-alone adult-skills aim."""
    return with_aims(standalone_aim(**values))


CASES = [
    ("LearnAimRef_30", "LearnAimRef", E, with_aim(1, LearnAimRef="ZPROG001", AimType=1), ok),
    ("LearnAimRef_30", "LearnAimRef", E, with_aim(2, LearnAimRef="50093186", AimType=3), ok),
    ("LearnAimRef_30", "LearnAimRef", E, with_aim(1, LearnAimRef="60146242"), bad),
    ("LearnAimRef_30", "LearnAimRef", E, with_aim(2, LearnAimRef="ZPROG001"), bad),
    ("LearnAimRef_30", "LearnAimRef", E, lone(LearnAimRef="ZPROG001"), bad),
    ("FD_LearnAimRef_AL", "LearnAimRef", E, with_aim(2, LearnAimRef="12345678"), ok),
    ("FD_LearnAimRef_AL", "LearnAimRef", E, with_aim(2, LearnAimRef="Z1"), ok),
    ("FD_LearnAimRef_AL", "LearnAimRef", E, with_aim(2, LearnAimRef="123456789"), bad),
    ("FD_LearnAimRef_AL", "LearnAimRef", E, with_aim(2, LearnAimRef="ZPROG0001"), bad),
    ("FD_LearnAimRef_AP", "LearnAimRef", E, with_aim(2, LearnAimRef="5009318X"), ok),
    ("FD_LearnAimRef_AP", "LearnAimRef", E, with_aim(2, LearnAimRef="ZWRKX002"), ok),
    ("FD_LearnAimRef_AP", "LearnAimRef", E, with_aim(2, LearnAimRef="5009318é"), bad),
    ("FD_LearnAimRef_AP", "LearnAimRef", E, with_aim(2, LearnAimRef='5009"186'), bad),
    ("FD_LearnAimRef_MA", "LearnAimRef", E, with_aim(2, LearnAimRef="50093186"), ok),
    ("FD_LearnAimRef_MA", "LearnAimRef", E, with_aim(1, LearnAimRef="ZPROG001"), ok),
    ("FD_LearnAimRef_MA", "LearnAimRef", E, with_aim(2, LearnAimRef=None), bad),
    ("FD_LearnAimRef_MA", "LearnAimRef", E, with_aim(2, LearnAimRef=" "), bad),
    ("DelLocPostCode_11", "DelLocPostCode", E, with_aim(1, DelLocPostCode="ZZ99 9ZZ"), ok),
    ("DelLocPostCode_11", "DelLocPostCode", E, with_aim(2, DelLocPostCode="LS1 4AP"), ok),
    ("DelLocPostCode_11", "DelLocPostCode", E, with_aim(1, DelLocPostCode="ls1 4ap"), bad),
    ("DelLocPostCode_11", "DelLocPostCode", E, with_aim(2, DelLocPostCode="LS14AP"), bad),
    ("FD_DelLocPostCode_MA", "DelLocPostCode", E, with_aim(1), ok),  # key not given: not judged
    ("FD_DelLocPostCode_MA", "DelLocPostCode", E, with_aim(2, DelLocPostCode="LS1 4AP"), ok),
    ("FD_DelLocPostCode_MA", "DelLocPostCode", E, with_aim(1, DelLocPostCode=None), bad),
    ("FD_DelLocPostCode_MA", "DelLocPostCode", E, with_aim(2, DelLocPostCode=""), bad),
    ("LSDPostcode_03", "LSDPostcode", E, with_aim(2, LSDPostcode=None), ok),
    ("LSDPostcode_03", "LSDPostcode", E, with_aim(2, LSDPostcode="M1 1AE"), ok),
    ("LSDPostcode_03", "LSDPostcode", E, with_aim(2, LSDPostcode="M11AE"), bad),
    ("LSDPostcode_03", "LSDPostcode", E, with_aim(2, LSDPostcode="M1 1AC"), bad),
    ("ProgType_01", "ProgType", E, with_aim(2, ProgType=25), ok),
    ("ProgType_01", "ProgType", E, lone(ProgType=None), ok),
    ("ProgType_01", "ProgType", E, with_aim(1, ProgType=None), bad),
    ("ProgType_01", "ProgType", E, with_aim(2, ProgType=""), bad),
    ("ProgType_02", "ProgType", E, lone(), ok),
    ("ProgType_02", "ProgType", E, with_aim(2, ProgType=25), ok),
    ("ProgType_02", "ProgType", E, lone(ProgType=25), bad),
    ("ProgType_02", "ProgType", E, lone(ProgType="31"), bad),
    ("ProgType_06", "ProgType", E, with_aim(1, FundModel=81), ok),
    ("ProgType_06", "ProgType", E, with_aim(1, FundModel=99), ok),
    ("ProgType_06", "ProgType", E, with_aim(1, FundModel=35), bad),
    ("ProgType_06", "ProgType", E, with_aim(2, FundModel=25), bad),
    ("StdCode_01", "StdCode", E, with_aim(1, StdCode=91), ok),
    ("StdCode_01", "StdCode", E, lone(), ok),
    ("StdCode_01", "StdCode", E, with_aim(1, StdCode=None), bad),
    ("StdCode_01", "StdCode", E, with_aim(2, StdCode=""), bad),
    ("StdCode_03", "StdCode", E, with_aim(2, StdCode="91"), ok),
    ("StdCode_03", "StdCode", E, lone(StdCode=None), ok),
    ("StdCode_03", "StdCode", E, lone(StdCode=91), bad),
    ("StdCode_03", "StdCode", E, with_aim(2, ProgType=31, StdCode=91), bad),
    ("schema", "StdCode", E, with_aim(1, StdCode=99999), ok),
    ("schema", "StdCode", E, with_aim(1, StdCode="1"), ok),
    ("schema", "StdCode", E, with_aim(1, StdCode=100000), bad),
    ("schema", "StdCode", E, with_aim(1, StdCode="ST0091"), bad),
    # Date order
    (
        "LearnPlanEndDate_02",
        "LearnPlanEndDate",
        E,
        with_aim(2, LearnPlanEndDate=date(2025, 9, 1)),
        ok,
    ),
    ("LearnPlanEndDate_02", "LearnPlanEndDate", E, with_aim(1), ok),
    (
        "LearnPlanEndDate_02",
        "LearnPlanEndDate",
        E,
        with_aim(2, LearnPlanEndDate=date(2025, 8, 31)),
        bad,
    ),
    (
        "LearnPlanEndDate_02",
        "LearnPlanEndDate",
        E,
        with_aim(1, LearnPlanEndDate=date(2024, 1, 1)),
        bad,
    ),
    (
        "LearnPlanEndDate_03",
        "LearnPlanEndDate",
        E,
        with_aim(1, LearnPlanEndDate=date(2035, 8, 31)),
        ok,
    ),
    ("LearnPlanEndDate_03", "LearnPlanEndDate", E, with_aim(1), ok),
    (
        "LearnPlanEndDate_03",
        "LearnPlanEndDate",
        E,
        with_aim(1, LearnPlanEndDate=date(2035, 9, 1)),
        bad,
    ),
    (
        "LearnPlanEndDate_03",
        "LearnPlanEndDate",
        E,
        with_aim(2, LearnPlanEndDate=date(2040, 1, 1)),
        bad,
    ),
    (
        "LearnActEndDate_01",
        "LearnActEndDate",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    (
        "LearnActEndDate_01",
        "LearnActEndDate",
        E,
        lone(CompStatus=2, Outcome=1, LearnActEndDate=date(2025, 9, 1)),
        ok,
    ),
    (
        "LearnActEndDate_01",
        "LearnActEndDate",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, LearnActEndDate=date(2025, 8, 31)),
        bad,
    ),
    (
        "LearnActEndDate_01",
        "LearnActEndDate",
        E,
        with_aim(2, LearnActEndDate=date(2020, 1, 1)),
        bad,
    ),
    ("LearnActEndDate_04", "LearnActEndDate", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    (
        "LearnActEndDate_04",
        "LearnActEndDate",
        E,
        lone(CompStatus=2, Outcome=1, LearnActEndDate=date(2025, 10, 6)),
        ok,
    ),
    (
        "LearnActEndDate_04",
        "LearnActEndDate",
        E,
        lone(CompStatus=2, Outcome=1, LearnActEndDate=date(2025, 10, 7)),
        bad,
    ),
    (
        "LearnActEndDate_04",
        "LearnActEndDate",
        E,
        with_aim(2, LearnActEndDate=date(2026, 6, 30)),
        bad,
    ),
    (
        "AchDate_03",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 30), **ENDED),
        ok,
    ),
    (
        "AchDate_03",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 10, 1), **ENDED),
        ok,
    ),
    (
        "AchDate_03",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 8, 1), LearnActEndDate=date(2025, 8, 1)),
        bad,
    ),
    (
        "AchDate_03",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2024, 1, 1), **ENDED),
        bad,
    ),
    (
        "AchDate_04",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 30), **ENDED),
        ok,
    ),
    ("AchDate_04", "AchDate", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("AchDate_04", "AchDate", E, lone(AchDate=date(2025, 9, 30)), bad),
    ("AchDate_04", "AchDate", E, with_aim(2, AchDate=date(2025, 9, 30)), bad),
    (
        "AchDate_05",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 30), **ENDED),
        ok,
    ),
    (
        "AchDate_05",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 10, 2), **ENDED),
        ok,
    ),
    (
        "AchDate_05",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 29), **ENDED),
        bad,
    ),
    (
        "AchDate_05",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 2), **ENDED),
        bad,
    ),
    (
        "AchDate_07",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 10, 6), **ENDED),
        ok,
    ),
    (
        "AchDate_07",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 9, 30), **ENDED),
        ok,
    ),
    (
        "AchDate_07",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 10, 7), **ENDED),
        bad,
    ),
    (
        "AchDate_07",
        "AchDate",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2026, 1, 1), **ENDED),
        bad,
    ),
    # Completion status, outcome and withdrawal reason
    ("CompStatus_01", "CompStatus", E, lone(CompStatus=6, Outcome=3, **ENDED), ok),
    ("CompStatus_01", "CompStatus", E, lone(CompStatus="1"), ok),
    ("CompStatus_01", "CompStatus", E, lone(CompStatus=4), bad),
    ("CompStatus_01", "CompStatus", E, lone(CompStatus=None), bad),
    ("CompStatus_02", "CompStatus", E, with_aim(1, **ENDED), ok),  # open app-standard programme aim
    ("CompStatus_02", "CompStatus", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("CompStatus_02", "CompStatus", E, lone(CompStatus=1, **ENDED), bad),
    ("CompStatus_02", "CompStatus", E, with_aim(2, **ENDED), bad),
    ("CompStatus_03", "LearnActEndDate", E, lone(), ok),
    (
        "CompStatus_03",
        "LearnActEndDate",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    ("CompStatus_03", "LearnActEndDate", E, lone(CompStatus=2, Outcome=1), bad),
    ("CompStatus_03", "LearnActEndDate", E, lone(CompStatus=6, Outcome=3), bad),
    ("CompStatus_04", "Outcome", E, lone(), ok),
    ("CompStatus_04", "Outcome", E, lone(CompStatus=2, Outcome=8, **ENDED), ok),
    ("CompStatus_04", "Outcome", E, lone(CompStatus=2, **ENDED), bad),
    ("CompStatus_04", "Outcome", E, lone(CompStatus=3, WithdrawReason=40, **ENDED), bad),
    ("CompStatus_05", "Outcome", E, lone(), ok),
    ("CompStatus_05", "Outcome", E, with_aim(1, Outcome=8, **ENDED), ok),  # app standards exempt
    ("CompStatus_05", "Outcome", E, lone(Outcome=3, **ENDED), bad),
    ("CompStatus_05", "Outcome", E, lone(Outcome=1), bad),
    ("CompStatus_06", "Outcome", E, lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED), ok),
    ("CompStatus_06", "Outcome", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("CompStatus_06", "Outcome", E, lone(CompStatus=3, Outcome=1, WithdrawReason=40, **ENDED), bad),
    ("CompStatus_06", "Outcome", E, lone(CompStatus=6, Outcome=8, **ENDED), bad),
    (
        "CompStatus_07",
        "CompStatus",
        E,
        with_aim(1, CompStatus=2, Outcome=1, AchDate=date(2025, 10, 1), **ENDED),
        ok,
    ),
    (
        "CompStatus_07",
        "CompStatus",
        E,
        with_aim(1, CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    (
        "CompStatus_07",
        "CompStatus",
        E,
        with_aim(1, CompStatus=3, Outcome=3, AchDate=date(2025, 10, 1), **ENDED),
        bad,
    ),
    ("CompStatus_07", "CompStatus", E, with_aim(1, AchDate=date(2025, 10, 1), **ENDED), bad),
    ("Outcome_01", "Outcome", E, lone(CompStatus=2, Outcome=8, **ENDED), ok),
    ("Outcome_01", "Outcome", E, lone(CompStatus=2, Outcome="1", **ENDED), ok),
    ("Outcome_01", "Outcome", E, lone(CompStatus=2, Outcome=5, **ENDED), bad),
    ("Outcome_01", "Outcome", E, lone(CompStatus=2, Outcome="X", **ENDED), bad),
    (
        "Outcome_04",
        "Outcome",
        E,
        lone(CompStatus=2, Outcome=1, AchDate=date(2025, 10, 1), **ENDED),
        ok,
    ),
    (
        "Outcome_04",
        "Outcome",
        E,
        with_aim(1, CompStatus=2, Outcome=8, AchDate=date(2025, 10, 1), **ENDED),
        ok,
    ),
    (
        "Outcome_04",
        "Outcome",
        E,
        lone(CompStatus=2, Outcome=8, AchDate=date(2025, 10, 1), **ENDED),
        bad,
    ),
    (
        "Outcome_04",
        "Outcome",
        E,
        with_aim(2, CompStatus=2, Outcome=3, AchDate=date(2025, 10, 1), **ENDED),
        bad,
    ),
    ("Outcome_05", "LearnActEndDate", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    (
        "Outcome_05",
        "LearnActEndDate",
        E,
        lone(CompStatus=1, FundModel=37, ProgType=32, AimType=3, Outcome=1),
        ok,
    ),
    ("Outcome_05", "LearnActEndDate", E, lone(CompStatus=2, Outcome=1), bad),
    ("Outcome_05", "LearnActEndDate", E, with_aim(2, Outcome=1), bad),
    (
        "Outcome_11",
        "LearnActEndDate",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    ("Outcome_11", "LearnActEndDate", E, lone(), ok),
    ("Outcome_11", "LearnActEndDate", E, lone(CompStatus=3, Outcome=3, WithdrawReason=40), bad),
    ("Outcome_11", "LearnActEndDate", E, with_aim(1, Outcome=8), bad),
    ("Outcome_09", "Outcome", E, lone(CompStatus=2, Outcome=8, **ENDED), ok),
    ("Outcome_09", "Outcome", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("Outcome_09", "Outcome", E, lone(CompStatus=3, Outcome=8, WithdrawReason=40, **ENDED), bad),
    ("Outcome_09", "Outcome", E, with_aim(1, Outcome=8, **ENDED), bad),
    ("Outcome_10", "Outcome", E, lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED), ok),
    ("Outcome_10", "Outcome", E, lone(CompStatus=2, Outcome=3, **ENDED), ok),
    ("Outcome_10", "Outcome", E, lone(CompStatus=1, Outcome=3, **ENDED), bad),
    ("Outcome_10", "Outcome", E, with_aim(1, Outcome=3, **ENDED), bad),
    ("Outcome_12", "Outcome", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("Outcome_12", "Outcome", E, lone(), ok),
    ("Outcome_12", "Outcome", E, lone(CompStatus=2, **ENDED), bad),
    ("Outcome_12", "Outcome", E, with_aim(1, **ENDED), bad),
    (
        "WithdrawReason_03",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    ("WithdrawReason_03", "WithdrawReason", E, lone(CompStatus=2, Outcome=1, **ENDED), ok),
    ("WithdrawReason_03", "WithdrawReason", E, lone(CompStatus=3, Outcome=3, **ENDED), bad),
    (
        "WithdrawReason_03",
        "WithdrawReason",
        E,
        with_aim(1, CompStatus=3, Outcome=3, WithdrawReason="", **ENDED),
        bad,
    ),
    (
        "WithdrawReason_04",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    ("WithdrawReason_04", "WithdrawReason", E, lone(), ok),
    (
        "WithdrawReason_04",
        "WithdrawReason",
        E,
        lone(CompStatus=2, Outcome=1, WithdrawReason=40, **ENDED),
        bad,
    ),
    ("WithdrawReason_04", "WithdrawReason", E, lone(WithdrawReason=47), bad),
    (
        "WithdrawReason_05",
        "WithdrawReason",
        E,
        lone(
            CompStatus=3,
            Outcome=3,
            WithdrawReason=28,
            LearningDeliveryFAM=[("SOF", "105"), ("LDM", "034")],
            **ENDED,
        ),
        ok,
    ),
    (
        "WithdrawReason_05",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    (
        "WithdrawReason_05",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=28, **ENDED),
        bad,
    ),
    (
        "WithdrawReason_05",
        "WithdrawReason",
        E,
        with_aim(2, CompStatus=3, Outcome=3, WithdrawReason=28, **ENDED),
        bad,
    ),
    (
        "WithdrawReason_06",
        "WithdrawReason",
        E,
        lone(LearnAimRef="ZWRKX002", CompStatus=3, Outcome=3, WithdrawReason=48, **ENDED),
        ok,
    ),
    (
        "WithdrawReason_06",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=40, **ENDED),
        ok,
    ),
    (
        "WithdrawReason_06",
        "WithdrawReason",
        E,
        lone(CompStatus=3, Outcome=3, WithdrawReason=48, **ENDED),
        bad,
    ),
    (
        "WithdrawReason_06",
        "WithdrawReason",
        E,
        with_aim(2, CompStatus=3, Outcome=3, WithdrawReason=48, **ENDED),
        bad,
    ),
]


@pytest.mark.parametrize(
    ("rule", "field", "severity", "data", "raised"),
    CASES,
    ids=[f"{c[0]}-{'invalid' if c[4] else 'valid'}-{i}" for i, c in enumerate(CASES)],
)
def test_learning_delivery_rule(rule, field, severity, data, raised):
    assert_rule(data, rule, field, severity, raised)


def test_every_delivery_rule_has_two_valid_and_two_invalid_rows():
    assert_two_valid_and_two_invalid(CASES)


def test_a_withdrawn_aim_recorded_consistently_has_no_errors():
    data = with_aim(
        2, CompStatus=3, Outcome=3, WithdrawReason=40, LearnActEndDate=date(2025, 9, 30)
    )
    from programmes.ilr.rules import check_learner

    assert [f for f in check_learner(data, file_date=date(2025, 10, 6)) if f.is_error] == []


def test_findings_on_an_aim_say_which_aim():
    from programmes.ilr.rules import check_learner

    [finding] = [
        f
        for f in check_learner(with_aim(2, StdCode=None), file_date=date(2025, 10, 6))
        if f.rule == "StdCode_01"
    ]
    assert finding.aim == 2
