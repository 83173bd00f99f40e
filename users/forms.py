from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group as Role
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join

from aptem.fieldsets import FieldsetsMixin
from aptem.validators import (
    normalise_ni_number,
    normalise_postcode,
    sensible_date,
    validate_person_name,
)
from aptem.versioning import VersionedForm, VersionForm
from aptem.widgets import DateInput

from . import hooks, two_factor
from .models import Group, Organisation, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an active account. Passwords are case-"
            "sensitive; accounts that are not yet activated, or are cancelled or expired, "
            "cannot sign in."
        ),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return obj.indented_name


class NarrowedChoices(ModelChoiceIterator):
    """The choices a field shows, a subset of those it accepts (its own queryset)."""

    def __init__(self, field: forms.ModelChoiceField, queryset: QuerySet):
        super().__init__(field)
        self.queryset = queryset


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.email else obj.full_name


class UserForm(FieldsetsMixin, VersionedForm):
    """The fields every user type shares; one subclass per type picks its own.

    Each type's ``layout`` puts its fields in titled parts (aptem.fieldsets).
    """

    user_type: str
    offers_invitation = False
    email_required = False
    # Shown above the parts, and only when the details match someone who is already here.
    outside_fieldsets = ("confirm_duplicate",)

    invite_now = forms.TypedChoiceField(
        label="Invite this user now?",
        choices=[
            ("yes", "Yes, send an invitation (status Invited)"),
            ("no", "No, not yet (status Prospect)"),
        ],
        widget=forms.RadioSelect,
        initial="no",
        coerce=lambda v: v == "yes",
    )
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="I have checked these users and this is a different person",
    )

    class Meta:
        model = User
        fields: list[str] = []
        widgets = {
            "date_of_birth": DateInput(),
            "subscription_start": DateInput(),
            "subscription_end": DateInput(),
            # Declared here, not swapped in later, so the widgets get the fields' choices.
            "groups": forms.CheckboxSelectMultiple(),
            "roles": forms.CheckboxSelectMultiple(),
        }
        field_classes = {"groups": GroupChoiceField}

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.duplicates: list[dict] = []
        self.creating = self.instance.pk is None
        # What the user has that the editor may not change: kept on save, shown as text.
        self.kept_groups: list[Group] = []
        self.kept_roles: list[Role] = []
        if not (self.creating and self.offers_invitation):
            del self.fields["invite_now"]
        if "groups" in self.fields:
            self.fields["groups"].queryset = Group.objects.visible_to(viewer)
            self.fields["groups"].required = True
            self.fields["groups"].help_text = "Choose at least one. Sub-groups are included."
            self.fields["groups"].error_messages["invalid_choice"] = (
                "You can add only groups within your own scope (your groups and their "
                "sub-groups); group %(value)s is outside it."
            )
            if not self.creating:
                self.kept_groups = list(
                    self.instance.groups.exclude(pk__in=Group.objects.visible_to(viewer))
                )
        if "case_owner" in self.fields:
            self.fields["case_owner"] = PersonChoiceField(
                queryset=User.objects.administrators(), required=False, label="Case owner"
            )
        # People type NI numbers and postcodes with spaces; allow them in, then normalise.
        for name, length in (("ni_number", 20), ("postcode", 16)):
            if name in self.fields:
                field = self.fields[name]
                field.max_length = length
                field.widget.attrs["maxlength"] = length
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ]
        for name in ("first_name", "last_name", "middle_name", "preferred_name"):
            if name in self.fields:
                self.fields[name].validators.append(validate_person_name)
        if "email" in self.fields:
            # Only a prospect may be without an email: everyone else has been (or is being)
            # invited with it, and signs in with it.
            invited = (
                not self.creating and self.instance.subscription_status != User.Status.PROSPECT
            )
            self.fields["email"].required = self.email_required or invited

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if not email:
            return None
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if clash is None:
            return email
        if User.objects.visible_to(self.viewer).filter(pk=clash.pk).exists():
            raise forms.ValidationError(
                format_html(
                    'This email address already belongs to <a href="{}">{}</a> '
                    "({}, status {}). Use a different email address.",
                    clash.get_absolute_url(),
                    clash.full_name,
                    clash.get_user_type_display(),
                    clash.get_subscription_status_display(),
                ),
                code="email_taken",
            )
        raise forms.ValidationError(
            "This email address is already in use by an account you cannot see (it may be "
            "archived or in another group). Use a different email address or ask a supervisor.",
            code="email_taken",
        )

    def clean_ni_number(self) -> str:
        return normalise_ni_number(self.cleaned_data.get("ni_number", ""))

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean(self):
        cleaned = super().clean()
        wants_invitation = self.creating and self.offers_invitation and cleaned.get("invite_now")
        if wants_invitation and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "An email address is needed to send an invitation.")
        if not self.errors:
            self._check_duplicates(cleaned)
        return cleaned

    def _check_duplicates(self, cleaned: dict) -> None:
        """Warn about users who look like the same person; the administrator must confirm."""
        candidates = User.objects.exclude(pk=self.instance.pk).possible_duplicates(
            ni_number=cleaned.get("ni_number") or "",
            uln=cleaned.get("uln") or "",
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            date_of_birth=cleaned.get("date_of_birth"),
        )
        if not candidates:
            return
        visible = set(
            User.objects.visible_to(self.viewer)
            .filter(pk__in=[c.user.pk for c in candidates])
            .values_list("pk", flat=True)
        )
        self.duplicates = [
            {"user": c.user, "visible": c.user.pk in visible, "why": c.why} for c in candidates
        ]
        if not cleaned.get("confirm_duplicate"):
            self.add_error(None, forms.ValidationError(self.duplicate_message(), code="duplicate"))

    def duplicate_message(self):
        items = []
        for dup in self.duplicates:
            user, why = dup["user"], " and ".join(dup["why"])
            if dup["visible"]:
                items.append(
                    format_html(
                        '<a href="{}">{}</a> ({}, {}) has {}',
                        user.get_absolute_url(),
                        user.full_name,
                        user.get_user_type_display(),
                        user.get_subscription_status_display(),
                        why,
                    )
                )
            else:
                items.append(format_html("A user outside your groups has {}", why))
        return format_html(
            "This may be a duplicate: {}. Check, then tick the confirmation box to save anyway.",
            format_html_join("; ", "{}", ((i,) for i in items)),
        )


PERSONAL = (
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
)
CONTACT = ("email", "personal_email", "mobile", "landline")
ADDRESS = ("address_line_1", "address_line_2", "town", "county", "postcode")


class LearnerForm(UserForm):
    user_type = User.Type.LEARNER
    offers_invitation = True
    layout = [
        ("Personal details", PERSONAL),
        ("Contact details", CONTACT),
        ("Address", ADDRESS),
        ("Identifiers", ("ni_number", "uln", "reference_number")),
        (
            "Groups and people",
            ("groups", "case_owner", "organisation", "manager", "mentor", "referrer_organisation"),
        ),
        ("Subscription", ("subscription_start", "subscription_end", "invite_now")),
    ]

    class Meta(UserForm.Meta):
        fields = [
            *PERSONAL,
            *CONTACT,
            *ADDRESS,
            "ni_number",
            "uln",
            "reference_number",
            "groups",
            "case_owner",
            "organisation",
            "manager",
            "mentor",
            "referrer_organisation",
            "subscription_start",
            "subscription_end",
        ]
        labels = {"organisation": "Employer organisation", "referrer_organisation": "Referrer"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.EMPLOYER
        )
        self._narrow_employer_people()
        self._lock_names()

    def _narrow_employer_people(self) -> None:
        """Manager and Mentor offer only the chosen employer's people that the viewer may see.

        Validation still accepts any visible employer login (and whoever is set already), so
        someone from another organisation gets clean()'s plain-English error, not "invalid
        choice". With JavaScript, changing the organisation re-renders these two fields
        (users:employer_people); without it, the re-rendered form after a submit narrows them.
        """
        kept = [pk for pk in (self.instance.manager_id, self.instance.mentor_id) if pk]
        employers = User.objects.filter(user_type=User.Type.EMPLOYER).filter(
            Q(pk__in=User.objects.visible_to(self.viewer).values("pk")) | Q(pk__in=kept)
        )
        organisation_pk = self._chosen_organisation_pk()
        shown = (
            employers.filter(organisation_id=organisation_pk).order_by("last_name", "first_name")
            if organisation_pk
            else employers.none()
        )
        # Ids by hand: self[name] would cache a bound field of the field about to be replaced.
        ids = [self.auto_id % self.add_prefix(name) for name in ("manager", "mentor")]
        self.fields["organisation"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("users:employer_people"),
                "hx-trigger": "change",
                "hx-include": ", ".join(f"#{i}" for i in ids),
                # crispy wraps each field in div_<id>; swap both wrappers, help and errors too.
                "hx-select-oob": ",".join(f"#div_{i}" for i in ids),
                "hx-swap": "none",
            }
        )
        for name in ("manager", "mentor"):
            field = PersonChoiceField(
                queryset=employers.select_related("organisation"),
                required=False,
                label=name.capitalize(),
                help_text="An employer login at the learner's employer organisation.",
            )
            field.widget.choices = NarrowedChoices(field, shown)
            if not organisation_pk:
                field.empty_label = "Choose the employer organisation first"
            self.fields[name] = field

    def _chosen_organisation_pk(self) -> int | None:
        """The organisation picked in the submitted data, else the saved or initial one."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("organisation"))
        else:
            raw = self.initial.get("organisation", self.instance.organisation_id)
        raw = getattr(raw, "pk", raw)
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def _lock_names(self) -> None:
        """Names another record depends on (a QA-verified ILR's, registered by programmes in
        users.hooks) change only through someone allowed to change that record."""
        if self.creating:
            return
        reason = hooks.name_lock(self.instance, self.viewer)
        if not reason:
            return
        for name in ("first_name", "last_name"):
            self.fields[name].disabled = True
            self.fields[name].help_text = reason

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        for name in ("manager", "mentor"):
            person = cleaned.get(name)
            if person and person.organisation_id != getattr(organisation, "pk", None):
                self.add_error(
                    name, f"Choose a {name} who works at the learner's employer organisation."
                )
        start, end = cleaned.get("subscription_start"), cleaned.get("subscription_end")
        if start and end and end < start:
            self.add_error("subscription_end", "The end date must be after the start date.")
        return cleaned


class EmployerForm(UserForm):
    user_type = User.Type.EMPLOYER
    offers_invitation = True
    layout = [
        ("Personal details", ("title", "first_name", "last_name", "sex")),
        ("Contact details", ("email", "mobile", "landline")),
        ("Address", ADDRESS),
        ("Organisation and groups", ("organisation", "job_title", "groups")),
        ("Invitation", ("invite_now",)),
    ]

    class Meta(UserForm.Meta):
        fields = [
            "title",
            "first_name",
            "last_name",
            "sex",
            "email",
            "mobile",
            "landline",
            *ADDRESS,
            "organisation",
            "job_title",
            "groups",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.EMPLOYER
        )
        self.fields["organisation"].required = True


class ReferrerForm(UserForm):
    user_type = User.Type.REFERRER
    email_required = True
    layout = [
        ("Personal details", ("first_name", "last_name", "sex")),
        ("Contact details", ("email", "confirm_email", "mobile")),
        ("Address", ADDRESS),
        ("Organisation and groups", ("organisation", "groups")),
    ]
    confirm_email = forms.EmailField(label="Confirm email")

    class Meta(UserForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "sex",
            "email",
            "mobile",
            *ADDRESS,
            "organisation",
            "groups",
        ]
        labels = {"organisation": "Referrer organisation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.REFERRER
        )
        if not self.creating:
            self.fields["confirm_email"].initial = self.instance.email

    def clean(self):
        cleaned = super().clean()
        email, confirm = cleaned.get("email"), (cleaned.get("confirm_email") or "").lower()
        if email and confirm and email != confirm:
            self.add_error("confirm_email", "The two email addresses do not match.")
        return cleaned


class AdminForm(UserForm):
    user_type = User.Type.ADMINISTRATOR
    email_required = True
    layout = [
        ("Personal details", ("title", "first_name", "last_name")),
        ("Contact details", ("email", "mobile")),
        ("Role and groups", ("job_title", "groups", "roles")),
    ]

    class Meta(UserForm.Meta):
        fields = [
            "title",
            "first_name",
            "last_name",
            "email",
            "mobile",
            "job_title",
            "groups",
            "roles",
        ]
        help_texts = {"groups": "The administrator sees the users in these groups and below."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Creators with only Create Admins may set roles once; changing them later is for
        # Supervisors.
        may_set_roles = self.viewer.has_perm("users.supervise_admins") or (
            self.creating and self.viewer.has_perm("users.create_admins")
        )
        if not may_set_roles:
            del self.fields["roles"]
            return
        grantable = list(self.viewer.grantable_roles())
        # Every role validates, so clean_roles can say why one is refused; only the grantable
        # ones are offered. Roles the user holds that the editor may not grant stay as they are.
        self.fields["roles"].queryset = Role.objects.order_by("name")
        self.fields["roles"].widget.choices = [(role.pk, role.name) for role in grantable]
        self.fields["roles"].help_text = "You can grant only roles you hold yourself."
        if not self.creating:
            self.kept_roles = list(
                self.instance.roles.exclude(pk__in=[r.pk for r in grantable]).order_by("name")
            )

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        kept = set(self.kept_roles)
        refusals = [self.viewer.role_refusal(role) for role in roles if role not in kept]
        refusals = [refusal for refusal in refusals if refusal]
        if refusals:
            raise forms.ValidationError(refusals, code="role_not_grantable")
        return roles


FORMS_BY_TYPE: dict[str, type[UserForm]] = {
    form.user_type: form for form in (LearnerForm, EmployerForm, ReferrerForm, AdminForm)
}


def _audit_reason(label: str) -> forms.CharField:
    """The reason a status change asks for: one wording and limit for all of them."""
    return forms.CharField(
        label=label,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit trail.",
    )


class CancelForm(VersionForm):
    reason = _audit_reason("Reason for cancelling")


class ReinstateForm(VersionForm):
    reason = _audit_reason("Reason for reinstating")


class ArchiveForm(VersionForm):
    reason = _audit_reason("Reason for archiving")


class ExtendForm(VersionForm):
    subscription_end = forms.DateField(
        label="New end date", widget=DateInput(), validators=[sensible_date]
    )
    reason = _audit_reason("Reason")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, version=user.version, **kwargs)
        self.user = user
        self.fields["subscription_end"].initial = user.subscription_end

    def clean_subscription_end(self):
        end = self.cleaned_data["subscription_end"]
        current = self.user.subscription_end
        if current and end <= current:
            raise forms.ValidationError(
                f"Choose a date after the current end date, {current:%d/%m/%Y}."
            )
        if self.user.subscription_start and end <= self.user.subscription_start:
            raise forms.ValidationError("The end date must be after the start date.")
        return end


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app (or, at sign-in, a recovery code), checked on clean.

    ``device`` is the app being set up; without it any of the user's devices may accept it.
    """

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user: User, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.setup_device = device
        self.device = None
        if device is not None:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
        else:
            self.fields[
                "code"
            ].help_text = (
                "The 6-digit code from your authenticator app, or one of your recovery codes."
            )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if self.setup_device is not None:
            if self.setup_device.verify_token(code):
                self.device = self.setup_device
        else:
            self.device = two_factor.verify(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                "That code was not accepted. Type the newest code your app shows (check your "
                "phone's clock is right), or an unused recovery code. After several wrong codes "
                "you must wait a little before trying again."
            )
        return code


class TwoFactorOffForm(forms.Form):
    secret = forms.CharField(
        label="Your password, or a code from your authenticator app",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"]
        if not (self.user.check_password(secret) or two_factor.verify(self.user, secret)):
            raise forms.ValidationError(
                "That is neither your password nor a current code, so two-factor sign-in is "
                "still on."
            )
        return secret
