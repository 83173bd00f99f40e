import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from aptem.validators import date_range
from aptem.versioning import VersionedForm
from aptem.widgets import DateInput
from users.models import Organisation, User

from .models import ACTIVITY_MAX_MINUTES, CrmActivity, CrmContact, LearnerContact, Note


class NoteForm(VersionedForm):
    class Meta:
        model = Note
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"text": "Up to 5,000 characters. Notes are kept; edits are audited."}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the note before saving it.", code="required")
        return text


# The fields each kind of contact has; the form offers, validates and saves only these.
ADMIN_FIELDS = ("admin", "role")
PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "extension", "organisation")
PERSON_FIELDS += ("job_title",)
AD_HOC_FIELDS = ("relationship", "notes")
KIND_FIELDS = {
    LearnerContact.Kind.ADMIN: ADMIN_FIELDS,
    LearnerContact.Kind.CRM: ("crm_contact", *PERSON_FIELDS),
    LearnerContact.Kind.AD_HOC: (*PERSON_FIELDS, *AD_HOC_FIELDS),
}
KIND_HELP = {
    LearnerContact.Kind.ADMIN: "A member of staff with a portal login, as tutor, assessor or IQA.",
    LearnerContact.Kind.CRM: (
        "Someone at an organisation (an employer's HR contact, say), kept for reuse with other "
        "learners. Cannot sign in."
    ),
    LearnerContact.Kind.AD_HOC: (
        "Someone for this learner only: a parent or a social worker, say. Cannot sign in."
    ),
}
# A new contact needs a name; an ad hoc one also says how they relate to the learner.
PERSON_REQUIRED = {
    "first_name": "Enter the contact's first name.",
    "last_name": "Enter the contact's surname.",
    "relationship": "Say how they relate to the learner.",
}
# The case owner is a field of the learner (Edit details) and is listed automatically.
LINKABLE_ROLES = [r for r in LearnerContact.Role.choices if r[0] != LearnerContact.Role.CASE_OWNER]


class ContactForm(forms.Form):
    """Add an administrator, a CRM contact (existing or new) or an ad hoc contact.

    The kind is chosen first and the form then has only that kind's fields: anything else sent
    is ignored, never saved, so a field typed before changing one's mind cannot slip in. Without
    a valid kind the form has the kind alone, and refuses to save.
    """

    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=LearnerContact.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of contact."},
    )
    admin = forms.ModelChoiceField(
        label="Administrator",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the administrator."},
    )
    role = forms.ChoiceField(
        choices=[("", "---------"), *LINKABLE_ROLES],
        help_text="The case owner is not added here: it is set in the learner's details.",
        error_messages={"required": "Choose their role for this learner."},
    )
    crm_contact = forms.ModelChoiceField(
        label="Existing CRM contact",
        queryset=CrmContact.objects.none(),
        required=False,
        help_text="Pick someone already recorded, or leave empty and enter a new contact below.",
    )
    first_name = forms.CharField(label="First name", max_length=50, required=False)
    last_name = forms.CharField(label="Surname", max_length=50, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=30, required=False)
    extension = forms.CharField(max_length=10, required=False)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    job_title = forms.CharField(label="Job title", max_length=100, required=False)
    relationship = forms.CharField(
        max_length=100, required=False, help_text="For example: parent, social worker."
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, learner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.chosen_kind = self._chosen_kind()
        kept = KIND_FIELDS.get(self.chosen_kind, ())
        for name in list(self.fields):
            if name != "kind" and name not in kept:
                del self.fields[name]
        if self.chosen_kind == LearnerContact.Kind.ADMIN:
            # Administrators are listed only to Supervisors elsewhere, but linking a tutor or
            # assessor needs to name them: every active administrator is offered (names only).
            self.fields["admin"].queryset = User.objects.administrators().order_by(
                "last_name", "first_name"
            )
            self.fields["admin"].label_from_instance = lambda u: u.full_name
        elif self.chosen_kind == LearnerContact.Kind.CRM:
            contacts = (
                CrmContact.objects.filter(is_ad_hoc=False)
                .select_related("organisation")
                .order_by("organisation__name", "last_name", "first_name")
            )
            self.fields["crm_contact"].queryset = contacts
            self.fields["crm_contact"].choices = _grouped_by_organisation(contacts)
        elif self.chosen_kind == LearnerContact.Kind.AD_HOC:
            # Always needed for an ad hoc contact, so marked required (*) on the form.
            for name, message in PERSON_REQUIRED.items():
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message

    def _chosen_kind(self) -> str | None:
        """The kind sent with the form (or asked for in the address), if it is a real one."""
        raw = self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        return raw if raw in LearnerContact.Kind.values else None

    def kind_options(self) -> list:
        """Each kind's radio button with a sentence saying who it is for."""
        return [(radio, KIND_HELP[radio.data["value"]]) for radio in self["kind"]]

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == LearnerContact.Kind.ADMIN:
            if data.get("admin") and data.get("role") and self._admin_already_linked(data):
                self.add_error(
                    "role",
                    f"{data['admin'].full_name} is already linked to this learner as "
                    f"{LearnerContact.Role(data['role']).label.lower()}.",
                )
        elif kind == LearnerContact.Kind.CRM and data.get("crm_contact"):
            for name in PERSON_FIELDS:
                if data.get(name) not in (None, ""):
                    self.add_error(
                        name, "Either pick an existing contact or enter a new one, not both."
                    )
            if self.learner.learner_contacts.filter(
                kind=LearnerContact.Kind.CRM, crm_contact=data["crm_contact"]
            ).exists():
                self.add_error("crm_contact", "This contact is already linked to this learner.")
        elif kind == LearnerContact.Kind.CRM:
            self._require("first_name", PERSON_REQUIRED["first_name"])
            self._require("last_name", PERSON_REQUIRED["last_name"])
            self._require(
                "organisation", "Choose the contact's organisation (or pick an existing contact)."
            )
        return data

    def _require(self, name: str, message: str) -> None:
        if self.cleaned_data.get(name) in (None, "") and name not in self.errors:
            self.add_error(name, message)

    def _admin_already_linked(self, data: dict) -> bool:
        return self.learner.learner_contacts.filter(
            kind=LearnerContact.Kind.ADMIN, admin=data["admin"], role=data["role"]
        ).exists()

    def clean_first_name(self) -> str:
        return self._person_field("first_name")

    def clean_last_name(self) -> str:
        return self._person_field("last_name")

    def clean_phone(self) -> str:
        return self._person_field("phone")

    def clean_extension(self) -> str:
        return self._person_field("extension")

    def _person_field(self, name: str) -> str:
        # The model's validators (name characters, phone digits) give the messages.
        value = self.cleaned_data[name].strip()
        for validator in CrmContact._meta.get_field(name).validators:
            if value:
                validator(value)
        return value


def _grouped_by_organisation(contacts) -> list:
    """Choices with one option group per organisation, so a contact is found by employer."""
    groups: dict[str, list] = {}
    for contact in contacts:
        label = contact.organisation.name if contact.organisation_id else "No organisation"
        job = f", {contact.job_title}" if contact.job_title else ""
        groups.setdefault(label, []).append((contact.pk, f"{contact.full_name}{job}"))
    return [("", "---------"), *groups.items()]


# --- CRM activities ----------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
# A follow-up further ahead than this is a plan, not a follow-up.
FOLLOW_UP_MAX_DAYS = 730
PERSON_INVALID = (
    "Choose someone linked to this learner: the learner, their employer manager or mentor, or "
    "one of their CRM contacts."
)


def london_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``day`` at ``at`` on a Europe/London wall clock, as an aware datetime."""
    return datetime.datetime.combine(day, at, tzinfo=LONDON)


def person_choices(learner: User, current: CrmActivity | None = None) -> list[tuple[str, str]]:
    """Who an activity on ``learner`` may be with: the learner, their employer manager and
    mentor, and the CRM contacts linked to them (two queries). An activity being edited keeps
    its person even if they have been unlinked since."""
    choices = [("learner", f"{learner.full_name} (the learner)")]
    roles = {learner.manager_id: "employer manager", learner.mentor_id: "mentor"}
    employers = User.objects.filter(pk__in=[pk for pk in roles if pk]).in_bulk()
    for pk, role in roles.items():
        if pk in employers:
            choices.append((f"employer-{pk}", f"{employers[pk].full_name} ({role})"))
    links = (
        learner.learner_contacts.exclude(kind=LearnerContact.Kind.ADMIN)
        .select_related("crm_contact__organisation")
        .order_by("crm_contact__last_name", "crm_contact__first_name", "pk")
    )
    contacts = [link.crm_contact for link in links]
    kept = {c.pk for c in contacts}
    if current is not None and current.crm_contact_id and current.crm_contact_id not in kept:
        contacts.append(current.crm_contact)
    if current is not None and current.employer_contact_id:
        value = f"employer-{current.employer_contact_id}"
        if value not in dict(choices):
            choices.append((value, f"{current.employer_contact.full_name} (employer contact)"))
    for contact in contacts:
        where = f", {contact.organisation.name}" if contact.organisation_id else ""
        choices.append((f"crm-{contact.pk}", f"{contact.full_name} (CRM contact{where})"))
    return choices


class ActivityForm(VersionedForm):
    """Log or edit a CRM activity. The date and time are typed as a London date and a time; the
    person is one of those ``person_choices`` offers, so nobody unlinked can be named."""

    occurred_on = forms.DateField(
        label="Date",
        widget=DateInput(),
        validators=[date_range("activity date", days_ahead=0)],
        error_messages={"required": "Enter the date of the activity."},
    )
    occurred_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="UK time (Europe/London).",
        error_messages={"required": "Enter the time of the activity, for example 14:30."},
    )
    person = forms.ChoiceField(
        label="With",
        error_messages={
            "required": "Choose who the activity was with.",
            "invalid_choice": PERSON_INVALID,
        },
    )

    class Meta:
        model = CrmActivity
        fields = [
            "activity_type",
            "direction",
            "duration_minutes",
            "subject",
            "notes",
            "outcome",
            "follow_up_on",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "follow_up_on": DateInput(),
        }
        labels = {"follow_up_on": "Follow-up date"}
        help_texts = {
            "duration_minutes": "In minutes, up to 1,440 (24 hours). Leave empty if not relevant.",
            "follow_up_on": "Optional: a task with this due date is set for the learner.",
            "outcome": "What was agreed or decided, in a line.",
        }
        error_messages = {
            "activity_type": {"required": "Choose the type of activity."},
            "direction": {"required": "Say who contacted whom."},
            "subject": {"required": "Enter a subject for the activity."},
            "duration_minutes": {
                "max_value": "A duration is at most 1,440 minutes (24 hours).",
                "min_value": "A duration cannot be negative.",
            },
        }

    field_order = [
        "activity_type",
        "direction",
        "occurred_on",
        "occurred_time",
        "duration_minutes",
        "person",
        "subject",
        "notes",
        "outcome",
        "follow_up_on",
    ]

    def __init__(self, *args, learner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        activity = self.instance if self.instance.pk else None
        self.fields["person"].choices = [("", "---------"), *person_choices(learner, activity)]
        self.fields["duration_minutes"].min_value = 0
        self.fields["duration_minutes"].max_value = ACTIVITY_MAX_MINUTES
        self.fields["duration_minutes"].widget.attrs.update(min=0, max=ACTIVITY_MAX_MINUTES)
        if activity is not None:
            # The follow-up task was made when the activity was logged; it is changed in Tasks.
            del self.fields["follow_up_on"]
            local = timezone.localtime(activity.occurred_at, LONDON)
            self.initial.setdefault("occurred_on", local.date())
            self.initial.setdefault("occurred_time", local.time().replace(second=0, microsecond=0))
            self.initial.setdefault("person", _person_value(activity))
        else:
            # Most activities are logged just after they happen: now, to be corrected if not.
            now = timezone.localtime(timezone=LONDON)
            self.initial.setdefault("occurred_on", now.date())
            self.initial.setdefault("occurred_time", now.time().replace(second=0, microsecond=0))
            self.initial.setdefault("person", "learner")

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise forms.ValidationError("Enter a subject for the activity.", code="required")
        return subject

    def clean_follow_up_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("follow_up_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(
                "A follow-up date cannot be in the past: choose today or a later date.",
                code="follow_up_past",
            )
        if day > today + datetime.timedelta(FOLLOW_UP_MAX_DAYS):
            raise forms.ValidationError(
                "A follow-up date is at most two years ahead.", code="follow_up_far"
            )
        return day

    def _occurred_at(self) -> datetime.datetime:
        typed = london_datetime(
            self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"]
        )
        stored = self.instance.occurred_at if self.instance.pk else None
        # The form shows the stored time to the minute, on a wall clock that repeats an hour
        # when the clocks go back: an edit that leaves the date and time as shown keeps the
        # stored instant rather than moving it (an hour, or its seconds).
        if stored is not None and _wall_clock(stored) == typed.replace(tzinfo=None):
            return stored
        return typed

    def activity_values(self) -> dict:
        """What the services save: the model fields, the London date and time as one aware
        datetime, and the person split into who and which record."""
        data = self.cleaned_data
        values = {name: data[name] for name in self._meta.fields if name in self.fields}
        values["occurred_at"] = self._occurred_at()
        kind, _, pk = data["person"].partition("-")
        values["with_whom"] = {
            "learner": CrmActivity.With.LEARNER,
            "employer": CrmActivity.With.EMPLOYER,
            "crm": CrmActivity.With.CRM,
        }[kind]
        values["employer_contact_id"] = int(pk) if kind == "employer" else None
        values["crm_contact_id"] = int(pk) if kind == "crm" else None
        return values


def _wall_clock(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` as a London wall-clock reading to the minute, as the form shows it."""
    local = timezone.localtime(moment, LONDON)
    return local.replace(tzinfo=None, second=0, microsecond=0, fold=0)


def _person_value(activity: CrmActivity) -> str:
    if activity.with_whom == CrmActivity.With.EMPLOYER:
        return f"employer-{activity.employer_contact_id}"
    if activity.with_whom == CrmActivity.With.CRM:
        return f"crm-{activity.crm_contact_id}"
    return "learner"
