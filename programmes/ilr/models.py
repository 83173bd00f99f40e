"""The ILR 2025-26 entities, one ``IlrLearner`` per learner per collection year.

Each model lists its XML elements in schema order in ``ILR_ELEMENTS`` as (element name, field
name) pairs; the XML export writes them in that order and the import reads them by the same
names, so the element names of ``../shared/ilr/README.md`` §3 are kept in one place. Children
(``ILR_CHILDREN``) follow their parent's own elements, also in schema order.

Field limits match the schema (lengths, ranges); the DfE business rules live in
``programmes/ilr/rules.py`` and run when a form is saved and before a file is exported.
Fields that are not part of the 2025-26 file (contact consents, privacy notice, ID
verification, destination and progression) are provider data kept beside the ILR.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from aptem import jobs
from aptem.models import LearnerOwned, learner_field
from aptem.validators import past_date, sensible_date, validate_date_of_birth
from aptem.versioning import Versioned
from audit.models import AuditEntry

from . import codes

UKPRN_VALIDATORS = [
    MinValueValidator(10000000, "A UKPRN has 8 digits."),
    MaxValueValidator(99999999, "A UKPRN has 8 digits."),
]


def _range(low: int, high: int) -> list:
    message = f"Enter a whole number from {low} to {high}."
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


class IlrChild(models.Model):
    """Something that belongs to one learner's ILR: audited on that learner's trail.

    Children keep the order they were entered or imported in (``ordering = ["pk"]``), so an
    exported file lists them as the imported one did.
    """

    class Meta:
        abstract = True

    def __str__(self) -> str:
        shown = (
            f"{element} {getattr(self, field)}"
            for element, field in getattr(self, "ILR_ELEMENTS", ())
            if getattr(self, field) not in (None, "")
        )
        return ", ".join(shown) or super().__str__()

    # Children have no learner link of their own: they are filed under their ILR's learner.
    @property
    def audit_learner_id(self) -> int:
        return self.ilr_learner.audit_learner_id

    @property
    def ilr_learner(self) -> IlrLearner:
        return self.ilr


class IlrLearner(LearnerOwned, Versioned):
    """The ILR Learner entity for one learner and one collection year, with its episode status."""

    class EpisodeStatus(models.TextChoices):
        DRAFT = "DRAFT", "Draft"
        LEARNER_SIGNED = "LEARNER_SIGNED", "Learner signed"
        QA_VERIFIED = "QA_VERIFIED", "QA verified"
        COMPLETED = "COMPLETED", "Completed"
        EXCLUDED = "EXCLUDED", "Excluded"

    class IdDocument(models.TextChoices):
        PASSPORT = "PASSPORT", "Passport"
        DRIVING_LICENCE = "DRIVING_LICENCE", "Driving licence"
        BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE", "Birth certificate"
        RESIDENCE_PERMIT = "RESIDENCE_PERMIT", "Biometric residence permit"
        OTHER = "OTHER", "Other document"

    learner = learner_field("ilrs")
    collection_year = models.CharField(max_length=4, default=codes.COLLECTION_YEAR)
    episode_status = models.CharField(
        max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.DRAFT
    )
    qa_verified_at = models.DateTimeField("QA verified at", null=True, blank=True)
    qa_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="QA verified by",
    )
    last_exported_at = models.DateTimeField(null=True, blank=True)
    last_export_file = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # --- ILR Learner elements, in schema order -------------------------------------------
    learn_ref_number = models.CharField(
        "LearnRefNumber",
        max_length=12,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9 ]+$", "Use letters, digits and spaces only (up to 12 characters)."
            )
        ],
        help_text="The provider's own reference for the learner: letters, digits, spaces.",
    )
    prev_learn_ref_number = models.CharField(
        "PrevLearnRefNumber",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9 ]+$", "Use letters, digits and spaces only.")],
    )
    prev_ukprn = models.PositiveIntegerField(
        "PrevUKPRN", null=True, blank=True, validators=UKPRN_VALIDATORS
    )
    pm_ukprn = models.PositiveIntegerField(
        "PMUKPRN", null=True, blank=True, validators=UKPRN_VALIDATORS
    )
    camp_id = models.CharField(
        "CampId",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]+$", "Use letters and digits only.")],
    )
    uln = models.CharField("ULN", max_length=10, help_text="Unique Learner Number, 10 digits.")
    family_name = models.CharField("FamilyName", max_length=100, blank=True)
    given_names = models.CharField("GivenNames", max_length=100, blank=True)
    date_of_birth = models.DateField(
        "DateOfBirth", null=True, blank=True, validators=[validate_date_of_birth]
    )
    ethnicity = models.PositiveSmallIntegerField("Ethnicity", choices=codes.Ethnicity.choices)
    sex = models.CharField("Sex", max_length=1, choices=codes.Sex.choices)
    lldd_health_prob = models.PositiveSmallIntegerField(
        "LLDDHealthProb", choices=codes.LLDDHealthProb.choices
    )
    ni_number = models.CharField("NINumber", max_length=9, blank=True)
    accom = models.PositiveSmallIntegerField(
        "Accom", null=True, blank=True, choices=codes.Accom.choices
    )
    als_cost = models.PositiveIntegerField(
        "ALSCost", null=True, blank=True, validators=_range(0, 999999)
    )
    plan_learn_hours = models.PositiveIntegerField(
        "PlanLearnHours", null=True, blank=True, validators=_range(0, 9999)
    )
    plan_eep_hours = models.PositiveIntegerField(
        "PlanEEPHours", null=True, blank=True, validators=_range(0, 9999)
    )
    math_grade = models.CharField("MathGrade", max_length=4, blank=True)
    eng_grade = models.CharField("EngGrade", max_length=4, blank=True)
    postcode_prior = models.CharField("PostcodePrior", max_length=8)
    postcode = models.CharField("Postcode", max_length=8)
    add_line1 = models.CharField("AddLine1", max_length=50, blank=True)
    add_line2 = models.CharField("AddLine2", max_length=50, blank=True)
    add_line3 = models.CharField("AddLine3", max_length=50, blank=True)
    add_line4 = models.CharField("AddLine4", max_length=50, blank=True)
    tel_no = models.CharField("TelNo", max_length=18, blank=True)
    email = models.CharField("Email", max_length=100, blank=True)

    # --- Provider data kept beside the ILR (not in the 2025-26 file) -------------------------
    consent_contact_courses = models.BooleanField(
        "may be contacted about courses and learning opportunities", default=False
    )
    consent_contact_surveys = models.BooleanField(
        "may be contacted for surveys and research", default=False
    )
    third_party_access = models.BooleanField(
        "a named third party may discuss the learner's record", default=False
    )
    third_party_name = models.CharField("third party", max_length=100, blank=True)
    privacy_notice_declared_on = models.DateField(
        "DfE privacy notice declared on",
        null=True,
        blank=True,
        validators=[past_date],
        help_text="The date the learner confirmed they had read the DfE privacy notice.",
    )
    id_document = models.CharField(
        "ID document seen", max_length=20, choices=IdDocument.choices, blank=True
    )
    id_verified_on = models.DateField(
        "ID verified on", null=True, blank=True, validators=[past_date]
    )
    id_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="ID verified by",
    )

    ILR_ELEMENTS = (
        ("LearnRefNumber", "learn_ref_number"),
        ("PrevLearnRefNumber", "prev_learn_ref_number"),
        ("PrevUKPRN", "prev_ukprn"),
        ("PMUKPRN", "pm_ukprn"),
        ("CampId", "camp_id"),
        ("ULN", "uln"),
        ("FamilyName", "family_name"),
        ("GivenNames", "given_names"),
        ("DateOfBirth", "date_of_birth"),
        ("Ethnicity", "ethnicity"),
        ("Sex", "sex"),
        ("LLDDHealthProb", "lldd_health_prob"),
        ("NINumber", "ni_number"),
        ("Accom", "accom"),
        ("ALSCost", "als_cost"),
        ("PlanLearnHours", "plan_learn_hours"),
        ("PlanEEPHours", "plan_eep_hours"),
        ("MathGrade", "math_grade"),
        ("EngGrade", "eng_grade"),
        ("PostcodePrior", "postcode_prior"),
        ("Postcode", "postcode"),
        ("AddLine1", "add_line1"),
        ("AddLine2", "add_line2"),
        ("AddLine3", "add_line3"),
        ("AddLine4", "add_line4"),
        ("TelNo", "tel_no"),
        ("Email", "email"),
    )
    # (element name, related name, single?) in schema order after the learner's own elements.
    ILR_CHILDREN = (
        ("PriorAttain", "prior_attainments", False),
        ("LLDDandHealthProblem", "lldd_health_problems", False),
        ("LearnerFAM", "learner_fams", False),
        ("ProviderSpecLearnerMonitoring", "provider_monitorings", False),
        ("LearnerEmploymentStatus", "employment_statuses", False),
        ("LearnerHE", "learner_he", True),
        ("LearningDelivery", "deliveries", False),
    )

    class Meta:
        verbose_name = "ILR learner"
        ordering = ["-collection_year", "learn_ref_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "collection_year"], name="ilr_one_per_learner_per_year"
            ),
            models.UniqueConstraint(
                fields=["collection_year", "learn_ref_number"], name="ilr_learn_ref_unique_in_year"
            ),
        ]
        indexes = [
            models.Index(fields=["collection_year", "episode_status"], name="ilr_year_status"),
        ]

    def __str__(self) -> str:
        return f"ILR {codes.year_label(self.collection_year)} {self.learn_ref_number}"

    def changes_since(self, version: int) -> list[AuditEntry]:
        """Who changed what in this ILR after ``version`` was saved, its children included:
        every save through the ILR forms bumps the ILR's version, children and all."""
        own = super().changes_since(version)
        if not own:
            return []
        children_models = [model for model in ILR_MODELS if model is not IlrLearner]
        child_types = ContentType.objects.get_for_models(*children_models).values()
        children = AuditEntry.objects.filter(
            learner_id=self.learner_id,
            content_type__in=child_types,
            timestamp__gte=own[0].timestamp - datetime.timedelta(seconds=1),
        ).select_related("actor", "content_type")
        return sorted([*own, *children], key=lambda e: (e.timestamp, e.pk))

    @property
    def is_qa_verified(self) -> bool:
        return self.episode_status == self.EpisodeStatus.QA_VERIFIED

    @property
    def was_exported(self) -> bool:
        return self.last_exported_at is not None


class PriorAttain(IlrChild):
    ilr = models.ForeignKey(IlrLearner, on_delete=models.CASCADE, related_name="prior_attainments")
    prior_level = models.PositiveSmallIntegerField("PriorLevel", choices=codes.PriorLevel.choices)
    date_level_app = models.DateField("DateLevelApp", validators=[sensible_date])

    ILR_ELEMENTS = (("PriorLevel", "prior_level"), ("DateLevelApp", "date_level_app"))

    class Meta:
        ordering = ["pk"]
        verbose_name = "prior attainment"


class LLDDandHealthProblem(IlrChild):
    ilr = models.ForeignKey(
        IlrLearner, on_delete=models.CASCADE, related_name="lldd_health_problems"
    )
    lldd_cat = models.PositiveSmallIntegerField("LLDDCat", choices=codes.LLDDCat.choices)
    # Written as PrimaryLLDD 1 when set and left out otherwise, as the schema's only value is 1.
    primary_lldd = models.BooleanField(
        "PrimaryLLDD", default=False, help_text="The learner's primary difficulty or disability."
    )

    ILR_ELEMENTS = (("LLDDCat", "lldd_cat"), ("PrimaryLLDD", "primary_lldd"))

    class Meta:
        ordering = ["pk"]
        verbose_name = "disability or health problem"


class LearnerFAM(IlrChild):
    ilr = models.ForeignKey(IlrLearner, on_delete=models.CASCADE, related_name="learner_fams")
    learn_fam_type = models.CharField(
        "LearnFAMType", max_length=3, choices=codes.LearnFAMType.choices
    )
    learn_fam_code = models.PositiveSmallIntegerField("LearnFAMCode", validators=_range(0, 999))

    ILR_ELEMENTS = (("LearnFAMType", "learn_fam_type"), ("LearnFAMCode", "learn_fam_code"))

    class Meta:
        ordering = ["pk"]
        verbose_name = "learner funding and monitoring"
        verbose_name_plural = "learner funding and monitoring"


class ProviderSpecLearnerMonitoring(IlrChild):
    ilr = models.ForeignKey(
        IlrLearner, on_delete=models.CASCADE, related_name="provider_monitorings"
    )
    occur = models.CharField(
        "ProvSpecLearnMonOccur", max_length=1, choices=codes.ProvSpecOccur.choices[:2]
    )
    value = models.CharField("ProvSpecLearnMon", max_length=20)

    ILR_ELEMENTS = (("ProvSpecLearnMonOccur", "occur"), ("ProvSpecLearnMon", "value"))

    class Meta:
        ordering = ["pk"]
        verbose_name = "provider-specified learner monitoring"


class LearnerEmploymentStatus(IlrChild):
    ilr = models.ForeignKey(
        IlrLearner, on_delete=models.CASCADE, related_name="employment_statuses"
    )
    emp_stat = models.PositiveSmallIntegerField("EmpStat", choices=codes.EmpStat.choices)
    date_emp_stat_app = models.DateField("DateEmpStatApp", validators=[sensible_date])
    emp_id = models.PositiveIntegerField(
        "EmpId", null=True, blank=True, validators=_range(1, 999999999)
    )

    ILR_ELEMENTS = (
        ("EmpStat", "emp_stat"),
        ("DateEmpStatApp", "date_emp_stat_app"),
        ("EmpId", "emp_id"),
    )
    ILR_CHILDREN = (("EmploymentStatusMonitoring", "monitorings", False),)

    class Meta:
        ordering = ["pk"]
        verbose_name = "employment status"
        verbose_name_plural = "employment statuses"


class EmploymentStatusMonitoring(IlrChild):
    employment_status = models.ForeignKey(
        LearnerEmploymentStatus, on_delete=models.CASCADE, related_name="monitorings"
    )
    esm_type = models.CharField("ESMType", max_length=3, choices=codes.ESMType.choices)
    esm_code = models.PositiveSmallIntegerField("ESMCode", validators=_range(0, 99))

    ILR_ELEMENTS = (("ESMType", "esm_type"), ("ESMCode", "esm_code"))

    class Meta:
        ordering = ["pk"]

    @property
    def ilr_learner(self) -> IlrLearner:
        return self.employment_status.ilr


class LearnerHE(IlrChild):
    ilr = models.OneToOneField(IlrLearner, on_delete=models.CASCADE, related_name="learner_he")
    ucasperid = models.CharField(
        "UCASPERID",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{10}$", "A UCAS personal ID has 10 digits.")],
    )
    ttaccom = models.PositiveSmallIntegerField(
        "TTACCOM", null=True, blank=True, validators=_range(0, 9)
    )

    ILR_ELEMENTS = (("UCASPERID", "ucasperid"), ("TTACCOM", "ttaccom"))
    ILR_CHILDREN = (("LearnerHEFinancialSupport", "financial_supports", False),)

    class Meta:
        verbose_name = "learner HE"
        verbose_name_plural = "learner HE"


class LearnerHEFinancialSupport(IlrChild):
    learner_he = models.ForeignKey(
        LearnerHE, on_delete=models.CASCADE, related_name="financial_supports"
    )
    fin_type = models.PositiveSmallIntegerField("FINTYPE", validators=_range(1, 9))
    fin_amount = models.PositiveIntegerField("FINAMOUNT", validators=_range(0, 999999))

    ILR_ELEMENTS = (("FINTYPE", "fin_type"), ("FINAMOUNT", "fin_amount"))

    class Meta:
        ordering = ["pk"]

    @property
    def ilr_learner(self) -> IlrLearner:
        return self.learner_he.ilr


class LearningDelivery(IlrChild):
    ilr = models.ForeignKey(IlrLearner, on_delete=models.CASCADE, related_name="deliveries")
    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ilr_aims",
        help_text="The enrolment this aim records; stopping the programme updates it.",
    )
    learn_aim_ref = models.CharField("LearnAimRef", max_length=8)
    aim_type = models.PositiveSmallIntegerField("AimType", choices=codes.AimType.choices)
    aim_seq_number = models.PositiveSmallIntegerField("AimSeqNumber", validators=_range(1, 98))
    learn_start_date = models.DateField("LearnStartDate", validators=[sensible_date])
    orig_learn_start_date = models.DateField(
        "OrigLearnStartDate", null=True, blank=True, validators=[sensible_date]
    )
    learn_plan_end_date = models.DateField("LearnPlanEndDate", validators=[sensible_date])
    fund_model = models.PositiveSmallIntegerField("FundModel", choices=codes.FundModel.choices)
    p_hours = models.PositiveIntegerField(
        "PHours", null=True, blank=True, validators=_range(0, 9999)
    )
    otj_act_hours = models.PositiveIntegerField(
        "OTJActHours", null=True, blank=True, validators=_range(0, 9999)
    )
    prog_type = models.PositiveSmallIntegerField(
        "ProgType", null=True, blank=True, choices=codes.ProgType.choices
    )
    std_code = models.PositiveIntegerField(
        "StdCode", null=True, blank=True, validators=_range(1, 99999)
    )
    partner_ukprn = models.PositiveIntegerField(
        "PartnerUKPRN", null=True, blank=True, validators=UKPRN_VALIDATORS
    )
    del_loc_post_code = models.CharField("DelLocPostCode", max_length=8)
    lsd_postcode = models.CharField("LSDPostcode", max_length=8, blank=True)
    add_hours = models.PositiveIntegerField(
        "AddHours", null=True, blank=True, validators=_range(0, 9999)
    )
    prior_learn_fund_adj = models.PositiveSmallIntegerField(
        "PriorLearnFundAdj", null=True, blank=True, validators=_range(0, 99)
    )
    other_fund_adj = models.PositiveSmallIntegerField(
        "OtherFundAdj", null=True, blank=True, validators=_range(0, 999)
    )
    con_ref_number = models.CharField("ConRefNumber", max_length=20, blank=True)
    epa_org_id = models.CharField("EPAOrgID", max_length=7, blank=True)
    comp_status = models.PositiveSmallIntegerField(
        "CompStatus", choices=codes.CompStatus.choices, default=codes.CompStatus.CONTINUING
    )
    learn_act_end_date = models.DateField(
        "LearnActEndDate", null=True, blank=True, validators=[sensible_date]
    )
    withdraw_reason = models.PositiveSmallIntegerField(
        "WithdrawReason", null=True, blank=True, choices=codes.WithdrawReason.choices
    )
    outcome = models.PositiveSmallIntegerField(
        "Outcome", null=True, blank=True, choices=codes.Outcome.choices
    )
    ach_date = models.DateField("AchDate", null=True, blank=True, validators=[sensible_date])
    out_grade = models.CharField("OutGrade", max_length=6, blank=True)
    sw_sup_aim_id = models.CharField("SWSupAimId", max_length=36, blank=True)
    tl_out = models.PositiveSmallIntegerField(
        "TLOut", null=True, blank=True, validators=_range(0, 99)
    )

    ILR_ELEMENTS = (
        ("LearnAimRef", "learn_aim_ref"),
        ("AimType", "aim_type"),
        ("AimSeqNumber", "aim_seq_number"),
        ("LearnStartDate", "learn_start_date"),
        ("OrigLearnStartDate", "orig_learn_start_date"),
        ("LearnPlanEndDate", "learn_plan_end_date"),
        ("FundModel", "fund_model"),
        ("PHours", "p_hours"),
        ("OTJActHours", "otj_act_hours"),
        ("ProgType", "prog_type"),
        ("StdCode", "std_code"),
        ("PartnerUKPRN", "partner_ukprn"),
        ("DelLocPostCode", "del_loc_post_code"),
        ("LSDPostcode", "lsd_postcode"),
        ("AddHours", "add_hours"),
        ("PriorLearnFundAdj", "prior_learn_fund_adj"),
        ("OtherFundAdj", "other_fund_adj"),
        ("ConRefNumber", "con_ref_number"),
        ("EPAOrgID", "epa_org_id"),
        ("CompStatus", "comp_status"),
        ("LearnActEndDate", "learn_act_end_date"),
        ("WithdrawReason", "withdraw_reason"),
        ("Outcome", "outcome"),
        ("AchDate", "ach_date"),
        ("OutGrade", "out_grade"),
        ("SWSupAimId", "sw_sup_aim_id"),
        ("TLOut", "tl_out"),
    )
    ILR_CHILDREN = (
        ("LearningDeliveryFAM", "fams", False),
        ("LearningDeliveryWorkPlacement", "work_placements", False),
        ("AppFinRecord", "app_fin_records", False),
        ("ProviderSpecDeliveryMonitoring", "provider_monitorings", False),
        ("LearningDeliveryHE", "delivery_he", True),
    )

    class Meta:
        ordering = ["aim_seq_number", "pk"]
        verbose_name = "learning aim"
        constraints = [
            models.UniqueConstraint(
                fields=["ilr", "aim_seq_number"], name="ilr_aim_seq_unique_per_learner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aim_seq_number}: {self.learn_aim_ref}"


class DeliveryChild(IlrChild):
    class Meta:
        abstract = True

    @property
    def ilr_learner(self) -> IlrLearner:
        return self.delivery.ilr


class LearningDeliveryFAM(DeliveryChild):
    delivery = models.ForeignKey(LearningDelivery, on_delete=models.CASCADE, related_name="fams")
    learn_del_fam_type = models.CharField(
        "LearnDelFAMType", max_length=3, choices=codes.LearnDelFAMType.choices
    )
    # A string in the schema: codes such as 034 and 105 keep their leading zeros.
    learn_del_fam_code = models.CharField("LearnDelFAMCode", max_length=5)
    learn_del_fam_date_from = models.DateField(
        "LearnDelFAMDateFrom", null=True, blank=True, validators=[sensible_date]
    )
    learn_del_fam_date_to = models.DateField(
        "LearnDelFAMDateTo", null=True, blank=True, validators=[sensible_date]
    )

    ILR_ELEMENTS = (
        ("LearnDelFAMType", "learn_del_fam_type"),
        ("LearnDelFAMCode", "learn_del_fam_code"),
        ("LearnDelFAMDateFrom", "learn_del_fam_date_from"),
        ("LearnDelFAMDateTo", "learn_del_fam_date_to"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "learning delivery funding and monitoring"
        verbose_name_plural = "learning delivery funding and monitoring"


class LearningDeliveryWorkPlacement(DeliveryChild):
    delivery = models.ForeignKey(
        LearningDelivery, on_delete=models.CASCADE, related_name="work_placements"
    )
    work_place_start_date = models.DateField("WorkPlaceStartDate", validators=[sensible_date])
    work_place_end_date = models.DateField(
        "WorkPlaceEndDate", null=True, blank=True, validators=[sensible_date]
    )
    work_place_hours = models.PositiveIntegerField("WorkPlaceHours", validators=_range(1, 9999))
    work_place_mode = models.PositiveSmallIntegerField(
        "WorkPlaceMode", choices=codes.WorkPlaceMode.choices
    )
    work_place_emp_id = models.PositiveIntegerField(
        "WorkPlaceEmpId", null=True, blank=True, validators=_range(1, 999999999)
    )

    ILR_ELEMENTS = (
        ("WorkPlaceStartDate", "work_place_start_date"),
        ("WorkPlaceEndDate", "work_place_end_date"),
        ("WorkPlaceHours", "work_place_hours"),
        ("WorkPlaceMode", "work_place_mode"),
        ("WorkPlaceEmpId", "work_place_emp_id"),
    )

    class Meta:
        ordering = ["pk"]


class AppFinRecord(DeliveryChild):
    delivery = models.ForeignKey(
        LearningDelivery, on_delete=models.CASCADE, related_name="app_fin_records"
    )
    afin_type = models.CharField("AFinType", max_length=3, choices=codes.AFinType.choices)
    afin_code = models.PositiveSmallIntegerField("AFinCode", validators=_range(1, 99))
    afin_date = models.DateField("AFinDate", validators=[sensible_date])
    afin_amount = models.PositiveIntegerField(
        "AFinAmount", validators=_range(0, 999999), help_text="Whole pounds, excluding VAT."
    )

    ILR_ELEMENTS = (
        ("AFinType", "afin_type"),
        ("AFinCode", "afin_code"),
        ("AFinDate", "afin_date"),
        ("AFinAmount", "afin_amount"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "financial record"

    @property
    def label(self) -> str:
        return codes.AFIN_LABELS.get(
            (self.afin_type, self.afin_code), f"{self.afin_type}{self.afin_code}"
        )


class ProviderSpecDeliveryMonitoring(DeliveryChild):
    delivery = models.ForeignKey(
        LearningDelivery, on_delete=models.CASCADE, related_name="provider_monitorings"
    )
    occur = models.CharField(
        "ProvSpecDelMonOccur", max_length=1, choices=codes.ProvSpecOccur.choices
    )
    value = models.CharField("ProvSpecDelMon", max_length=20)

    ILR_ELEMENTS = (("ProvSpecDelMonOccur", "occur"), ("ProvSpecDelMon", "value"))

    class Meta:
        ordering = ["pk"]
        verbose_name = "provider-specified delivery monitoring"


class LearningDeliveryHE(DeliveryChild):
    delivery = models.OneToOneField(
        LearningDelivery, on_delete=models.CASCADE, related_name="delivery_he"
    )
    ssn = models.CharField("SSN", max_length=13, blank=True)
    qualent3 = models.CharField("QUALENT3", max_length=3, blank=True)
    soc = models.PositiveIntegerField("SOC", null=True, blank=True, validators=_range(0, 9999))
    sec = models.PositiveSmallIntegerField("SEC", null=True, blank=True, validators=_range(0, 9))
    ucas_scheme_code = models.CharField(
        "UCASSCHEMECODE",
        max_length=9,
        blank=True,
        validators=[
            RegexValidator(
                r"^([a-zA-Z]{2}[0-9]{2}|[0-9]{9})$",
                "Two letters and two digits, or nine digits.",
            )
        ],
    )
    typeyr = models.PositiveSmallIntegerField("TYPEYR", validators=_range(0, 9))
    modestud = models.PositiveSmallIntegerField("MODESTUD", validators=_range(0, 99))
    fundlev = models.PositiveSmallIntegerField(
        "FUNDLEV", null=True, blank=True, validators=_range(0, 99)
    )
    fundcomp = models.PositiveSmallIntegerField(
        "FUNDCOMP", null=True, blank=True, validators=_range(0, 9)
    )
    stuload = models.DecimalField("STULOAD", max_digits=4, decimal_places=1, null=True, blank=True)
    yearstu = models.PositiveSmallIntegerField("YEARSTU", validators=_range(1, 98))
    mstufee = models.PositiveSmallIntegerField("MSTUFEE", validators=_range(0, 99))
    pcolab = models.DecimalField("PCOLAB", max_digits=4, decimal_places=1, null=True, blank=True)
    specfee = models.PositiveSmallIntegerField("SPECFEE", validators=_range(0, 9))
    netfee = models.PositiveIntegerField(
        "NETFEE", null=True, blank=True, validators=_range(0, 999999)
    )
    grossfee = models.PositiveIntegerField(
        "GROSSFEE", null=True, blank=True, validators=_range(0, 999999)
    )
    permaddcountry = models.CharField("PERMADDCOUNTRY", max_length=2, blank=True)
    elq = models.PositiveSmallIntegerField("ELQ", null=True, blank=True, validators=_range(0, 9))
    he_postcode = models.CharField("HEPostCode", max_length=8, blank=True)

    ILR_ELEMENTS = (
        ("SSN", "ssn"),
        ("QUALENT3", "qualent3"),
        ("SOC", "soc"),
        ("SEC", "sec"),
        ("UCASSCHEMECODE", "ucas_scheme_code"),
        ("TYPEYR", "typeyr"),
        ("MODESTUD", "modestud"),
        ("FUNDLEV", "fundlev"),
        ("FUNDCOMP", "fundcomp"),
        ("STULOAD", "stuload"),
        ("YEARSTU", "yearstu"),
        ("MSTUFEE", "mstufee"),
        ("PCOLAB", "pcolab"),
        ("SPECFEE", "specfee"),
        ("NETFEE", "netfee"),
        ("GROSSFEE", "grossfee"),
        ("PERMADDCOUNTRY", "permaddcountry"),
        ("ELQ", "elq"),
        ("HEPostCode", "he_postcode"),
    )

    class Meta:
        verbose_name = "learning delivery HE"
        verbose_name_plural = "learning delivery HE"


class DestinationProgression(IlrChild):
    """Destination and progression outcomes, kept as provider data: the entity left the ILR
    file in 2024-25 (README §2), so the export never writes it."""

    class OutType(models.TextChoices):
        EDU = "EDU", "EDU: Education"
        EMP = "EMP", "EMP: In paid employment"
        GAP = "GAP", "GAP: Gap year before starting HE"
        NPE = "NPE", "NPE: Not in paid employment"
        OTH = "OTH", "OTH: Other"
        SDE = "SDE", "SDE: Social destination"
        VOL = "VOL", "VOL: Voluntary work"

    ilr = models.ForeignKey(IlrLearner, on_delete=models.CASCADE, related_name="destinations")
    out_type = models.CharField("outcome type", max_length=3, choices=OutType.choices)
    out_code = models.PositiveSmallIntegerField("outcome code", validators=_range(1, 999))
    out_start_date = models.DateField("outcome start date", validators=[sensible_date])
    out_end_date = models.DateField(
        "outcome end date", null=True, blank=True, validators=[sensible_date]
    )
    out_coll_date = models.DateField("outcome collected on", validators=[sensible_date])

    class Meta:
        ordering = ["-out_start_date", "pk"]
        verbose_name = "destination and progression"
        verbose_name_plural = "destinations and progression"


class IlrExport(models.Model):
    """One ILR XML file export (Manage ILRs): a background job with progress, then the file.

    The file is offered only when every learner in it passes the schema and the business rules;
    otherwise ``problems`` lists each failing learner's findings and no file is kept.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", "Waiting to start"
        RUNNING = "RUNNING", "Running"
        READY = "READY", "Ready to download"
        INVALID = "INVALID", "Learners need fixing"
        FAILED = "FAILED", "Failed"

    collection_year = models.CharField(max_length=4, default=codes.COLLECTION_YEAR)
    serial_no = models.PositiveSmallIntegerField(validators=_range(1, 99))
    file_name = models.CharField(max_length=60)
    file = models.FileField(upload_to="ilr-exports/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0, help_text="Learners in the export.")
    done = models.PositiveIntegerField(default=0, help_text="Learners written or checked so far.")
    # [{"learner": pk, "learn_ref_number": ..., "name": ..., "rule": ..., "field": ...,
    #   "message": ...}, ...] for every error that stops the file being offered.
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the job failed, for support staff.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the administrator narrowed the export to (export_job.ExportFilters.as_json), kept so
    # the finished export says which learners it was meant to hold.
    filters = models.JSONField(default=dict, blank=True)
    # The task worker's last sign of life (it is updated with the progress; while the job waits,
    # the time it was queued again), and how many times a worker has taken the job: each run
    # writes only while its attempt is the latest.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The queued task's result id, so a waiting job can be told from one whose task was lost
    # (aptem.jobs); empty when the backend keeps no results (the immediate backend).
    task_result_id = models.CharField(max_length=64, blank=True)
    # The starting request's address, for the audit entries of every run (a retry included).
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ILR export"

    def __str__(self) -> str:
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def stalled(self) -> bool:
        """Lost by the task queue (aptem.jobs): running without a heartbeat for too long, or
        waiting while its task is no longer queued."""
        if self.status == self.Status.PENDING:
            return jobs.waiting_job_is_lost(
                self.task_result_id, self.heartbeat_at or self.created_at
            )
        last_sign = self.heartbeat_at or self.created_at
        return self.status == self.Status.RUNNING and jobs.heartbeat_is_old(last_sign)

    def stalled_reason(self) -> str:
        """Why a stalled job is given up, in words for its page."""
        minutes = jobs.stalled_minutes()
        if self.status == self.Status.PENDING:
            lost = (
                "its task left the queue without starting it"
                if self.task_result_id
                else f"none started it within {minutes} minutes"
            )
            return (
                f"No task worker started the export: {lost}. Check that a worker is running "
                "(manage.py db_worker), then start the export again."
            )
        return (
            f"The worker stopped: it recorded no progress for {minutes} minutes"
            f"{f' on {self.attempts} attempts' if self.attempts > 1 else ''}. "
            "Start the export again."
        )


ILR_MODELS = (
    IlrLearner,
    PriorAttain,
    LLDDandHealthProblem,
    LearnerFAM,
    ProviderSpecLearnerMonitoring,
    LearnerEmploymentStatus,
    EmploymentStatusMonitoring,
    LearnerHE,
    LearnerHEFinancialSupport,
    LearningDelivery,
    LearningDeliveryFAM,
    LearningDeliveryWorkPlacement,
    AppFinRecord,
    ProviderSpecDeliveryMonitoring,
    LearningDeliveryHE,
    DestinationProgression,
)

__all__ = [model.__name__ for model in ILR_MODELS] + ["IlrChild", "IlrExport", "ILR_MODELS"]
