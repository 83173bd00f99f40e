import datetime

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from aptem.uploads import FUNCTIONAL_SKILL_EVIDENCE, CheckedFile
from aptem.validators import sensible_date
from aptem.versioning import VersionedForm
from aptem.widgets import DateInput
from users.models import User

from ..models import Enrolment
from .models import MAX_WEEKS_REMAINING, Course, FunctionalSkillAssessment, LearnerCourse, Milestone

DATE = DateInput()
EARLIEST = datetime.date(2000, 1, 1)


def _past_date(day: datetime.date, what: str) -> datetime.date:
    """``day`` when it is today or earlier but not before ``EARLIEST``; ``what`` names it in
    the error."""
    if day > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future.")
    if day < EARLIEST:
        raise forms.ValidationError(f"Enter a date from {EARLIEST:%d/%m/%Y} onwards.")
    return day


def _not_future(form: forms.Form, name: str, what: str) -> None:
    value = form.cleaned_data.get(name)
    if value and value > timezone.localdate():
        form.add_error(name, f"The {what} cannot be in the future.")


class MilestoneForm(VersionedForm):
    # Plain integer fields, so a negative or huge number gets the one plain-English range message.
    employer_weeks_remaining = forms.IntegerField(
        label="Employer weeks remaining",
        required=False,
        help_text=f"Whole weeks, 0 to {MAX_WEEKS_REMAINING}.",
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_WEEKS_REMAINING}),
    )

    class Meta:
        model = Milestone
        fields = [
            "enrolment",
            "description",
            "date",
            "employer_weeks_remaining",
            "status",
            "achievement_date",
            "claim_status",
            "payment_amount",
            "paid_date",
            "credit_number",
            "debit_amount",
            "debit_date",
            "debit_number",
        ]
        widgets = {
            "date": DATE,
            "achievement_date": DATE,
            "paid_date": DATE,
            "debit_date": DATE,
        }
        help_texts = {
            "description": "For example: Milestone 1, or Gateway.",
            "achievement_date": "Needed once the milestone is Achieved or Verified.",
            "paid_date": "Needed when the claim is Paid.",
            "debit_date": "Needed when the claim is Refunded.",
        }
        error_messages = {
            "payment_amount": {"min_value": "The payment amount cannot be negative."},
            "debit_amount": {"min_value": "The refunded amount cannot be negative."},
        }

    def __init__(self, *args, learner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = learner.enrolments.select_related("programme")
        self.fields["enrolment"].empty_label = "Choose the programme"
        self.fields["enrolment"].label_from_instance = _enrolment_label

    def clean_employer_weeks_remaining(self):
        weeks = self.cleaned_data["employer_weeks_remaining"]
        if weeks is not None and not 0 <= weeks <= MAX_WEEKS_REMAINING:
            raise forms.ValidationError(
                f"Employer weeks remaining must be between 0 and {MAX_WEEKS_REMAINING}."
            )
        return weeks

    def clean(self) -> dict:
        data = super().clean()
        enrolment: Enrolment | None = data.get("enrolment")
        start = enrolment.start_date if enrolment else None
        status, claim = data.get("status"), data.get("claim_status")
        achieved = data.get("achievement_date")
        if status in Milestone.ACHIEVED_STATUSES:
            if not achieved and "achievement_date" not in self.errors:
                self.add_error(
                    "achievement_date",
                    f"Enter the date the milestone was achieved: it is "
                    f"{Milestone.Status(status).label}.",
                )
        elif achieved:
            self.add_error(
                "achievement_date",
                "Leave this empty unless the milestone is Achieved or Verified.",
            )
        if claim in Milestone.CLAIMED_STATUSES and status not in Milestone.ACHIEVED_STATUSES:
            self.add_error(
                "claim_status",
                f"A milestone can only be {Milestone.Claim(claim).label.lower()} once it is "
                "Achieved or Verified.",
            )
        if claim == Milestone.Claim.PAID and not data.get("paid_date"):
            self._missing("paid_date", "Enter the date the claim was paid.")
        if claim == Milestone.Claim.REFUNDED and not data.get("debit_date"):
            self._missing("debit_date", "Enter the date the payment was refunded.")
        for name, what in [
            ("achievement_date", "achievement date"),
            ("paid_date", "paid date"),
            ("debit_date", "refund date"),
        ]:
            _not_future(self, name, what)
            value = data.get(name)
            if value and start and value < start and name not in self.errors:
                self.add_error(
                    name,
                    f"The {what} cannot be before the programme started on {start:%d/%m/%Y}.",
                )
        milestone_date = data.get("date")
        if milestone_date and start and milestone_date < start:
            self.add_error(
                "date", f"The date cannot be before the programme started on {start:%d/%m/%Y}."
            )
        paid, refunded = data.get("paid_date"), data.get("debit_date")
        if paid and refunded and refunded < paid and "debit_date" not in self.errors:
            self.add_error("debit_date", "The refund date cannot be before the paid date.")
        return data

    def _missing(self, name: str, message: str) -> None:
        if name not in self.errors:
            self.add_error(name, message)


def _enrolment_label(enrolment: Enrolment) -> str:
    dates = ""
    if enrolment.start_date:
        dates = f", started {enrolment.start_date:%d/%m/%Y}"
        if enrolment.planned_end_date:
            dates += f", planned end {enrolment.planned_end_date:%d/%m/%Y}"
    return f"{enrolment.programme.name} ({enrolment.get_status_display()}{dates})"


class CourseStartForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Course agreed with the learner",
        queryset=Course.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the course agreed with the learner.",
            "invalid_choice": "That course is not available: choose one from the list.",
        },
    )
    started_on = forms.DateField(label="Start date", widget=DATE, validators=[sensible_date])

    def __init__(self, *args, learner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.fields["course"].queryset = Course.objects.filter(is_active=True).exclude(
            learner_courses__learner=learner
        )
        self.fields["started_on"].initial = timezone.localdate()

    def clean_started_on(self) -> datetime.date:
        return _past_date(self.cleaned_data["started_on"], "The start date")


class CourseProgressForm(VersionedForm):
    progress = forms.IntegerField(
        label="Progress (%)",
        help_text="A whole number from 0 to 100.",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )

    class Meta:
        model = LearnerCourse
        fields = ["started_on", "progress", "status", "completed_on"]
        widgets = {"started_on": DATE, "completed_on": DATE}
        help_texts = {
            "completed_on": "Needed when the course is Completed.",
        }

    def clean_progress(self) -> int:
        progress = self.cleaned_data["progress"]
        if progress is not None and not 0 <= progress <= 100:
            raise forms.ValidationError("The progress must be between 0 and 100 %.")
        return progress

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        started, completed = data.get("started_on"), data.get("completed_on")
        progress = data.get("progress")
        _not_future(self, "started_on", "start date")
        _not_future(self, "completed_on", "completion date")
        if status == LearnerCourse.Status.COMPLETED:
            if not completed and "completed_on" not in self.errors:
                self.add_error("completed_on", "Enter the date the course was completed.")
            if progress is not None and progress != 100:
                self.add_error(
                    "progress", "A completed course is at 100 %. Enter 100 or change the status."
                )
        elif completed:
            self.add_error("completed_on", "Leave this empty unless the course is Completed.")
        if (
            status != LearnerCourse.Status.NOT_STARTED
            and not started
            and "started_on" not in self.errors
        ):
            self.add_error("started_on", "Enter the date the learner started the course.")
        if status == LearnerCourse.Status.NOT_STARTED and progress:
            self.add_error("progress", "A course that has not started is at 0 %.")
        if started and completed and completed < started and "completed_on" not in self.errors:
            self.add_error(
                "completed_on",
                f"The completion date cannot be before the start date, {started:%d/%m/%Y}.",
            )
        return data


class FunctionalSkillForm(VersionedForm):
    score = forms.IntegerField(
        label="Score (%)",
        required=False,
        help_text="A percentage, 0 to 100. Give a score, a result or both.",
        widget=forms.NumberInput(attrs={"min": 0, "max": 100}),
    )
    evidence_upload = forms.FileField(
        label="Evidence document",
        required=False,
        widget=forms.FileInput(attrs={"accept": FUNCTIONAL_SKILL_EVIDENCE.accept}),
    )

    class Meta:
        model = FunctionalSkillAssessment
        fields = [
            "subject",
            "kind",
            "level",
            "score",
            "result",
            "assessed_on",
            "assessor",
            "assessor_name",
            "is_exempt",
            "exemption_evidence",
        ]
        widgets = {
            "assessed_on": DATE,
            "exemption_evidence": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"is_exempt": "Exempt from this subject"}
        help_texts = {
            "exemption_evidence": "Needed for an exemption: for example, GCSE English grade 5 "
            "(2019), certificate seen.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = User.objects.administrators().order_by(
            "last_name", "first_name"
        )
        self.fields["assessor"].label_from_instance = lambda u: u.full_name
        self.fields["assessor"].empty_label = "Not an administrator"
        evidence = FUNCTIONAL_SKILL_EVIDENCE
        self.fields["evidence_upload"].help_text = (
            f"Optional: a {evidence.listed} file of up to {filesizeformat(evidence.max_bytes)}"
            + (
                f". Uploading replaces {self.instance.evidence_name}."
                if self.instance.evidence_name
                else "."
            )
        )
        self.checked: CheckedFile | None = None

    def clean_score(self):
        score = self.cleaned_data["score"]
        if score is not None and not 0 <= score <= 100:
            raise forms.ValidationError("The score must be a percentage between 0 and 100.")
        return score

    def clean_assessed_on(self) -> datetime.date:
        return _past_date(self.cleaned_data["assessed_on"], "The date")

    def clean_evidence_upload(self):
        return FUNCTIONAL_SKILL_EVIDENCE.clean_field(self, "evidence_upload")

    def clean(self) -> dict:
        data = super().clean()
        exempt = data.get("is_exempt")
        if exempt:
            if not (data.get("exemption_evidence") or "").strip():
                self.add_error(
                    "exemption_evidence", "Say what evidence shows the learner is exempt."
                )
        else:
            if data.get("score") is None and not data.get("result") and "score" not in self.errors:
                self.add_error("score", "Enter a score or choose a result.")
            if data.get("exemption_evidence", "").strip():
                self.add_error(
                    "exemption_evidence", "Leave this empty unless the learner is exempt."
                )
        if data.get("assessor") and data.get("assessor_name", "").strip():
            self.add_error(
                "assessor_name", "Either choose an administrator or name an external assessor."
            )
        no_assessor = not data.get("assessor") and not data.get("assessor_name", "").strip()
        if no_assessor and not exempt and "assessor" not in self.errors:
            self.add_error("assessor", "Choose the assessor, or name an external assessor.")
        return data
