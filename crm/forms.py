from django import forms

from aptem.versioning import VersionedForm
from users.models import Organisation, User

from .models import CrmContact, LearnerContact, Note


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
