"""ILR 2025-26 code lists used as model choices, each code with a readable label.

Labels follow the ILR specification's lookups. Lists that depend on the FAM or ESM type
(LearnFAMCode, LearnDelFAMCode, ESMCode) and the HE code lists are kept as plain codes: their
valid values depend on another field, and DfE's service checks them against its own lookups.
"""

from django.db import models


def year_label(code: str) -> str:
    """The way people write a collection year ("2025-26") for its ILR code ("2526"): the one
    spelling every page and message uses; the XML and file names keep the code."""
    return f"20{code[:2]}-{code[2:]}" if len(code) == 4 and code.isdigit() else code


COLLECTION_YEAR = "2526"
COLLECTION_YEAR_LABEL = year_label(COLLECTION_YEAR)
NAMESPACE = "ESFA/ILR/2025-26"


class Ethnicity(models.IntegerChoices):
    BRITISH = 31, "31: English, Welsh, Scottish, Northern Irish or British"
    IRISH = 32, "32: Irish"
    GYPSY = 33, "33: Gypsy or Irish Traveller"
    OTHER_WHITE = 34, "34: Any other White background"
    WHITE_BLACK_CARIBBEAN = 35, "35: White and Black Caribbean"
    WHITE_BLACK_AFRICAN = 36, "36: White and Black African"
    WHITE_ASIAN = 37, "37: White and Asian"
    OTHER_MIXED = 38, "38: Any other Mixed or Multiple ethnic background"
    INDIAN = 39, "39: Indian"
    PAKISTANI = 40, "40: Pakistani"
    BANGLADESHI = 41, "41: Bangladeshi"
    CHINESE = 42, "42: Chinese"
    OTHER_ASIAN = 43, "43: Any other Asian background"
    AFRICAN = 44, "44: African"
    CARIBBEAN = 45, "45: Caribbean"
    OTHER_BLACK = 46, "46: Any other Black, African or Caribbean background"
    ARAB = 47, "47: Arab"
    OTHER = 98, "98: Any other ethnic group"
    NOT_PROVIDED = 99, "99: Not provided"


class Sex(models.TextChoices):
    FEMALE = "F", "F: Female"
    MALE = "M", "M: Male"


class LLDDHealthProb(models.IntegerChoices):
    YES = (
        1,
        "1: Learner considers themselves to have a learning difficulty, disability or health "
        "problem",
    )
    NO = (
        2,
        "2: Learner does not consider themselves to have a learning difficulty, disability or "
        "health problem",
    )
    NOT_PROVIDED = 9, "9: No information provided by the learner"


class Accom(models.IntegerChoices):
    AWAY_FROM_HOME = 5, "5: Learner is living away from home"


class LLDDCat(models.IntegerChoices):
    VISUAL = 4, "4: Visual impairment"
    HEARING = 5, "5: Hearing impairment"
    MOBILITY = 6, "6: Disability affecting mobility"
    PROFOUND = 7, "7: Profound complex disabilities"
    SOCIAL_EMOTIONAL = 8, "8: Social and emotional difficulties"
    MENTAL_HEALTH = 9, "9: Mental health difficulty"
    MODERATE = 10, "10: Moderate learning difficulty"
    SEVERE = 11, "11: Severe learning difficulty"
    DYSLEXIA = 12, "12: Dyslexia"
    DYSCALCULIA = 13, "13: Dyscalculia"
    AUTISM = 14, "14: Autism spectrum disorder"
    ASPERGERS = 15, "15: Asperger's syndrome"
    TEMPORARY = 16, "16: Temporary disability after illness or accident"
    SPEECH = 17, "17: Speech, language and communication needs"
    OTHER_PHYSICAL = 93, "93: Other physical disability"
    OTHER_SPECIFIC = 94, "94: Other specific learning difficulty"
    OTHER_MEDICAL = 95, "95: Other medical condition"
    OTHER_LEARNING = 96, "96: Other learning difficulty"
    OTHER_DISABILITY = 97, "97: Other disability"
    PREFER_NOT = 98, "98: Prefer not to say"
    NOT_PROVIDED = 99, "99: Not provided"


class PriorLevel(models.IntegerChoices):
    LEVEL_1 = 1, "1: Level 1"
    FULL_LEVEL_2 = 2, "2: Full level 2"
    FULL_LEVEL_3 = 3, "3: Full level 3"
    LEVEL_4 = 4, "4: Level 4"
    LEVEL_5 = 5, "5: Level 5"
    LEVEL_6 = 6, "6: Level 6"
    LEVEL_7 = 7, "7: Level 7 and above"
    ENTRY = 9, "9: Entry level"
    OTHER = 97, "97: Other qualification, level not known"
    NOT_KNOWN = 98, "98: Not known"
    NONE = 99, "99: No qualifications"


class LearnFAMType(models.TextChoices):
    EHC = "EHC", "EHC: Education, health and care plan"
    HNS = "HNS", "HNS: High needs students"
    LSR = "LSR", "LSR: Learner support reason"
    SEN = "SEN", "SEN: Special educational needs"
    NLM = "NLM", "NLM: National learner monitoring"
    EDF = "EDF", "EDF: Eligibility for 16-19 disadvantage funding"
    MCF = "MCF", "MCF: GCSE maths condition of funding"
    ECF = "ECF", "ECF: GCSE English condition of funding"
    FME = "FME", "FME: Free meals eligibility"
    PPE = "PPE", "PPE: Pupil premium funding eligibility"
    DLA = "DLA", "DLA: Disabled students allowance"


class EmpStat(models.IntegerChoices):
    EMPLOYED = 10, "10: In paid employment"
    LOOKING = 11, "11: Not in paid employment, looking for work and available to start work"
    NOT_LOOKING = (
        12,
        ("12: Not in paid employment, not looking for work and/or not available to start work"),
    )
    NOT_KNOWN = 98, "98: Not known / not provided"


class ESMType(models.TextChoices):
    SEI = "SEI", "SEI: Self employment indicator"
    EII = "EII", "EII: Employment intensity indicator"
    LOU = "LOU", "LOU: Length of unemployment"
    LOE = "LOE", "LOE: Length of employment"
    BSI = "BSI", "BSI: Benefit status indicator"
    PEI = "PEI", "PEI: Previous education indicator"
    SEM = "SEM", "SEM: Small employer"
    OET = "OET", "OET: Other employment type"


class AimType(models.IntegerChoices):
    PROGRAMME = 1, "1: Programme aim"
    COMPONENT = 3, "3: Component learning aim within a programme"
    STANDALONE = 4, "4: Learning aim that is not part of a programme"
    CORE = 5, "5: Core aim (16-19 funded learners only)"


class FundModel(models.IntegerChoices):
    COMMUNITY = 10, "10: Community Learning"
    TAILORED = 11, "11: Tailored Learning"
    SIXTEEN_NINETEEN = 25, "25: 16-19 (excluding apprenticeships)"
    ADULT_SKILLS = 35, "35: Adult skills"
    APPRENTICESHIPS = 36, "36: Apprenticeships (from 1 May 2017)"
    BOOTCAMPS = 37, "37: Skills Bootcamps"
    ADULT_SKILLS_FUND = 38, "38: Adult Skills Fund"
    OTHER_ADULT = 81, "81: Other adult"
    OTHER_1619 = 82, "82: Other 16-19"
    NON_FUNDED = 99, "99: Non-funded (no ESFA funding for this learning aim)"


class ProgType(models.IntegerChoices):
    STANDARD = 25, "25: Apprenticeship standard"
    T_LEVEL_FOUNDATION = 30, "30: T Level Foundation Year"
    T_LEVEL = 31, "31: T Level"
    BOOTCAMP = 32, "32: Skills Bootcamp"
    COMBINED_AUTHORITY = 33, "33: Combined Authorities"


class CompStatus(models.IntegerChoices):
    CONTINUING = 1, "1: The learner is continuing or intending to continue"
    COMPLETED = 2, "2: The learner has completed the learning activities"
    WITHDRAWN = 3, "3: The learner has withdrawn from the learning activities"
    BREAK = 6, "6: Learner has temporarily withdrawn due to an agreed break in learning"


class Outcome(models.IntegerChoices):
    ACHIEVED = 1, "1: Achieved"
    PARTIAL = 2, "2: Partial achievement"
    NO_ACHIEVEMENT = 3, "3: No achievement"
    NOT_KNOWN_YET = 8, "8: Learning activities complete, outcome not yet known"


class WithdrawReason(models.IntegerChoices):
    TRANSFERRED_PROVIDER = 2, "2: Learner has transferred to another provider"
    INJURY_ILLNESS = 3, "3: Learner injury or illness"
    TRANSFERRED_INTERVENTION = (
        7,
        (
            "7: Learner has transferred between providers due to intervention by or with the "
            "written agreement of the funding body"
        ),
    )
    OLASS = 28, "28: OLASS learner withdrawn due to circumstances outside the provider's control"
    REDUNDANT = 29, "29: Learner has been made redundant"
    NEW_AIM_SAME_PROVIDER = (
        40,
        "40: Learner has transferred to a new learning aim with the same provider",
    )
    GOVERNMENT_STRATEGY = (
        41,
        (
            "41: Learner has transferred to another provider to undertake learning that meets a "
            "specific government strategy"
        ),
    )
    ACADEMIC_FAILURE = 42, "42: Academic failure, left in bad standing (HE aims only)"
    FINANCIAL = 43, "43: Financial reasons"
    PERSONAL = 44, "44: Other personal reasons"
    WRITTEN_OFF = 45, "45: Written off after lapse of time (HE aims only)"
    EXCLUSION = 46, "46: Exclusion"
    MERGER = 47, "47: Learner has transferred to another provider due to merger"
    INDUSTRIAL_PLACEMENT = (
        48,
        (
            "48: Industrial placement learner withdrawn due to circumstances outside the "
            "provider's control"
        ),
    )
    OTHER = 97, "97: Other"
    NOT_KNOWN = 98, "98: Reason not known"


class LearnDelFAMType(models.TextChoices):
    SOF = "SOF", "SOF: Source of funding"
    FFI = "FFI", "FFI: Full or co-funding indicator"
    EEF = "EEF", "EEF: Eligibility for enhanced apprenticeship funding"
    RES = "RES", "RES: Restart indicator"
    LSF = "LSF", "LSF: Learning support funding"
    ADL = "ADL", "ADL: Advanced Learner Loan"
    ALB = "ALB", "ALB: Advanced Learner Loans Bursary funding"
    ASL = "ASL", "ASL: Community Learning provision type"
    ACL = "ACL", "ACL: Community Learning / Tailored Learning provision"
    LDM = "LDM", "LDM: Learning delivery monitoring"
    DAM = "DAM", "DAM: Devolved area monitoring"
    NSA = "NSA", "NSA: National Skills Academy indicator"
    WPP = "WPP", "WPP: Work programme participation"
    POD = "POD", "POD: Percentage of online delivery"
    FLN = "FLN", "FLN: Family English, maths and language"
    HHS = "HHS", "HHS: Household situation"
    ACT = "ACT", "ACT: Apprenticeship contract type"
    EVI = "EVI", "EVI: Event indicator"
    SPP = "SPP", "SPP: Special projects and pilots"


class AFinType(models.TextChoices):
    TNP = "TNP", "TNP: Total negotiated price"
    PMR = "PMR", "PMR: Payment record"


AFIN_LABELS = {
    ("TNP", 1): "TNP1: Total training price",
    ("TNP", 2): "TNP2: Total assessment price",
    ("TNP", 3): "TNP3: Residual training price",
    ("TNP", 4): "TNP4: Residual assessment price",
    ("PMR", 1): "PMR1: Training payment",
    ("PMR", 2): "PMR2: Assessment payment",
    ("PMR", 3): "PMR3: Employer payment reimbursed by provider",
}


class WorkPlaceMode(models.IntegerChoices):
    INTERNAL = 1, "1: Internal (simulated) work placement"
    EXTERNAL = 2, "2: External work placement"


class ProvSpecOccur(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
