from django import forms
from django.db.models import Count

from aptem.versioning import VersionedForm, VersionForm
from aptem.widgets import DateInput
from users.models import User

from . import hooks
from .learning.models import code_change_order
from .learning.services import ComponentChanges
from .models import STOP_DATE, Enrolment, Programme, ProgrammeComponent


class ProgrammeForm(VersionedForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "code",
            "kind",
            "is_apprenticeship",
            "standard_code",
            "level",
            "duration_months",
            "weekly_hours",
            "planned_otj_hours",
            "ilr_enabled",
            "is_active",
        ]
        help_texts = {
            "code": "A short code unique to this programme, such as DA-L4.",
            "level": "The qualification level, 2 to 7.",
        }
        error_messages = {"code": {"unique": "Another programme already uses this code."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields the apps above add (compliance: the documents the programme requires).
        self.parts = hooks.programme_form_parts()
        for part in self.parts:
            self.fields.update(part.fields(self.instance if self.instance.pk else None))

    def save_parts(self, programme: Programme, *, actor) -> None:
        """Save the added fields' values once the programme itself is saved."""
        for part in self.parts:
            part.save(programme, self.cleaned_data, actor=actor)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        clash = Programme.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another programme already uses this code.", code="unique")
        return code

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_apprenticeship"):
            if data.get("kind") == Programme.Kind.ONBOARDING:
                self.add_error(
                    "is_apprenticeship", "Only a delivery programme can be an apprenticeship."
                )
            if not data.get("standard_code") and "standard_code" not in self.errors:
                self.add_error("standard_code", "An apprenticeship needs its standard code.")
        return data


# The fields a component row edits. BaseInlineFormSet adds the programme to the form's own
# Meta.fields list, so the changes are read through this one.
COMPONENT_FIELDS = ("kind", "code", "title", "order")


class ProgrammeComponentForm(forms.ModelForm):
    """One row of the programme form's Components part."""

    # Not the model field's 0 to 32767: a new order starts at 1 (clean_order).
    order = forms.IntegerField(
        max_value=32767,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 1}),
        error_messages={
            "required": "Enter the order, 1 or more.",
            "invalid": "Enter the order as a whole number, 1 or more.",
            "max_value": "The order must be at most 32767.",
        },
    )

    class Meta:
        model = ProgrammeComponent
        fields = list(COMPONENT_FIELDS)
        error_messages = {
            "kind": {"required": "Choose knowledge, skill or behaviour."},
            "code": {"required": "Enter a code, such as K1."},
            "title": {"required": "Enter the component's title."},
        }
        labels = {"kind": "Type"}
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "code": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "title": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        }

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_order(self) -> int:
        order = self.cleaned_data["order"]
        # Components made in the Django admin may have order 0 (its default): left as they are,
        # they do not stop the programme being saved.
        if order is not None and order < 1 and order != self.instance.order:
            raise forms.ValidationError("The order must be 1 or more.")
        return order

    def validate_unique(self) -> None:
        # The formset checks codes across all rows at once: a code given up by one row (or
        # by a removed one) in the same save is free for another, which a row-by-row database
        # check would refuse.
        pass

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Bootstrap's red border on each field with an error (the formset adds some later)."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class BaseComponentFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        # How many learners' copies each component has, shown beside it (one query).
        kwargs.setdefault(
            "queryset", ProgrammeComponent.objects.annotate(copy_count=Count("copies"))
        )
        super().__init__(*args, **kwargs)
        # The blank row comes numbered after the last component, so adding one at the end
        # needs only its code and title.
        self._next_order = max((c.order for c in self.get_queryset()), default=0) + 1

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {"order": self._next_order}
        return kwargs

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
        form.fields["id"].error_messages["invalid_choice"] = (
            "Someone else removed this component after you opened the form: tick Remove to "
            "drop the row, or add it again in the blank row."
        )

    def kept_forms(self) -> list:
        """The rows that are or will be components: not removed, not the untouched blank row.
        Their code is known when it is valid, even while another of their fields is not."""
        return [
            f
            for f in self.forms
            if (f.has_changed() or f.instance.pk) and not self._should_delete_form(f)
        ]

    def clean(self) -> None:
        # Not BaseModelFormSet.clean: its unique check is case-sensitive and reports a clash
        # away from the rows; this one puts the message beside the code, alongside the rows'
        # other messages.
        rows = [f for f in self.kept_forms() if f.cleaned_data.get("code")]
        in_rows = {f.instance.pk for f in self.forms if f.instance.pk}
        others = set(
            ProgrammeComponent.objects.filter(programme=self.instance)
            .exclude(pk__in=in_rows)
            .values_list("code", flat=True)
        )
        wanted = {f.instance.pk: f.cleaned_data["code"] for f in rows if f.instance.pk}
        held = {f.instance.pk: f.initial.get("code") for f in rows if f.instance.pk}
        seen: set[str] = set()
        # Rows keeping their code first, so a clash is reported on the row that takes the code.
        for form in sorted(rows, key=lambda f: f.initial.get("code") != f.cleaned_data["code"]):
            code = form.cleaned_data["code"]
            if code in seen or code in others:
                form.add_error("code", f"{code} is already used in this programme.")
                form.mark_invalid()
            seen.add(code)
        if not any(self.errors) and code_change_order(held, wanted) is None:
            raise forms.ValidationError(
                "Two components cannot swap codes in one save: give one a new code first, "
                "save, then change the other."
            )

    def changes(self) -> ComponentChanges:
        """The valid formset's changes, for services.programme_update."""
        fields = COMPONENT_FIELDS
        return ComponentChanges(
            added=[
                {name: f.cleaned_data[name] for name in fields}
                for f in self.kept_forms()
                if not f.instance.pk and f.has_changed()
            ],
            changed=[
                (f.instance, {name: f.cleaned_data[name] for name in fields})
                for f in self.kept_forms()
                if f.instance.pk and f.has_changed()
            ],
            removed=[f.instance for f in self.deleted_forms if f.instance.pk],
        )


ComponentFormSet = forms.inlineformset_factory(
    Programme,
    ProgrammeComponent,
    form=ProgrammeComponentForm,
    formset=BaseComponentFormSet,
    extra=1,
    can_delete=True,
)


class ProgrammeSelect(forms.Select):
    """Each programme carries its duration, so the enrolment page can pre-fill the planned end
    date (static/js/enrolment_dates.js); the server validates the date whatever it is."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        programme = getattr(value, "instance", None)
        if programme is not None and programme.duration_months:
            option["attrs"]["data-duration-months"] = programme.duration_months
        return option


class EnrolmentForm(VersionedForm):
    class Meta:
        model = Enrolment
        fields = [
            "programme",
            "start_date",
            "planned_end_date",
            "employer_start_date",
            "weekly_hours",
        ]
        widgets = {
            "programme": ProgrammeSelect(attrs={"data-prefills-end-date": ""}),
            "start_date": DateInput(),
            "planned_end_date": DateInput(),
            "employer_start_date": DateInput(),
        }
        help_texts = {
            "weekly_hours": "The learner's contracted hours a week; the minimum off-the-job "
            "hours are worked out from these.",
        }

    def __init__(self, *args, learner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        if "programme" in self.fields:
            self.fields["programme"].queryset = Programme.objects.filter(is_active=True)
        for name in ["start_date", "planned_end_date", "weekly_hours"]:
            self.fields[name].required = True
        self.fields["weekly_hours"].min_value = 0

    def clean_weekly_hours(self):
        hours = self.cleaned_data["weekly_hours"]
        if hours is not None and not 0 < hours <= 60:
            raise forms.ValidationError("Weekly hours must be more than 0 and at most 60.")
        return hours

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("planned_end_date")
        if start and end and end <= start:
            self.add_error("planned_end_date", "The planned end date must be after the start date.")
        elif start and end and (end - start).days >= 3652:
            self.add_error(
                "planned_end_date",
                "The planned end date must be less than 10 years after the start date "
                "(DfE rule LearnPlanEndDate_03).",
            )
        programme = data.get("programme")
        if programme is not None and self.instance.pk is None:
            current = self.learner.enrolments.filter(
                is_current=True, programme__kind=programme.kind
            ).select_related("programme")
            existing = current.first()
            if existing is not None:
                self.add_error("programme", self.already_enrolled_message(existing))
        return data

    def already_enrolled_message(self, existing: Enrolment) -> str:
        return (
            f"{self.learner.full_name} is already on a current "
            f"{existing.programme.get_kind_display().lower()} programme ({existing.programme}). "
            "Stop or progress that programme first."
        )


class EnrolmentDetailsForm(EnrolmentForm):
    """Edit Programme Details for an existing enrolment: dates and hours, not the programme."""

    class Meta(EnrolmentForm.Meta):
        fields = ["start_date", "planned_end_date", "employer_start_date", "weekly_hours"]


class StatusForm(VersionForm):
    status = forms.ChoiceField(choices=Enrolment.Status.choices, label="New status")

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, version=enrolment.version, **kwargs)
        self.enrolment = enrolment
        allowed = enrolment.allowed_statuses()
        # Offer only the changes this status allows (Stop programme owns stopping and
        # withdrawing); the field still accepts every status, so clean_status can explain a
        # refused one instead of answering "not one of the available choices".
        offered = [s for s in allowed if s not in Enrolment.STOP_STATUSES]
        self.fields["status"].widget.choices = [
            ("", "Choose the new status" if offered else "No change is possible"),
            *((s, Enrolment.Status(s).label) for s in offered),
        ]
        self.fields["status"].help_text = "Allowed from {}: {}.".format(
            enrolment.get_status_display(),
            ", ".join(Enrolment.Status(s).label for s in allowed) or "none, it is final",
        )

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        enrolment = self.enrolment
        allowed = [Enrolment.Status(s).label for s in enrolment.allowed_statuses()]
        if not enrolment.may_change_to(status):
            named = ", ".join(allowed) if allowed else "none: it is final"
            raise forms.ValidationError(
                f"A programme cannot go from {enrolment.get_status_display()} to "
                f"{Enrolment.Status(status).label}. Allowed changes: {named}."
            )
        if status in Enrolment.STOP_STATUSES:
            raise forms.ValidationError(
                "Use Stop programme to stop or withdraw: it records the date and the reason."
            )
        return status


class StopForm(VersionForm):
    PROGRESS = "progress"
    STOP = "stop"
    action = forms.ChoiceField(
        choices=[(PROGRESS, "Progress to a new programme"), (STOP, "Stop programme")],
        widget=forms.RadioSelect,
        label="What do you want to do?",
    )
    end_date = forms.DateField(
        label="End date", widget=DateInput(), required=True, validators=[STOP_DATE]
    )
    withdraw_reason = forms.ChoiceField(
        label="Withdrawal reason",
        choices=[("", "Choose a reason"), *Enrolment.WithdrawReason.choices],
        required=False,
        help_text="Needed to stop the programme; from the ILR WithdrawReason list.",
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, version=enrolment.version, **kwargs)
        self.enrolment = enrolment

    def clean(self) -> dict:
        data = super().clean()
        end = data.get("end_date")
        start = self.enrolment.start_date
        if end and start and end < start:
            self.add_error("end_date", "The end date cannot be before the programme's start date.")
        action = data.get("action")
        if action == self.STOP and not data.get("withdraw_reason"):
            self.add_error("withdraw_reason", "Choose the reason the learner is stopping.")
        if action == self.PROGRESS:
            data["withdraw_reason"] = ""
        allowed = self.enrolment.TRANSITIONS.get(self.enrolment.status, frozenset())
        needed = (
            Enrolment.Status.PENDING_CHANGE if action == self.PROGRESS else Enrolment.Status.STOPPED
        )
        if action and needed not in allowed:
            self.add_error(
                "action",
                f"A programme that is {self.enrolment.get_status_display()} cannot be "
                + ("progressed to a new one." if action == self.PROGRESS else "stopped."),
            )
        return data
