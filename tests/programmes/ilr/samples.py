"""The DfE sample ILR file and a variant of it made of 19 different people."""

from pathlib import Path

from lxml import etree

from aptem.validators import uln_check_digit
from programmes.ilr import xml_file

SAMPLE = Path(__file__).parent / "fixtures" / "sample-2526-esfa-date-fixed.xml"
NS = "ESFA/ILR/2025-26"

# The DfE sample reuses identities: OtherAdult, StandLearn and MCALearner carry ASLearner's NI
# number (MCALearner its ULN too); TLevelT is 16Learner and SBLearnerEV is SBLearner by name and
# date of birth. The duplicate guard rejects them as possible duplicates.
SAMPLE_REPEATS = {"OtherAdult", "StandLearn", "MCALearner", "TLevelT", "SBLearnerEV"}


def _valid_uln(near: int) -> str:
    return next(str(n) for n in range(near, near + 100) if uln_check_digit(str(n)) == str(n)[9])


def distinct_sample() -> bytes:
    """The sample with the repeated identities made into different people (NI numbers dropped,
    a new ULN, other given names), so every one of its 19 learners can be imported."""
    root = etree.parse(str(SAMPLE), xml_file.safe_parser()).getroot()
    for ref in ("OtherAdult", "StandLearn", "MCALearner"):
        node = _learner_node(root, ref)
        node.remove(node.find(f"{{{NS}}}NINumber"))
    _learner_node(root, "MCALearner").find(f"{{{NS}}}ULN").text = _valid_uln(1061485900)
    _learner_node(root, "TLevelT").find(f"{{{NS}}}GivenNames").text = "Janet"
    _learner_node(root, "SBLearnerEV").find(f"{{{NS}}}GivenNames").text = "Peter"
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _learner_node(root, ref):
    return next(
        n for n in root.iterfind(f"{{{NS}}}Learner") if n.findtext(f"{{{NS}}}LearnRefNumber") == ref
    )
