import datetime

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from aptem.uploads import PLAN_EVIDENCE, CheckedFile
from aptem.validators import sensible_date
from aptem.versioning import VersionedForm, VersionField, VersionForm
from aptem.widgets import DateInput
from users.models import User

from ..ilr import codes, rules
from ..ilr.models import IlrLearner
from ..models import Enrolment
from ..progress.models import FunctionalSkillAssessment
from .models import (
    MAX_OTJ_HOURS_PER_ENTRY,
    WIZARD_PERSONAL_FIELDS,
    Certification,
    EvidenceItem,
    LearnerComponent,
    OtjEntry,
)

DATE = DateInput()


def _check_date(form: forms.BaseForm, field: str, enrolment: Enrolment | None, what: str) -> None:
    """A date that happened: not in the future, not before the programme started."""
    value = form.cleaned_data.get(field)
    if value is None:
        return
    if value > timezone.localdate():
        form.add_error(field, f"The {what} cannot be in the future.")
    elif enrolment is not None and enrolment.start_date and value < enrolment.start_date:
        form.add_error(
            field,
            f"The {what} cannot be before the programme started ({enrolment.start_date:%d/%m/%Y}).",
        )


class ComponentForm(VersionedForm):
    class Meta:
        model = LearnerComponent
        fields = ["kind", "code", "title", "order", "status", "completed_on"]
        widgets = {"completed_on": DATE}
        help_texts = {
            "code": "For example K1, S4 or B2.",
            "order": "Components are listed in this order.",
            "completed_on": "Needed when the status is Completed.",
        }

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0

    def clean(self) -> dict:
        data = super().clean()
        completed = data.get("status") == LearnerComponent.Status.COMPLETED
        if completed and not data.get("completed_on") and "completed_on" not in self.errors:
            self.add_error("completed_on", "Enter the date the component was completed.")
        _check_date(self, "completed_on", self.enrolment, "completion date")
        code = data.get("code")
        if code:
            clash = LearnerComponent.objects.filter(
                enrolment=self.enrolment, code__iexact=code
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", f"This learner already has a component {code}.")
        return data


class CertificationForm(VersionedForm):
    class Meta:
        model = Certification
        fields = ["kind", "title", "awarding_body", "expected_on", "achieved_on"]
        widgets = {"expected_on": DATE, "achieved_on": DATE}
        help_texts = {"achieved_on": "Leave empty until it is achieved."}

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment

    def clean(self) -> dict:
        data = super().clean()
        _check_date(self, "achieved_on", self.enrolment, "achievement date")
        expected = data.get("expected_on")
        start = self.enrolment.start_date
        if expected and start and expected < start:
            self.add_error(
                "expected_on",
                f"The expected date cannot be before the programme started ({start:%d/%m/%Y}).",
            )
        return data


class EvidenceForm(forms.ModelForm):
    upload = forms.FileField(label="File", required=False)

    class Meta:
        model = EvidenceItem
        fields = ["component", "description", "date"]
        widgets = {"date": DATE}

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["component"].queryset = LearnerComponent.objects.filter(enrolment=enrolment)
        self.fields["component"].empty_label = "Choose a component"
        self.fields["upload"].help_text = (
            f"Optional: a {PLAN_EVIDENCE.listed} file of up to "
            f"{filesizeformat(PLAN_EVIDENCE.max_bytes)}."
        )
        self.fields["upload"].widget.attrs["accept"] = PLAN_EVIDENCE.accept
        self.checked: CheckedFile | None = None

    def clean_upload(self):
        return PLAN_EVIDENCE.clean_field(self, "upload")

    def clean(self) -> dict:
        data = super().clean()
        _check_date(self, "date", self.enrolment, "evidence date")
        return data


class EvidenceDecisionForm(VersionForm):
    decision = forms.ChoiceField(
        choices=[
            (EvidenceItem.Decision.ACCEPTED, "Accept"),
            (EvidenceItem.Decision.REFERRED, "Refer back to the learner"),
        ],
        widget=forms.RadioSelect,
        label="Decision",
    )
    note = forms.CharField(
        label="Feedback",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you refer the evidence: say what is missing.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == EvidenceItem.Decision.REFERRED and not data.get("note"):
            self.add_error("note", "Say what the learner needs to add or change.")
        return data


class OtjEntryForm(VersionedForm):
    # No max_digits here: an absurd number is answered by clean_hours's plain message.
    hours = forms.DecimalField(
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
        help_text="More than 0 and at most 24 for one entry, e.g. 1.5.",
    )

    class Meta:
        model = OtjEntry
        fields = ["date", "hours", "activity_type", "description"]
        widgets = {"date": DATE}
        labels = {"activity_type": "Activity"}

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError("Enter more than 0 hours.")
        if hours is not None and hours > MAX_OTJ_HOURS_PER_ENTRY:
            raise forms.ValidationError(
                "One entry cannot be more than 24 hours; log each day separately."
            )
        return hours

    def clean(self) -> dict:
        data = super().clean()
        _check_date(self, "date", self.enrolment, "date")
        end = self.enrolment.end_date
        if data.get("date") and end and data["date"] > end and "date" not in self.errors:
            self.add_error("date", f"The programme ended on {end:%d/%m/%Y}.")
        return data


class IlrFillForm(VersionForm):
    pass


class StepForm(VersionForm):
    """A wizard step's form: carries the version of the saved step it was opened on (0 when the
    step was not saved yet), so a second person's save of the same step is not overwritten."""


# --- Onboarding wizard --------------------------------------------------------------------


class IntroductionForm(StepForm):
    explained = forms.BooleanField(
        label="The programme, its length, the off-the-job training and the learner's "
        "commitments were explained to the learner",
        error_messages={"required": "Confirm the introduction was given before going on."},
    )
    notes = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdviceForm(StepForm):
    career_goals = forms.CharField(
        label="Learner's career goals", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    advice_given = forms.CharField(
        label="Information, advice and guidance given",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    suitable = forms.BooleanField(
        label="The programme is suitable for the learner's goals and prior learning",
        error_messages={"required": "Confirm the programme is suitable before going on."},
    )


def _score(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{label} score (%)",
        min_value=0,
        max_value=100,
        required=False,
        error_messages={
            "min_value": "A score cannot be below 0%%.",
            "max_value": "A score cannot be above 100%%.",
        },
    )


# The Assessments step records the learner's initial assessments as Functional Skills records:
# one subject list and one level scale, the Functional Skills section's own.
FS = FunctionalSkillAssessment
ASSESSMENT_SUBJECTS = [
    (subject.value, subject.value.lower(), subject.label) for subject in FS.Subject
]


class AssessmentsForm(StepForm):
    """Initial assessment results in English, maths and digital skills, each saved as (or into)
    the learner's latest initial assessment in that subject of the Functional Skills section.
    ``<subject>_version`` is the version of that record when the form was opened (0: none)."""

    assessed_on = forms.DateField(label="Assessed on", widget=DATE, validators=[sensible_date])
    assessor = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Not an administrator"
    )
    assessor_name = forms.CharField(
        label="External assessor",
        max_length=100,
        required=False,
        help_text="When not an administrator.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = User.objects.administrators().order_by(
            "last_name", "first_name"
        )
        self.fields["assessor"].label_from_instance = lambda u: u.full_name
        for _, key, label in ASSESSMENT_SUBJECTS:
            self.fields[f"{key}_level"] = forms.ChoiceField(
                label=f"{label} level", choices=[("", "Choose a level"), *FS.Level.choices]
            )
            self.fields[f"{key}_score"] = _score(label)
            self.fields[f"{key}_result"] = forms.ChoiceField(
                label=f"{label} result",
                choices=[("", "No result"), *FS.Result.choices],
                required=False,
            )
            self.fields[f"{key}_version"] = VersionField()

    def clean_assessed_on(self) -> datetime.date:
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The assessment date cannot be in the future.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        # The Functional Skills section's own rules (progress/forms.py FunctionalSkillForm).
        for _, key, _label in ASSESSMENT_SUBJECTS:
            no_result = data.get(f"{key}_score") is None and not data.get(f"{key}_result")
            if no_result and f"{key}_score" not in self.errors:
                self.add_error(f"{key}_score", "Enter a score or choose a result.")
        named = (data.get("assessor_name") or "").strip()
        if data.get("assessor") and named:
            self.add_error(
                "assessor_name", "Either choose an administrator or name an external assessor."
            )
        elif not data.get("assessor") and not named and "assessor" not in self.errors:
            self.add_error("assessor", "Choose the assessor, or name an external assessor.")
        return data

    def subject_values(self, key: str) -> dict:
        """The Functional Skills record's fields for one subject, from the cleaned data."""
        data = self.cleaned_data
        return {
            "level": data[f"{key}_level"],
            "score": data[f"{key}_score"],
            "result": data[f"{key}_result"],
            "assessed_on": data["assessed_on"],
            "assessor": data["assessor"],
            "assessor_name": data["assessor_name"].strip(),
        }


# ILR rule checks for single fields: (form field, ILR element, check).
_FIELD_RULES = (
    ("ni_number", lambda v: rules.check_ni_number(v)),
    ("postcode", lambda v: rules.check_postcode(v, "Postcode", "Postcode_15")),
    ("postcode_prior", lambda v: rules.check_postcode(v, "PostcodePrior", "PostcodePrior_02")),
    ("tel_no", lambda v: rules.check_tel_no(v)),
    ("email", lambda v: rules.check_email(v)),
)


class PersonalForm(VersionedForm):
    """The ILR User tab's personal fields, checked against the ILR rules field by field."""

    # Longer than the ILR's 9 characters so "AB 12 34 56 C" can be typed; stored normalised.
    ni_number = forms.CharField(
        label="National Insurance number",
        max_length=20,
        required=False,
        help_text="For example AB123456C.",
    )

    class Meta:
        model = IlrLearner
        fields = WIZARD_PERSONAL_FIELDS
        widgets = {"date_of_birth": DATE, "privacy_notice_declared_on": DATE}
        labels = {
            "given_names": "Given names",
            "family_name": "Family name",
            "date_of_birth": "Date of birth",
            "sex": "Sex",
            "ethnicity": "Ethnicity",
            "lldd_health_prob": "Learning difficulty, disability or health problem",
            "ni_number": "National Insurance number",
            "postcode_prior": "Postcode before enrolment",
            "postcode": "Current postcode",
            "add_line1": "Address line 1",
            "add_line2": "Address line 2",
            "add_line3": "Town or city",
            "add_line4": "County",
            "tel_no": "Telephone",
            "email": "Email",
        }

    def __init__(self, *args, instance: IlrLearner, **kwargs):
        # A new ILR is opened on version 0: saved by someone else first, it is refused as stale.
        version = instance.version if instance.pk else 0
        super().__init__(*args, instance=instance, version=version, **kwargs)
        for name in ("given_names", "family_name", "date_of_birth", "privacy_notice_declared_on"):
            self.fields[name].required = True
        self.fields[
            "privacy_notice_declared_on"
        ].help_text = "The date the learner confirmed they had read the DfE privacy notice."

    def clean_ni_number(self) -> str:
        return (self.cleaned_data.get("ni_number") or "").replace(" ", "").upper()

    def clean_postcode(self) -> str:
        return (self.cleaned_data.get("postcode") or "").strip().upper()

    def clean_postcode_prior(self) -> str:
        return (self.cleaned_data.get("postcode_prior") or "").strip().upper()

    def clean(self) -> dict:
        data = super().clean()
        for field, check in _FIELD_RULES:
            if field in self.errors or field not in data:
                continue
            for finding in check(data[field]):
                if finding.is_error:
                    self.add_error(field, finding.message)
        for field in ("date_of_birth", "privacy_notice_declared_on"):
            value = data.get(field)
            if value and value > timezone.localdate():
                self.add_error(field, "The date cannot be in the future.")
        birth = data.get("date_of_birth")
        if birth and birth.year < 1900:
            self.add_error("date_of_birth", "Enter a date of birth after 1900.")
        return data


def new_ilr_for(learner) -> IlrLearner:
    """An unsaved ILR for the collection year, filled from the learner's account."""
    return IlrLearner(
        learner=learner,
        collection_year=codes.COLLECTION_YEAR,
        learn_ref_number=(learner.reference_number or f"L{learner.pk}").replace("-", "")[:12],
        uln=learner.uln or "9999999999",
        given_names=learner.first_name,
        family_name=learner.last_name,
        date_of_birth=learner.date_of_birth,
        sex=learner.sex if learner.sex in codes.Sex.values else "",
        ni_number=learner.ni_number,
        postcode=learner.postcode,
        postcode_prior=learner.postcode,
        add_line1=learner.address_line_1,
        add_line2=learner.address_line_2,
        add_line3=learner.town,
        add_line4=learner.county,
        tel_no="".join(c for c in learner.mobile if c.isdigit())[:18],
        email=learner.email,
    )


def learn_ref_problem(ilr: IlrLearner) -> str | None:
    """Why the ILR's LearnRefNumber (from the reference number) cannot be used, if it cannot."""
    findings = rules.check_learn_ref_number(ilr.learn_ref_number)
    if findings:
        return findings[0].message
    clash = IlrLearner.objects.filter(
        collection_year=ilr.collection_year, learn_ref_number=ilr.learn_ref_number
    ).exclude(learner_id=ilr.learner_id)
    if clash.exists():
        return (
            f"Another learner's {codes.year_label(ilr.collection_year)} ILR already uses the "
            f"reference {ilr.learn_ref_number}. Change this learner's reference number first."
        )
    return None
