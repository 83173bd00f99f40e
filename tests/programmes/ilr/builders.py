"""A valid apprenticeship learner as plain values, the same as fixtures/minimal_...xml."""

import copy
from datetime import date

FILE_DATE = date(2025, 10, 6)

_LEARNER = {
    "LearnRefNumber": "APP0001",
    "ULN": "1000000043",
    "FamilyName": "Example",
    "GivenNames": "Alex",
    "DateOfBirth": date(2000, 5, 17),
    "NINumber": "AB123456C",
    "PostcodePrior": "ZZ99 9ZZ",
    "Postcode": "ZZ99 9ZZ",
    "TelNo": "01234567890",
    "Email": "alex@example.invalid",
    "LearningDelivery": [
        {
            "LearnAimRef": "ZPROG001",
            "AimType": 1,
            "LearnStartDate": date(2025, 9, 1),
            "LearnPlanEndDate": date(2026, 9, 30),
            "FundModel": 36,
            "ProgType": 25,
            "StdCode": 91,
            "CompStatus": 1,
            "LearningDeliveryFAM": [("SOF", "105"), ("ACT", "1")],
            "AppFinRecords": [
                {
                    "AFinType": "TNP",
                    "AFinCode": 1,
                    "AFinDate": date(2025, 9, 1),
                    "AFinAmount": 9000,
                },
                {
                    "AFinType": "TNP",
                    "AFinCode": 2,
                    "AFinDate": date(2025, 9, 1),
                    "AFinAmount": 1000,
                },
            ],
        },
        {
            "LearnAimRef": "50093186",
            "AimType": 3,
            "LearnStartDate": date(2025, 9, 1),
            "LearnPlanEndDate": date(2026, 6, 30),
            "FundModel": 36,
            "ProgType": 25,
            "StdCode": 91,
            "CompStatus": 1,
            "LearningDeliveryFAM": [("SOF", "105"), ("ACT", "1")],
        },
    ],
}


def valid_learner() -> dict:
    return copy.deepcopy(_LEARNER)


def standalone_aim(**values) -> dict:
    """An adult-skills aim that is not part of a programme (AimType 4)."""
    aim = {
        "LearnAimRef": "60146242",
        "AimType": 4,
        "LearnStartDate": date(2025, 9, 1),
        "LearnPlanEndDate": date(2026, 6, 30),
        "FundModel": 38,
        "CompStatus": 1,
        "LearningDeliveryFAM": [("SOF", "105")],
    }
    aim.update(values)
    return aim


def learner(**values) -> dict:
    result = valid_learner()
    result.update(values)
    return result


def with_aim(position: int, **values) -> dict:
    """The valid learner with aim 1 (programme) or 2 (component) changed."""
    result = valid_learner()
    result["LearningDelivery"][position - 1].update(values)
    return result


def with_aims(*aims: dict, **values) -> dict:
    result = learner(**values)
    result["LearningDelivery"] = list(aims)
    return result


def tnp(code: int, when: date, amount=1000, kind: str = "TNP") -> dict:
    return {"AFinType": kind, "AFinCode": code, "AFinDate": when, "AFinAmount": amount}
