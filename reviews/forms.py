"""Forms of the review pages: templates and their sections and questions, planning, starting,
and the review form built from a template's questions."""

import datetime

from django import forms
from django.utils import timezone

from activity.models import TASK_TITLE_MAX_LENGTH
from aptem.validators import date_range, past_date, sensible_date
from aptem.versioning import VersionedForm, VersionForm
from aptem.widgets import DateInput
from users.models import User

from .models import Question, Review, ReviewTemplate

# A review is planned at most this far ahead, and no earlier than a year back.
planned_date = date_range("planned date", days_ahead=731)
MAX_DURATION_MINUTES = 24 * 60
ACTION_ROWS = 3
YES_NO = [("", "—"), ("Yes", "Yes"), ("No", "No")]
RATINGS = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class TemplateForm(VersionedForm):
    class Meta:
        model = ReviewTemplate
        fields = [
            "name",
            "purpose",
            "visible_to_learner",
            "visible_to_employer",
            "visible_to_referrer",
            "learner_signs",
            "employer_signs",
            "administrator_signs",
            "checklist",
        ]
        widgets = {"checklist": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"checklist": "One item a line; every item must be ticked to start."}


class SectionForm(VersionForm):
    title = forms.CharField(max_length=120)


class QuestionForm(VersionForm):
    kind = forms.ChoiceField(label="Type", choices=Question.Kind.choices)
    text = forms.CharField(label="Question", max_length=300)
    help_text = forms.CharField(label="Hint", max_length=300, required=False)
    required = forms.BooleanField(label="An answer is required", required=False)
    options = forms.CharField(
        label="Options (single choice)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One option a line.",
    )

    def clean(self) -> dict:
        data = super().clean()
        options = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if data.get("kind") == Question.Kind.CHOICE and len(options) < 2:
            self.add_error("options", "A single choice needs at least two options, one a line.")
        data["options"] = "\n".join(options)
        if data.get("kind") in Question.READ_ONLY_KINDS:
            data["required"] = False
        return data

    def values(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("kind", "text", "help_text", "required", "options")
        }


class CloneForm(forms.Form):
    source = forms.ModelChoiceField(
        label="Template to copy", queryset=ReviewTemplate.objects.none(), empty_label=None
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            ReviewTemplate.objects.filter(is_current=True)
            .exclude(programme=programme)
            .select_related("programme")
            .order_by("programme__name", "name")
        )
        self.fields["source"].label_from_instance = lambda t: f"{t.programme.name}: {t}"


def conductors_for(viewer: User):
    """The administrators who may conduct a review the viewer plans: those in the viewer's
    groups (or below them), every one for a viewer who sees all groups."""
    admins = User.objects.administrators().filter(is_active=True)
    if not viewer.has_perm("users.view_all_groups"):
        roots = [group.pk for group in viewer.visible_group_roots()]
        admins = admins.filter(scope_ids__overlap=roots)
    return admins.order_by("last_name", "first_name")


def _conductor_field(viewer: User) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label="Conducted by", queryset=conductors_for(viewer))


class PlanForm(forms.Form):
    planned_for = forms.DateField(label="Planned date", widget=DateInput, validators=[planned_date])
    template = forms.ModelChoiceField(
        label="Template",
        queryset=ReviewTemplate.objects.none(),
        required=False,
        empty_label="Choose when starting",
    )

    def __init__(self, *args, viewer: User, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conductor"] = _conductor_field(viewer)
        self.fields["conductor"].initial = viewer.pk
        self.fields["template"].queryset = templates

    def clean_planned_for(self) -> datetime.date:
        value = self.cleaned_data["planned_for"]
        if value < timezone.localdate() - datetime.timedelta(days=366):
            raise forms.ValidationError("A planned date cannot be more than a year ago.")
        return value


class RescheduleForm(VersionForm):
    planned_for = forms.DateField(label="New date", widget=DateInput, validators=[planned_date])


class ReassignForm(VersionForm):
    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conductor"] = _conductor_field(viewer)


class StartForm(VersionForm):
    meeting_type = forms.ChoiceField(
        label="Meeting type", choices=[("", "Choose…"), *Review.MeetingType.choices]
    )

    def __init__(self, *args, template: ReviewTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        items = template.checklist_items()
        self.items = items
        if items:
            self.fields["checklist"] = forms.MultipleChoiceField(
                label="Preparation checklist",
                choices=[(item, item) for item in items],
                widget=forms.CheckboxSelectMultiple,
                help_text="Tick every item to start.",
            )

    def clean_checklist(self) -> list[str]:
        ticked = self.cleaned_data["checklist"]
        if set(ticked) != set(self.items):
            raise forms.ValidationError("Tick every item of the preparation checklist to start.")
        return ticked


def _question_field(question: Question, require: bool) -> forms.Field:
    required = require and question.required
    common = {"label": question.text, "help_text": question.help_text, "required": required}
    kind = question.kind
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000, **common)
    if kind == Question.Kind.RATING:
        return forms.TypedChoiceField(choices=RATINGS, coerce=str, **common)
    if kind == Question.Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=DateInput, validators=[sensible_date], **common)
    if kind == Question.Kind.CHOICE:
        options = question.option_list()
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in options)], **common)
    return forms.CharField(max_length=1000, **common)


class ReviewForm(VersionForm):
    """The questions of the review's template (the read-only blocks are not fields). With
    ``complete`` every required question must be answered and the date held and duration
    given; saving to resume later checks only that each answer is valid."""

    held_on = forms.DateField(
        label="Date held", widget=DateInput, required=False, validators=[past_date]
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=MAX_DURATION_MINUTES, required=False
    )

    def __init__(self, *args, questions: list[Question], complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [q for q in questions if not q.is_read_only]
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = _question_field(question, complete)
        if complete:
            self.fields["held_on"].required = True
            self.fields["duration_minutes"].required = True

    @staticmethod
    def initial_for(review: Review) -> dict:
        initial = {f"q_{a.question_id}": a.value for a in review.answers.all()}
        initial["held_on"] = review.held_on
        initial["duration_minutes"] = review.duration_minutes
        initial["version"] = review.version
        return initial

    def answers(self) -> dict[int, str]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.pk}")
            if isinstance(value, datetime.date):
                value = value.isoformat()
            result[question.pk] = "" if value is None else str(value)
        return result


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=TASK_TITLE_MAX_LENGTH, required=False)
    due = forms.DateField(
        label="Due date", widget=DateInput, required=False, validators=[sensible_date]
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("due") and not data.get("text"):
            self.add_error("text", "Say what the action is, or clear its due date.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=ACTION_ROWS, max_num=20)


def actions_of(formset) -> list[dict]:
    return [
        {
            "text": f.cleaned_data["text"],
            "due": f.cleaned_data["due"].isoformat() if f.cleaned_data.get("due") else "",
        }
        for f in formset.forms
        if f.cleaned_data.get("text")
    ]


def action_initial(review: Review) -> list[dict]:
    return [{"text": a.get("text", ""), "due": a.get("due") or None} for a in review.actions]
