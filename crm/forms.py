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


# The fields each kind of contact uses; everything else must be left empty.
ADMIN_FIELDS = ("admin", "role")
PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "extension", "organisation")
PERSON_FIELDS += ("job_title",)
AD_HOC_FIELDS = ("relationship", "notes")
KIND_FIELDS = {
    LearnerContact.Kind.ADMIN: set(ADMIN_FIELDS),
    LearnerContact.Kind.CRM: {"crm_contact", *PERSON_FIELDS},
    LearnerContact.Kind.AD_HOC: {*PERSON_FIELDS, *AD_HOC_FIELDS},
}
KIND_PLURALS = {
    LearnerContact.Kind.ADMIN: "administrators",
    LearnerContact.Kind.CRM: "CRM contacts",
    LearnerContact.Kind.AD_HOC: "ad hoc contacts",
}


class ContactForm(forms.Form):
    """Add an administrator, a CRM contact (existing or new) or an ad hoc contact.

    One plain form so it works without JavaScript: the kind says which group of fields counts,
    and filling in a field that does not belong to that kind is an error rather than silently
    dropped, so nothing typed is lost unnoticed.
    """

    kind = forms.ChoiceField(
        label="Kind of contact", choices=LearnerContact.Kind.choices, widget=forms.RadioSelect
    )
    admin = forms.ModelChoiceField(
        label="Administrator", queryset=User.objects.none(), required=False
    )
    role = forms.ChoiceField(
        choices=[("", "---------"), *LearnerContact.Role.choices], required=False
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
        # Administrators are listed only to Supervisors elsewhere, but linking a tutor or assessor
        # needs to name them: every active administrator is offered (names only).
        self.fields["admin"].queryset = User.objects.administrators().order_by(
            "last_name", "first_name"
        )
        self.fields["admin"].label_from_instance = lambda u: u.full_name
        contacts = (
            CrmContact.objects.filter(is_ad_hoc=False)
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "first_name")
        )
        self.fields["crm_contact"].queryset = contacts
        self.fields["crm_contact"].choices = _grouped_by_organisation(contacts)

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        label = KIND_PLURALS[kind]
        allowed = KIND_FIELDS[kind]
        for name in self.fields:
            if name != "kind" and name not in allowed and data.get(name) not in (None, ""):
                self.add_error(name, f"Leave this empty: it is not used for {label}.")
        if kind == LearnerContact.Kind.ADMIN:
            self._require("admin", "Choose the administrator.")
            self._require("role", "Choose their role for this learner.")
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
        else:
            self._require("first_name", "Enter the contact's first name.")
            self._require("last_name", "Enter the contact's surname.")
            if kind == LearnerContact.Kind.CRM:
                self._require(
                    "organisation",
                    "Choose the contact's organisation (or pick an existing contact).",
                )
            else:
                self._require("relationship", "Say how they relate to the learner.")
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
