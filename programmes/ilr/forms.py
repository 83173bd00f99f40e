"""Create ILR, the Edit ILR tab forms and the aim form, with their child formsets.

Field labels are readable with the ILR element name after them ("Unique Learner Number
(ULN)"), so an administrator can match a DfE rule message to its field. Each form takes
``locked``: a QA-verified ILR shows every field disabled to someone without ILR QA, and a
disabled field ignores whatever is posted for it.
"""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator

from aptem.fieldsets import FieldsetsMixin
from aptem.validators import normalise_ni_number, normalise_postcode
from aptem.versioning import VersionedForm, VersionForm
from aptem.widgets import DateInput

from .models import (
    AppFinRecord,
    DestinationProgression,
    EmploymentStatusMonitoring,
    IlrLearner,
    LearnerEmploymentStatus,
    LearnerFAM,
    LearnerHE,
    LearningDelivery,
    LearningDeliveryFAM,
    LLDDandHealthProblem,
    PriorAttain,
    ProviderSpecLearnerMonitoring,
)

# Readable names for the ILR elements; the element name itself is shown beside them.
READABLE = {
    "LearnRefNumber": "Learner reference number",
    "PrevLearnRefNumber": "Previous learner reference number",
    "PrevUKPRN": "Previous provider UKPRN",
    "PMUKPRN": "Prime provider UKPRN",
    "CampId": "Campus identifier",
    "ULN": "Unique Learner Number",
    "FamilyName": "Family name",
    "GivenNames": "Given names",
    "DateOfBirth": "Date of birth",
    "Ethnicity": "Ethnicity",
    "Sex": "Sex",
    "LLDDHealthProb": "Learning difficulty, disability or health problem",
    "NINumber": "National Insurance number",
    "Accom": "Accommodation",
    "ALSCost": "Learning support cost",
    "PlanLearnHours": "Planned learning hours",
    "PlanEEPHours": "Planned employability, enrichment and pastoral hours",
    "MathGrade": "GCSE maths grade",
    "EngGrade": "GCSE English grade",
    "PostcodePrior": "Postcode before enrolment",
    "Postcode": "Postcode",
    "AddLine1": "Address line 1",
    "AddLine2": "Address line 2",
    "AddLine3": "Address line 3 (town)",
    "AddLine4": "Address line 4 (county)",
    "TelNo": "Telephone number",
    "Email": "Email address",
    "PriorLevel": "Prior attainment level",
    "DateLevelApp": "Level applies from",
    "LLDDCat": "Category",
    "PrimaryLLDD": "Primary",
    "LearnFAMType": "Type",
    "LearnFAMCode": "Code",
    "ProvSpecLearnMonOccur": "Occurrence",
    "ProvSpecLearnMon": "Value",
    "EmpStat": "Employment status",
    "DateEmpStatApp": "Applies from",
    "EmpId": "Employer identifier",
    "ESMType": "Monitoring type",
    "ESMCode": "Monitoring code",
    "UCASPERID": "UCAS personal identifier",
    "TTACCOM": "Term-time accommodation",
    "FINTYPE": "Financial support type",
    "FINAMOUNT": "Financial support amount",
    "LearnAimRef": "Learning aim reference",
    "AimType": "Aim type",
    "AimSeqNumber": "Aim sequence number",
    "LearnStartDate": "Start date",
    "OrigLearnStartDate": "Original start date",
    "LearnPlanEndDate": "Planned end date",
    "FundModel": "Funding model",
    "PHours": "Planned hours",
    "OTJActHours": "Actual off-the-job hours",
    "ProgType": "Programme type",
    "StdCode": "Apprenticeship standard code",
    "PartnerUKPRN": "Subcontractor UKPRN",
    "DelLocPostCode": "Delivery location postcode",
    "LSDPostcode": "Learning start postcode",
    "AddHours": "Additional hours",
    "PriorLearnFundAdj": "Funding adjustment for prior learning",
    "OtherFundAdj": "Other funding adjustment",
    "ConRefNumber": "Contract reference",
    "EPAOrgID": "End-point assessment organisation",
    "CompStatus": "Completion status",
    "LearnActEndDate": "Actual end date",
    "WithdrawReason": "Withdrawal reason",
    "Outcome": "Outcome",
    "AchDate": "Achievement date",
    "OutGrade": "Outcome grade",
    "SWSupAimId": "Software supplier aim identifier",
    "TLOut": "T Level outcome",
    "LearnDelFAMType": "Type",
    "LearnDelFAMCode": "Code",
    "LearnDelFAMDateFrom": "From",
    "LearnDelFAMDateTo": "To",
    "AFinType": "Type",
    "AFinCode": "Code",
    "AFinDate": "Date",
    "AFinAmount": "Amount (£)",
}


def element_label(element: str) -> str:
    readable = READABLE.get(element)
    return f"{readable} ({element})" if readable and readable != element else element


def element_fields(model) -> dict[str, str]:
    """Element name -> model field name."""
    return dict(getattr(model, "ILR_ELEMENTS", ()))


class IlrFormMixin:
    """Readable labels, date pickers, widened NI/postcode inputs and the lock."""

    def __init__(self, *args, locked: bool = False, lock_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        element_of = {
            field: element for element, field in getattr(self._meta.model, "ILR_ELEMENTS", ())
        }
        for name, field in self.fields.items():
            if name in element_of:
                field.label = element_label(element_of[name])
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
        # People type NI numbers and postcodes with spaces; allow them in, then normalise.
        for name in (
            "ni_number",
            "postcode",
            "postcode_prior",
            "del_loc_post_code",
            "lsd_postcode",
        ):
            if name in self.fields:
                field = self.fields[name]
                field.max_length = 20
                field.widget.attrs["maxlength"] = 20
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ]
        if "learn_ref_number" in self.fields:
            # The DfE rule (FD_LearnRefNumber_AP) explains the character set, with its name.
            field = self.fields["learn_ref_number"]
            field.validators = [v for v in field.validators if not isinstance(v, RegexValidator)]
        self.locked = locked
        if locked:
            for field in self.fields.values():
                field.disabled = True
                if not isinstance(field.widget, forms.HiddenInput):
                    field.help_text = lock_reason

    def _get_validation_exclusions(self):
        # The model's own character check would answer before the DfE rule, without its name.
        return {*super()._get_validation_exclusions(), "learn_ref_number"}

    def _postcode(self, name: str) -> str:
        value = normalise_postcode(self.cleaned_data.get(name) or "")
        if len(value) > 8:
            raise forms.ValidationError("A postcode is at most 8 characters, for example SW1A 1AA.")
        return value

    def clean_ni_number(self) -> str:
        value = normalise_ni_number(self.cleaned_data.get("ni_number") or "")
        if len(value) > 9:
            raise forms.ValidationError(
                "A National Insurance number is 9 characters, for example QQ123456C."
            )
        return value

    def clean_postcode(self) -> str:
        return self._postcode("postcode")

    def clean_postcode_prior(self) -> str:
        return self._postcode("postcode_prior")

    def clean_del_loc_post_code(self) -> str:
        return self._postcode("del_loc_post_code")

    def clean_lsd_postcode(self) -> str:
        return self._postcode("lsd_postcode")

    def clean_tel_no(self) -> str:
        # Spaces, dashes and brackets are how people write numbers; TelNo holds digits only.
        # A leading + or letters are left for the TelNo rule to explain.
        value = (self.cleaned_data.get("tel_no") or "").strip()
        if re.fullmatch(r"[0-9 ()\-]+", value):
            value = re.sub(r"[ ()\-]", "", value)
        return value

    def clean_uln(self) -> str:
        return (self.cleaned_data.get("uln") or "").strip()

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip()


class IlrVersionedForm(IlrFormMixin, VersionedForm):
    """An ILR tab or aim form: carries the ILR's version (every save bumps it, children too)."""

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        # The lock disables every field; the version must still be sent.
        self.fields["version"].disabled = False


PERSONAL = [
    "learn_ref_number",
    "uln",
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "ni_number",
    "add_line1",
    "add_line2",
    "add_line3",
    "add_line4",
    "postcode",
    "postcode_prior",
    "tel_no",
    "email",
]
SENSITIVE_FIELDS = ("ethnicity", "lldd_health_prob")
CONSENTS = [
    "consent_contact_courses",
    "consent_contact_surveys",
    "third_party_access",
    "third_party_name",
]


class IlrCreateForm(IlrFormMixin, forms.ModelForm):
    class Meta:
        model = IlrLearner
        fields = [*PERSONAL, "lldd_health_prob"]


class IlrUserForm(FieldsetsMixin, IlrVersionedForm):
    layout = [
        ("Personal details", PERSONAL),
        ("Contact consents and third-party access", CONSENTS),
        ("Disabilities and health problems", ["lldd_health_prob"]),
        ("DfE privacy notice", ["privacy_notice_declared_on"]),
    ]

    class Meta:
        model = IlrLearner
        fields = [*PERSONAL, *CONSENTS, "lldd_health_prob", "privacy_notice_declared_on"]

    def __init__(self, *args, sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not sensitive:
            # Special-category answers are neither shown nor changed without the sensitive
            # data role; a save keeps the recorded ones.
            for name in SENSITIVE_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("third_party_access") and not cleaned.get("third_party_name"):
            self.add_error("third_party_name", "Name the third party who may discuss the record.")
        return cleaned


class IlrAdminForm(FieldsetsMixin, IlrVersionedForm):
    """The Admin tab's learner fields, with the LearnerHE entity's two fields beside them."""

    ucasperid = forms.CharField(
        label=element_label("UCASPERID"),
        required=False,
        max_length=10,
        validators=[RegexValidator(r"^[0-9]{10}$", "A UCAS personal ID has 10 digits.")],
    )
    ttaccom = forms.IntegerField(
        label=element_label("TTACCOM"), required=False, min_value=0, max_value=9
    )

    layout = [
        ("Qualification details", ["math_grade", "eng_grade"]),
        ("Learner HE", ["ucasperid", "ttaccom"]),
        ("ID verification", ["id_document", "id_verified_on"]),
        ("Episode hours", ["plan_learn_hours", "plan_eep_hours", "als_cost"]),
        (
            "Other learner details",
            ["accom", "prev_learn_ref_number", "prev_ukprn", "pm_ukprn", "camp_id"],
        ),
    ]

    class Meta:
        model = IlrLearner
        fields = [
            "math_grade",
            "eng_grade",
            "id_document",
            "id_verified_on",
            "plan_learn_hours",
            "plan_eep_hours",
            "als_cost",
            "accom",
            "prev_learn_ref_number",
            "prev_ukprn",
            "pm_ukprn",
            "camp_id",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        learner_he = self._learner_he()
        if learner_he is not None:
            self.fields["ucasperid"].initial = learner_he.ucasperid
            self.fields["ttaccom"].initial = learner_he.ttaccom

    def _learner_he(self) -> LearnerHE | None:
        try:
            return self.instance.learner_he
        except LearnerHE.DoesNotExist:
            return None

    def save(self, commit: bool = True) -> IlrLearner:
        ilr = super().save(commit=commit)
        if commit:
            self._save_learner_he(ilr)
        return ilr

    def _save_learner_he(self, ilr: IlrLearner) -> None:
        ucasperid = self.cleaned_data.get("ucasperid") or ""
        ttaccom = self.cleaned_data.get("ttaccom")
        learner_he = self._learner_he()
        if not ucasperid and ttaccom is None:
            if learner_he is not None and not learner_he.financial_supports.exists():
                learner_he.delete()
            return
        learner_he = learner_he or LearnerHE(ilr=ilr)
        if (learner_he.pk, learner_he.ucasperid, learner_he.ttaccom) != (None, ucasperid, ttaccom):
            learner_he.ucasperid, learner_he.ttaccom = ucasperid, ttaccom
            learner_he.save()


class EmploymentMonitoringForm(VersionForm):
    pass


class DeliveryForm(IlrVersionedForm):
    class Meta:
        model = LearningDelivery
        fields = [field for _, field in LearningDelivery.ILR_ELEMENTS]

    def __init__(self, *args, ilr: IlrLearner, **kwargs):
        super().__init__(*args, **kwargs)
        self.ilr = ilr

    def clean_learn_aim_ref(self) -> str:
        return (self.cleaned_data.get("learn_aim_ref") or "").strip().upper()

    def clean_aim_seq_number(self):
        number = self.cleaned_data.get("aim_seq_number")
        taken = [
            d
            for d in self.ilr.deliveries.all()
            if d.aim_seq_number == number and d.pk != self.instance.pk
        ]
        if number is not None and taken:
            raise forms.ValidationError(
                f"Aim {number} is already {taken[0].learn_aim_ref}; each aim needs its own number."
            )
        return number


class UnverifyForm(VersionForm):
    reason = forms.CharField(
        label="Why is the QA verification being removed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="Recorded in the learner's audit trail.",
    )


class EpisodeStatusForm(VersionForm):
    episode_status = forms.ChoiceField(
        label="Episode status",
        choices=[
            c
            for c in IlrLearner.EpisodeStatus.choices
            if c[0] != IlrLearner.EpisodeStatus.QA_VERIFIED
        ],
    )


class ChildForm(IlrFormMixin, forms.ModelForm):
    pass


class DestinationForm(ChildForm):
    class Meta:
        model = DestinationProgression
        fields = ["out_type", "out_code", "out_start_date", "out_end_date", "out_coll_date"]


class LockableFormSetMixin:
    def __init__(self, *args, locked: bool = False, lock_reason: str = "", **kwargs):
        self.locked = locked
        self.lock_reason = lock_reason
        if locked:
            self.extra = 0
            self.can_delete = False
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs.update(locked=self.locked, lock_reason=self.lock_reason)
        return kwargs


def _ilr_formset(
    parent, model, title: str, element: str | None = None, form=ChildForm, fields=None
):
    """The lockable inline formset of ``model``'s rows under ``parent``: its ILR element fields,
    one blank row to add and a delete box on each. ``element`` (by default the model's name) is
    the ILR element the rules report its findings against; "" for none."""
    formset_class = forms.inlineformset_factory(
        parent,
        model,
        form=form,
        fields=fields or [field for _, field in model.ILR_ELEMENTS],
        extra=1,
        can_delete=True,
    )
    return type(
        formset_class.__name__,
        (LockableFormSetMixin, formset_class),
        {"title": title, "element": model.__name__ if element is None else element},
    )


# (prefix, formset class) per tab, in the order the tab shows them.
LLDDFormSet = _ilr_formset(IlrLearner, LLDDandHealthProblem, "Disabilities and health problems")
PriorAttainFormSet = _ilr_formset(IlrLearner, PriorAttain, "Prior attainment")
LearnerFAMFormSet = _ilr_formset(IlrLearner, LearnerFAM, "Learner funding and monitoring")
EmploymentFormSet = _ilr_formset(IlrLearner, LearnerEmploymentStatus, "Employment status")
ProviderMonitoringFormSet = _ilr_formset(
    IlrLearner, ProviderSpecLearnerMonitoring, "Provider-specified learner monitoring"
)
DestinationFormSet = _ilr_formset(
    IlrLearner,
    DestinationProgression,
    "Destination and progression",
    element="",
    form=DestinationForm,
    fields=DestinationForm.Meta.fields,
)
DeliveryFAMFormSet = _ilr_formset(
    LearningDelivery, LearningDeliveryFAM, "Learning delivery funding and monitoring"
)
AppFinFormSet = _ilr_formset(LearningDelivery, AppFinRecord, "Financial records")

EmploymentMonitoringFormSet = _ilr_formset(
    LearnerEmploymentStatus, EmploymentStatusMonitoring, "Employment status monitoring"
)

USER_FORMSETS = {
    "lldd": LLDDFormSet,
    "prior": PriorAttainFormSet,
    "lfam": LearnerFAMFormSet,
    "emp": EmploymentFormSet,
}
ADMIN_FORMSETS = {"psm": ProviderMonitoringFormSet, "dest": DestinationFormSet}
AIM_FORMSETS = {"fam": DeliveryFAMFormSet, "afin": AppFinFormSet}
