"""Valid and invalid Learner values for each rule: the rule name, field and severity found."""

from datetime import date

import pytest

from .builders import learner, standalone_aim, with_aims
from .checking import assert_rule, assert_two_valid_and_two_invalid

E, W = "error", "warning"
ok, bad = False, True
NO_ACT = [standalone_aim()]  # an adult-skills learner with no employer-contract (ACT 1) aim


def community(**values):
    return with_aims(standalone_aim(FundModel=10, LearningDeliveryFAM=[("SOF", "108")]), **values)


CASES = [
    # ULN: README §4.1 examples
    ("ULN_04", "ULN", E, learner(ULN="1000000043"), ok),
    ("ULN_04", "ULN", E, learner(ULN="1061484016"), ok),
    ("ULN_04", "ULN", E, learner(ULN=1061485810), ok),
    ("ULN_04", "ULN", E, with_aims(*NO_ACT, ULN="9999999999"), ok),
    ("ULN_04", "ULN", E, learner(ULN="1000000063"), bad),
    ("ULN_04", "ULN", E, learner(ULN="1000000042"), bad),
    ("ULN_04", "ULN", E, learner(ULN="100000004"), bad),
    ("ULN_04", "ULN", E, learner(ULN="1061484935"), bad),
    ("FD_ULN_MA", "ULN", E, learner(ULN="1000000043"), ok),
    ("FD_ULN_MA", "ULN", E, learner(ULN="9999999999"), ok),
    ("FD_ULN_MA", "ULN", E, learner(ULN=None), bad),
    ("FD_ULN_MA", "ULN", E, learner(ULN=" "), bad),
    ("FD_ULN_AR", "ULN", E, learner(ULN="1000000043"), ok),
    ("FD_ULN_AR", "ULN", E, learner(ULN="1061484016"), ok),
    ("FD_ULN_AR", "ULN", E, learner(ULN="0000000043"), bad),
    ("FD_ULN_AR", "ULN", E, learner(ULN="0123456789"), bad),
    ("ULN_12", "ULN", E, learner(ULN="1000000043"), ok),
    ("ULN_12", "ULN", E, with_aims(*NO_ACT, ULN="9999999999"), ok),
    ("ULN_12", "ULN", E, learner(ULN="9999999999"), bad),
    ("ULN_12", "ULN", E, learner(ULN=9999999999), bad),
    # LearnRefNumber: XSD [A-Za-z0-9 ]{1,12}
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="APP0001"), ok),
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="A 12 b"), ok),
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="APP-0001"), bad),
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="APP_1"), bad),
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="APP1\n"), bad),
    ("FD_LearnRefNumber_AP", "LearnRefNumber", E, learner(LearnRefNumber="Zoë1"), bad),
    ("FD_LearnRefNumber_AL", "LearnRefNumber", E, learner(LearnRefNumber="ABCDEFGHIJKL"), ok),
    ("FD_LearnRefNumber_AL", "LearnRefNumber", E, learner(LearnRefNumber="1"), ok),
    ("FD_LearnRefNumber_AL", "LearnRefNumber", E, learner(LearnRefNumber="ABCDEFGHIJKLM"), bad),
    ("FD_LearnRefNumber_AL", "LearnRefNumber", E, learner(LearnRefNumber="1" * 20), bad),
    ("FD_LearnRefNumber_MA", "LearnRefNumber", E, learner(LearnRefNumber="X"), ok),
    ("FD_LearnRefNumber_MA", "LearnRefNumber", E, learner(LearnRefNumber="APP0001"), ok),
    ("FD_LearnRefNumber_MA", "LearnRefNumber", E, learner(LearnRefNumber=None), bad),
    ("FD_LearnRefNumber_MA", "LearnRefNumber", E, learner(LearnRefNumber="  "), bad),
    # FamilyName / GivenNames: XSD [^0-9\r\n\t|"]{1,100}, FamilyName_01/_02/_04
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName="O'Brien-Smith"), ok),
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName="Zoë Ñúñez"), ok),
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName="Sm1th"), bad),
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName='O"Brien'), bad),
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName="Smith|Jones"), bad),
    ("FD_FamilyName_AP", "FamilyName", E, learner(FamilyName="Smith\tJones"), bad),
    ("FD_FamilyName_AL", "FamilyName", E, learner(FamilyName="a" * 100), ok),
    ("FD_FamilyName_AL", "FamilyName", E, learner(FamilyName="Li"), ok),
    ("FD_FamilyName_AL", "FamilyName", E, learner(FamilyName="a" * 101), bad),
    ("FD_FamilyName_AL", "FamilyName", E, learner(FamilyName="b" * 150), bad),
    ("FamilyName_01", "FamilyName", E, learner(FamilyName="Example"), ok),
    ("FamilyName_01", "FamilyName", E, community(FamilyName=None, ULN="9999999999"), ok),
    ("FamilyName_01", "FamilyName", E, learner(FamilyName=None), bad),
    ("FamilyName_01", "FamilyName", E, learner(FamilyName="   "), bad),
    ("FamilyName_02", "FamilyName", E, community(FamilyName=None, PlanLearnHours=8), ok),
    ("FamilyName_02", "FamilyName", E, community(FamilyName="Example", PlanLearnHours=20), ok),
    ("FamilyName_02", "FamilyName", E, community(FamilyName=None, PlanLearnHours=11), bad),
    ("FamilyName_02", "FamilyName", E, community(FamilyName="", PlanLearnHours=40), bad),
    ("FamilyName_04", "FamilyName", E, community(FamilyName=None, ULN="9999999999"), ok),
    ("FamilyName_04", "FamilyName", E, community(FamilyName="Example", ULN="1000000043"), ok),
    ("FamilyName_04", "FamilyName", E, community(FamilyName=None, PlanLearnHours=5), bad),
    ("FamilyName_04", "FamilyName", E, community(FamilyName=" ", PlanLearnHours=10), bad),
    ("FD_GivenNames_AP", "GivenNames", E, learner(GivenNames="Mary Ann"), ok),
    ("FD_GivenNames_AP", "GivenNames", E, learner(GivenNames="Zoë"), ok),
    ("FD_GivenNames_AP", "GivenNames", E, learner(GivenNames="Alex2"), bad),
    ("FD_GivenNames_AP", "GivenNames", E, learner(GivenNames="Al\nex"), bad),
    ("FD_GivenNames_AL", "GivenNames", E, learner(GivenNames="a" * 100), ok),
    ("FD_GivenNames_AL", "GivenNames", E, learner(GivenNames="Jo"), ok),
    ("FD_GivenNames_AL", "GivenNames", E, learner(GivenNames="a" * 101), bad),
    ("FD_GivenNames_AL", "GivenNames", E, learner(GivenNames="b" * 200), bad),
    ("GivenNames_01", "GivenNames", E, learner(GivenNames="Alex"), ok),
    ("GivenNames_01", "GivenNames", E, community(GivenNames=None, ULN="9999999999"), ok),
    ("GivenNames_01", "GivenNames", E, learner(GivenNames=None), bad),
    ("GivenNames_01", "GivenNames", E, learner(GivenNames=""), bad),
    ("GivenNames_02", "GivenNames", E, community(GivenNames=None, PlanLearnHours=10), ok),
    ("GivenNames_02", "GivenNames", E, community(GivenNames="Al", PlanLearnHours=30), ok),
    ("GivenNames_02", "GivenNames", E, community(GivenNames=None, PlanLearnHours=11), bad),
    ("GivenNames_02", "GivenNames", E, community(GivenNames=" ", PlanLearnHours=99), bad),
    ("GivenNames_04", "GivenNames", E, community(GivenNames=None, ULN="9999999999"), ok),
    ("GivenNames_04", "GivenNames", E, community(GivenNames="Al"), ok),
    ("GivenNames_04", "GivenNames", E, community(GivenNames=None), bad),
    ("GivenNames_04", "GivenNames", E, community(GivenNames="", PlanLearnHours=3), bad),
    # NINumber: README §4.2 examples
    ("NINumber_01", "NINumber", E, learner(NINumber="AB123456C"), ok),
    ("NINumber_01", "NINumber", E, learner(NINumber="AB123456"), ok),
    ("NINumber_01", "NINumber", E, learner(NINumber="OA123456C"), ok),
    ("NINumber_01", "NINumber", E, learner(NINumber="ab123456c"), bad),
    ("NINumber_01", "NINumber", E, learner(NINumber="DA123456C"), bad),
    ("NINumber_01", "NINumber", E, learner(NINumber="AO123456C"), bad),
    ("NINumber_01", "NINumber", E, learner(NINumber="AB123456E"), bad),
    ("NINumber_01", "NINumber", E, learner(NINumber="AB12 3456"), bad),
    ("FD_NINumber_AL", "NINumber", E, learner(NINumber="AB123456C"), ok),
    ("FD_NINumber_AL", "NINumber", E, learner(NINumber="CE123456"), ok),
    ("FD_NINumber_AL", "NINumber", E, learner(NINumber="AB123456CD"), bad),
    ("FD_NINumber_AL", "NINumber", E, learner(NINumber="AB 123456 C"), bad),
    ("NINumber_02", "NINumber", E, learner(NINumber="AB123456C"), ok),
    ("NINumber_02", "NINumber", E, with_aims(*NO_ACT, NINumber=None), ok),
    ("NINumber_02", "NINumber", E, learner(NINumber=None), bad),
    ("NINumber_02", "NINumber", E, learner(NINumber=""), bad),
    # Postcodes: README §4.3
    ("Postcode_15", "Postcode", E, learner(Postcode="ZZ99 9ZZ"), ok),
    ("Postcode_15", "Postcode", E, learner(Postcode="BR1 7SS"), ok),
    ("Postcode_15", "Postcode", E, learner(Postcode="SW1A 1AA"), ok),
    ("Postcode_15", "Postcode", E, learner(Postcode="ZZ999ZZ"), bad),
    ("Postcode_15", "Postcode", E, learner(Postcode="zz99 9zz"), bad),
    ("Postcode_15", "Postcode", E, learner(Postcode="BR1 7CS"), bad),
    ("Postcode_15", "Postcode", E, learner(Postcode="BR1  7SS"), bad),
    ("Postcode_15", "Postcode", E, learner(Postcode="BR1 7SS\n"), bad),
    ("FD_Postcode_AL", "Postcode", E, learner(Postcode="SW1A 1AA"), ok),
    ("FD_Postcode_AL", "Postcode", E, learner(Postcode="B1 1AA"), ok),
    ("FD_Postcode_AL", "Postcode", E, learner(Postcode="SW1A  1AA"), bad),
    ("FD_Postcode_AL", "Postcode", E, learner(Postcode="ABCDEFGHIJ"), bad),
    ("FD_Postcode_MA", "Postcode", E, learner(Postcode="B1 1AA"), ok),
    ("FD_Postcode_MA", "Postcode", E, learner(Postcode="ZZ99 9ZZ"), ok),
    ("FD_Postcode_MA", "Postcode", E, learner(Postcode=None), bad),
    ("FD_Postcode_MA", "Postcode", E, learner(Postcode=""), bad),
    ("PostcodePrior_02", "PostcodePrior", E, learner(PostcodePrior="ZZ99 9ZZ"), ok),
    ("PostcodePrior_02", "PostcodePrior", E, learner(PostcodePrior="M1 1AE"), ok),
    ("PostcodePrior_02", "PostcodePrior", E, learner(PostcodePrior="br17ss"), bad),
    ("PostcodePrior_02", "PostcodePrior", E, learner(PostcodePrior="12345"), bad),
    ("PostcodePrior_02", "PostcodePrior", E, learner(PostcodePrior="M1 1AI"), bad),
    ("FD_PostcodePrior_AL", "PostcodePrior", E, learner(PostcodePrior="EC1A 1BB"), ok),
    ("FD_PostcodePrior_AL", "PostcodePrior", E, learner(PostcodePrior="M1 1AE"), ok),
    ("FD_PostcodePrior_AL", "PostcodePrior", E, learner(PostcodePrior="EC1A  1BB"), bad),
    ("FD_PostcodePrior_AL", "PostcodePrior", E, learner(PostcodePrior="x" * 9), bad),
    ("FD_PostcodePrior_MA", "PostcodePrior", E, learner(PostcodePrior="M1 1AE"), ok),
    ("FD_PostcodePrior_MA", "PostcodePrior", E, learner(PostcodePrior="ZZ99 9ZZ"), ok),
    ("FD_PostcodePrior_MA", "PostcodePrior", E, learner(PostcodePrior=None), bad),
    ("FD_PostcodePrior_MA", "PostcodePrior", E, learner(PostcodePrior=" "), bad),
    # TelNo: XSD [0-9]{1,18}
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="01234567890"), ok),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="447700900123"), ok),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo=None), ok),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="01234 567890"), bad),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="+447700900123"), bad),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="(01234)567890"), bad),
    ("FD_TelNo_AP", "TelNo", E, learner(TelNo="01234567890\n"), bad),
    ("FD_TelNo_AL", "TelNo", E, learner(TelNo="1" * 18), ok),
    ("FD_TelNo_AL", "TelNo", E, learner(TelNo="0113"), ok),
    ("FD_TelNo_AL", "TelNo", E, learner(TelNo="1" * 19), bad),
    ("FD_TelNo_AL", "TelNo", E, learner(TelNo="0" * 25), bad),
    # Email: XSD RestrictedString 1-100 matching .+@.+
    ("FD_Email_AP", "Email", E, learner(Email="alex@example.invalid"), ok),
    ("FD_Email_AP", "Email", E, learner(Email="a.b+c@x.co.uk"), ok),
    ("FD_Email_AP", "Email", E, learner(Email=None), ok),
    ("FD_Email_AP", "Email", E, learner(Email="alex.example.com"), bad),
    ("FD_Email_AP", "Email", E, learner(Email="zoë@example.com"), bad),
    ("FD_Email_AP", "Email", E, learner(Email='"alex"@example.com'), bad),
    ("FD_Email_AP", "Email", E, learner(Email="@example.com"), bad),
    ("FD_Email_AL", "Email", E, learner(Email="a" * 94 + "@x.com"), ok),
    ("FD_Email_AL", "Email", E, learner(Email="a@b.c"), ok),
    ("FD_Email_AL", "Email", E, learner(Email="a" * 95 + "@x.com"), bad),
    ("FD_Email_AL", "Email", E, learner(Email="a" * 200 + "@x.com"), bad),
]


@pytest.mark.parametrize(
    ("rule", "field", "severity", "data", "raised"),
    CASES,
    ids=[f"{c[0]}-{'invalid' if c[4] else 'valid'}-{i}" for i, c in enumerate(CASES)],
)
def test_learner_rule(rule, field, severity, data, raised):
    assert_rule(data, rule, field, severity, raised)


def test_every_learner_rule_has_two_valid_and_two_invalid_rows():
    assert_two_valid_and_two_invalid(CASES)


def test_the_ni_message_comes_from_the_shared_validator():
    from aptem.validators import validate_ni_number  # noqa: F401 - the source of the wording
    from programmes.ilr.rules import check_ni_number

    [finding] = check_ni_number("DA123456C")
    assert finding.message.startswith("Enter a National Insurance number in the format")


def test_a_date_of_birth_string_is_read_as_iso():
    from programmes.ilr.rules import check_learner

    data = learner(DateOfBirth="2000-05-17")
    assert [f for f in check_learner(data, file_date=date(2025, 10, 6)) if f.is_error] == []
