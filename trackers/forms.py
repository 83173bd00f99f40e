from django import forms
from django.template.defaultfilters import filesizeformat

from aptem.uploads import SECTION_DOCUMENT, CheckedFile
from aptem.versioning import VersionedForm, VersionForm
from aptem.widgets import DateInput
from programmes.models import Enrolment
from users.models import Organisation, User

from .models import Tracker, TrackerType

COMMON = [
    "assignee",
    "enrolment",
    "description",
    "organisation",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
    "start_date",
    "end_date",
]
SUSTAINABILITY = [
    "contract_type",
    "weekly_hours",
    "hourly_rate",
    "expected_duration_months",
    "travel",
    "support_needed",
    "risk_rating",
    "risk_reasons",
]


class TypeChoiceForm(forms.Form):
    # Named as the add page's ?type= parameter, which the form's GET sends.
    type = forms.ModelChoiceField(
        label="Type", queryset=TrackerType.objects.filter(is_active=True), empty_label=None
    )


class TrackerForm(VersionedForm):
    """The tracker's own fields; the sustainability assessment only for a job outcome, the
    status only when editing (a new tracker is New)."""

    new_organisation_name = forms.CharField(
        label="or a new organisation", max_length=200, required=False
    )
    new_organisation_owner = forms.ModelChoiceField(
        label="new organisation's owner",
        queryset=User.objects.filter(user_type=User.Type.ADMINISTRATOR, is_active=True),
        required=False,
        help_text="The administrator who looks after the new organisation.",
    )
    evidence = forms.FileField(label="attach a document", required=False)
    evidence_description = forms.CharField(
        label="what the document is", max_length=200, required=False
    )

    class Meta:
        model = Tracker
        fields = ["status", *COMMON, *SUSTAINABILITY]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "support_needed": forms.Textarea(attrs={"rows": 2}),
            "risk_reasons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, learner: User, tracker_type: TrackerType, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.tracker_type = tracker_type
        self.checked: CheckedFile | None = None
        fields = self.fields
        fields["assignee"].queryset = User.objects.filter(
            user_type=User.Type.ADMINISTRATOR, is_active=True
        ).order_by("last_name", "first_name")
        fields["assignee"].empty_label = "Unassigned"
        fields["enrolment"].queryset = Enrolment.objects.filter(learner=learner).select_related(
            "programme"
        )
        fields["organisation"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.EMPLOYER
        )
        fields["evidence"].widget.attrs["accept"] = SECTION_DOCUMENT.accept
        fields["evidence"].help_text = (
            f"A {SECTION_DOCUMENT.listed} file of up to "
            f"{filesizeformat(SECTION_DOCUMENT.max_bytes)}; it is filed in the learner's Documents."
        )
        if self.instance.pk is None:
            del fields["status"]
        else:
            allowed = (self.instance.status, *self.instance.next_statuses())
            fields["status"].choices = [
                (value, label) for value, label in Tracker.Status.choices if value in allowed
            ]
        if not tracker_type.has_sustainability:
            for name in SUSTAINABILITY:
                del fields[name]

    def clean_evidence(self):
        return SECTION_DOCUMENT.clean_field(self, "evidence")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        name = cleaned.get("new_organisation_name", "").strip()
        cleaned["new_organisation_name"] = name
        if name and cleaned.get("organisation"):
            self.add_error(
                "new_organisation_name", "Choose an organisation or add a new one, not both."
            )
        if name and not cleaned.get("new_organisation_owner"):
            self.add_error("new_organisation_owner", "A new organisation needs its owner.")
        if self.tracker_type.outcome and not (cleaned.get("organisation") or name):
            self.add_error("organisation", "A job outcome needs the employer organisation.")
        if self.tracker_type.outcome and not start:
            self.add_error("start_date", "A job outcome needs the date the job started.")
        if cleaned.get("evidence") and not cleaned.get("evidence_description", "").strip():
            self.add_error("evidence_description", "Say what the attached document is.")
        return cleaned

    def tracker_values(self) -> dict:
        """The values for the tracker services (the new organisation's too)."""
        values = {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields
        }
        if self.cleaned_data.get("new_organisation_name"):
            values["new_organisation_name"] = self.cleaned_data["new_organisation_name"]
            values["new_organisation_owner"] = self.cleaned_data["new_organisation_owner"]
        return values


class RejectForm(VersionForm):
    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for rejecting the change request.")
        return reason


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note", max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the note first.")
        return text
