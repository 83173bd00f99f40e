"""The README's minimal valid apprenticeship learner passes every rule without an error."""

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from programmes.ilr.rules import check_learner

# A copy of ../shared/ilr/minimal_apprenticeship_example_2526.xml: no sibling folder needed.
EXAMPLE = Path(__file__).parent / "fixtures" / "minimal_apprenticeship_example_2526.xml"
NS = {"ilr": "ESFA/ILR/2025-26"}
DATES = {
    "DateOfBirth",
    "LearnStartDate",
    "LearnPlanEndDate",
    "LearnActEndDate",
    "AchDate",
    "AFinDate",
}


def _value(element: ET.Element):
    text = (element.text or "").strip()
    return date.fromisoformat(text) if element.tag.split("}")[1] in DATES else text


def _plain(element: ET.Element) -> dict:
    """Leaf children as {ElementName: value}."""
    return {child.tag.split("}")[1]: _value(child) for child in element if len(child) == 0}


def read_learners(path: Path) -> tuple[date, list[dict]]:
    root = ET.parse(path).getroot()
    file_date = date.fromisoformat(root.findtext(".//ilr:FilePreparationDate", namespaces=NS))
    learners = []
    for node in root.findall("ilr:Learner", NS):
        learner = _plain(node)
        learner["LearningDelivery"] = []
        for aim_node in node.findall("ilr:LearningDelivery", NS):
            aim = _plain(aim_node)
            aim["LearningDeliveryFAM"] = [
                (
                    fam.findtext("ilr:LearnDelFAMType", namespaces=NS),
                    fam.findtext("ilr:LearnDelFAMCode", namespaces=NS),
                )
                for fam in aim_node.findall("ilr:LearningDeliveryFAM", NS)
            ]
            aim["AppFinRecords"] = [_plain(r) for r in aim_node.findall("ilr:AppFinRecord", NS)]
            learner["LearningDelivery"].append(aim)
        learners.append(learner)
    return file_date, learners


def test_the_minimal_example_is_read_with_its_values():
    _, [learner] = read_learners(EXAMPLE)
    assert learner["ULN"] == "1000000043"
    assert learner["DateOfBirth"] == date(2000, 5, 17)
    assert [a["LearnAimRef"] for a in learner["LearningDelivery"]] == ["ZPROG001", "50093186"]
    assert len(learner["LearningDelivery"][0]["AppFinRecords"]) == 2


def test_the_minimal_example_has_no_errors_or_warnings():
    file_date, [learner] = read_learners(EXAMPLE)
    assert check_learner(learner, file_date=file_date) == []


def test_breaking_the_example_uln_gives_uln_04():
    file_date, [learner] = read_learners(EXAMPLE)
    learner["ULN"] = "1000000063"
    [finding] = check_learner(learner, file_date=file_date)
    assert (finding.rule, finding.field, finding.severity) == ("ULN_04", "ULN", "error")
    assert finding.message.endswith("(DfE rule ULN_04).")
