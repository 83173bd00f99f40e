"""Change requests: for each kind, the form that captures the proposed change and the function
that applies it when the tracker is approved.

Each ``apply_*`` runs inside the approval's transaction (``services.tracker_approve``) and goes
through the programmes and users code a person would use: enrolment status changes record the
break in learning, stopping withdraws the ILR aims, and every record is saved one by one so
auditlog writes an entry for each. ``ChangeRefused`` stops the approval with a reason the
approver can act on; the transaction then leaves everything as it was.

The proposed change is kept on the tracker as JSON (``Tracker.change_data``): dates as ISO text,
records by primary key, so it reads back the same after a restart or an upgrade.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from aptem.validators import validate_person_name, validate_phone, validate_postcode
from aptem.versioning import lock_unless_stale, save_as_new_version
from aptem.widgets import DateInput
from programmes.ilr import codes
from programmes.ilr.models import (
    IlrLearner,
    LearnerEmploymentStatus,
    LearningDelivery,
    LearningDeliveryFAM,
)
from programmes.models import Enrolment, Programme
from programmes.services import (
    AlreadyEnrolled,
    breaks_follow_status,
    enrolment_create,
    enrolment_progress,
    enrolment_stop,
    open_ilr_aims,
)
from users.models import Organisation, User

from .models import Change, Tracker

Status = Enrolment.Status


class ChangeRefused(Exception):
    """The change cannot be applied as it stands; the message says why and what to do."""


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(value: datetime.date) -> None:
    if value > _today():
        raise ValidationError("The date cannot be in the future.")


def date_field(label: str, *, required: bool = True, past: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        validators=[_not_future] if past else [],
    )


# --- The forms: one for each kind of change --------------------------------------------------


class ChangeForm(forms.Form):
    """The proposed change of one kind. ``learner`` and ``enrolment`` let a form check the
    change against the learner's record as it is when the tracker is raised."""

    def __init__(self, *args, learner: User, enrolment: Enrolment | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.enrolment = enrolment

    def _after_start(self, name: str, what: str) -> None:
        day = self.cleaned_data.get(name)
        start = self.enrolment.start_date if self.enrolment else None
        if day and start and day < start:
            self.add_error(
                name, f"The {what} cannot be before the programme started ({start:%d/%m/%Y})."
            )


class BreakForm(ChangeForm):
    start_date = date_field("break starts", past=True)
    reason = forms.CharField(label="reason for the break", max_length=500)
    expected_return = date_field("expected return date", required=False)

    def clean(self):
        cleaned = super().clean()
        self._after_start("start_date", "break")
        start, back = cleaned.get("start_date"), cleaned.get("expected_return")
        if start and back and back <= start:
            self.add_error("expected_return", "The return must be after the break starts.")
        return cleaned


class ReturnForm(ChangeForm):
    return_date = date_field("return to learning on", past=True)
    planned_end_date = date_field("new planned end date")

    def clean(self):
        cleaned = super().clean()
        back, end = cleaned.get("return_date"), cleaned.get("planned_end_date")
        if back and end and end <= back:
            self.add_error("planned_end_date", "The planned end date must be after the return.")
        return cleaned


class ProgrammeChangeForm(ChangeForm):
    programme = forms.ModelChoiceField(
        label="new programme",
        queryset=Programme.objects.filter(is_active=True, kind=Programme.Kind.DELIVERY),
    )
    start_date = date_field("starts on", past=True)
    planned_end_date = date_field("planned end date")
    weekly_hours = forms.DecimalField(
        label="hours a week", min_value=Decimal("0.1"), max_value=Decimal("60"), decimal_places=1
    )

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        if programme and self.enrolment and programme.pk == self.enrolment.programme_id:
            self.add_error("programme", "Choose a programme other than the current one.")
        self._after_start("start_date", "new programme")
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and end and end <= start:
            self.add_error("planned_end_date", "The planned end date must be after the start.")
        return cleaned


class WithdrawalForm(ChangeForm):
    end_date = date_field("last day of learning", past=True)
    withdraw_reason = forms.ChoiceField(
        label="withdrawal reason", choices=Enrolment.WithdrawReason.choices
    )

    def clean(self):
        cleaned = super().clean()
        self._after_start("end_date", "last day of learning")
        return cleaned


class CompletionForm(ChangeForm):
    end_date = date_field("learning completed on", past=True)
    outcome = forms.TypedChoiceField(
        label="outcome",
        coerce=int,
        choices=[
            (codes.Outcome.ACHIEVED, codes.Outcome.ACHIEVED.label),
            (codes.Outcome.NOT_KNOWN_YET, codes.Outcome.NOT_KNOWN_YET.label),
        ],
    )
    achievement_date = date_field("achievement date", required=False, past=True)

    def clean(self):
        cleaned = super().clean()
        self._after_start("end_date", "completion")
        end, achieved = cleaned.get("end_date"), cleaned.get("achievement_date")
        if achieved and end and achieved < end:
            self.add_error("achievement_date", "The achievement date cannot be before the end.")
        if achieved and cleaned.get("outcome") != codes.Outcome.ACHIEVED:
            self.add_error("achievement_date", "An achievement date needs the outcome Achieved.")
        return cleaned


class EmployerForm(ChangeForm):
    organisation = forms.ModelChoiceField(
        label="new employer",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER),
    )
    start_date = date_field("starts with the new employer on")
    emp_id = forms.IntegerField(
        label="employer's ERN (ILR EmpId)", required=False, min_value=1, max_value=999999999
    )

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if organisation.pk == self.learner.organisation_id:
            raise ValidationError("The learner already works for this employer.")
        return organisation


class HoursForm(ChangeForm):
    weekly_hours = forms.DecimalField(
        label="new hours a week",
        min_value=Decimal("0.1"),
        max_value=Decimal("60"),
        decimal_places=1,
    )
    effective_date = date_field("from")


class NameForm(ChangeForm):
    first_name = forms.CharField(
        label="new first name", max_length=50, validators=[validate_person_name]
    )
    last_name = forms.CharField(
        label="new surname", max_length=50, validators=[validate_person_name]
    )
    evidence = forms.CharField(
        label="evidence seen",
        max_length=200,
        help_text="For example: marriage certificate, deed poll. Attach a copy below.",
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_name"), cleaned.get("last_name")
        if (first, last) == (self.learner.first_name, self.learner.last_name):
            raise ValidationError("The new name is the same as the learner's name now.")
        return cleaned


class ContactForm(ChangeForm):
    mobile = forms.CharField(max_length=30, required=False, validators=[validate_phone])
    landline = forms.CharField(max_length=30, required=False, validators=[validate_phone])
    personal_email = forms.EmailField(label="personal email", required=False)
    address_line_1 = forms.CharField(label="address line 1", max_length=50, required=False)
    address_line_2 = forms.CharField(label="address line 2", max_length=50, required=False)
    town = forms.CharField(label="town or city", max_length=50, required=False)
    postcode = forms.CharField(max_length=8, required=False, validators=[validate_postcode])

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields):
            raise ValidationError("Enter at least one new contact detail.")
        if cleaned.get("address_line_1") and not cleaned.get("postcode"):
            self.add_error("postcode", "A new address needs its postcode.")
        return cleaned


class LearningSupportForm(ChangeForm):
    start_date = date_field("support starts")
    end_date = date_field("support ends", required=False)
    support = forms.CharField(label="support to give", max_length=500)

    def clean(self):
        cleaned = super().clean()
        self._after_start("start_date", "support")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The support cannot end before it starts.")
        return cleaned


# The learner's own ILR elements an ILR change request may change (names, contact details and
# dates go through their own kinds, which keep the learner's record in step).
ILR_FIELDS = {
    element: field
    for element, field in IlrLearner.ILR_ELEMENTS
    if element
    in {
        "CampId",
        "Ethnicity",
        "Sex",
        "LLDDHealthProb",
        "Accom",
        "ALSCost",
        "PlanLearnHours",
        "PlanEEPHours",
        "MathGrade",
        "EngGrade",
        "PostcodePrior",
    }
}


class IlrChangeForm(ChangeForm):
    element = forms.ChoiceField(label="ILR field", choices=())
    value = forms.CharField(label="new value", max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = [("", "Choose a field")] + [
            (element, element) for element in sorted(ILR_FIELDS)
        ]

    def clean(self):
        cleaned = super().clean()
        element, value = cleaned.get("element"), cleaned.get("value")
        if element and value is not None:
            field = IlrLearner._meta.get_field(ILR_FIELDS[element])
            try:
                converted = field.clean(value, None)
            except ValidationError as error:
                self.add_error("value", error)
            else:
                cleaned["value"] = str(converted)
        return cleaned


# --- Applying an approved change ------------------------------------------------------------


def _date(data: dict, name: str) -> datetime.date | None:
    value = data.get(name)
    return datetime.date.fromisoformat(value) if value else None


def _decimal(data: dict, name: str) -> Decimal | None:
    try:
        return Decimal(str(data[name])) if data.get(name) not in (None, "") else None
    except InvalidOperation:
        return None


def _enrolment(tracker: Tracker) -> Enrolment:
    if tracker.enrolment_id is None:
        raise ChangeRefused("Choose the programme this change is about, then approve it.")
    # Locked: a status form saved at the same moment waits, then sees the change.
    enrolment = Enrolment.objects.select_for_update().get(pk=tracker.enrolment_id)
    return enrolment


def _status_change(enrolment: Enrolment, status: str, *, on: datetime.date, reason: str) -> None:
    if not enrolment.may_change_to(status):
        raise ChangeRefused(
            f"The programme is {enrolment.get_status_display()}; it cannot become "
            f"{Status(status).label} from there."
        )
    current = lock_unless_stale(enrolment, enrolment.version)
    breaks_follow_status(current, status, on=on)
    save_as_new_version(current, {"status": status}, reason=reason)


def _ilrs(learner_id: int) -> list[IlrLearner]:
    return list(
        IlrLearner.objects.select_for_update().filter(
            learner_id=learner_id, collection_year=codes.COLLECTION_YEAR
        )
    )


def _bump_ilr(ilr: IlrLearner, reason: str) -> None:
    ilr.version += 1
    ilr.audit_reason = reason
    ilr.save()


def apply_break(tracker: Tracker, data: dict, reason: str) -> None:
    """On a Break from the start date; the programme's open ILR aims record the break
    (CompStatus 6, LearnActEndDate the first day of the break, Outcome 3)."""
    start = _date(data, "start_date")
    enrolment = _enrolment(tracker)
    _status_change(enrolment, Status.ON_A_BREAK, on=start, reason=reason)
    for aim in open_ilr_aims(enrolment):
        if aim.comp_status != codes.CompStatus.CONTINUING:
            continue
        aim.comp_status = codes.CompStatus.BREAK
        aim.learn_act_end_date = start
        aim.outcome = codes.Outcome.NO_ACHIEVEMENT
        aim.audit_reason = reason
        aim.save()
        _bump_ilr(aim.ilr, reason)


def _restart(
    aim: LearningDelivery, *, back: datetime.date, end: datetime.date, seq: int, reason: str
):
    """A new aim that restarts ``aim`` after a break: the same learning from the return date,
    with the original start, the new planned end and the restart indicator (FAM RES 1)."""
    fams = list(aim.fams.all())
    records = list(aim.app_fin_records.all())
    original_start = aim.orig_learn_start_date or aim.learn_start_date
    restart = LearningDelivery.objects.get(pk=aim.pk)
    restart.pk = None
    restart.id = None
    restart.aim_seq_number = seq
    restart.learn_start_date = back
    restart.orig_learn_start_date = original_start
    restart.learn_plan_end_date = end
    restart.comp_status = codes.CompStatus.CONTINUING
    restart.learn_act_end_date = None
    restart.outcome = None
    restart.withdraw_reason = None
    restart.ach_date = None
    restart.audit_reason = reason
    restart.save()
    for fam in fams:
        if fam.learn_del_fam_type == codes.LearnDelFAMType.RES:
            continue
        fam.pk = None
        fam.delivery = restart
        if fam.learn_del_fam_date_from and fam.learn_del_fam_date_from < back:
            fam.learn_del_fam_date_from = back
        fam.save()
    LearningDeliveryFAM.objects.create(
        delivery=restart, learn_del_fam_type=codes.LearnDelFAMType.RES, learn_del_fam_code="1"
    )
    # The price carries over to the restarted aim, dated on its start (AFinType_13, R119);
    # payments made before the break stay with the original aim.
    for record in records:
        if record.afin_type != "TNP" and record.afin_date < back:
            continue
        record.pk = None
        record.delivery = restart
        if record.afin_type == "TNP":
            record.afin_date = back
        record.save()
    return restart


def apply_return(tracker: Tracker, data: dict, reason: str) -> None:
    """Active again from the return date with the new planned end date, on the enrolment and
    on a restarted copy of each aim that was on the break (the ILR's restart rules)."""
    back, end = _date(data, "return_date"), _date(data, "planned_end_date")
    enrolment = _enrolment(tracker)
    _status_change(enrolment, Status.ACTIVE, on=back, reason=reason)
    enrolment.refresh_from_db()
    save_as_new_version(enrolment, {"planned_end_date": end}, reason=reason)
    on_break = [a for a in _aims_of(enrolment) if a.comp_status == codes.CompStatus.BREAK]
    latest_by_ref: dict[str, LearningDelivery] = {}
    for aim in on_break:
        latest_by_ref[aim.learn_aim_ref] = aim  # ordered by sequence: the last break wins
    for aim in latest_by_ref.values():
        if aim.learn_act_end_date and back < aim.learn_act_end_date:
            raise ChangeRefused(
                f"The return ({back:%d/%m/%Y}) is before the break started "
                f"({aim.learn_act_end_date:%d/%m/%Y})."
            )
        seq = (aim.ilr.deliveries.aggregate(top=Max("aim_seq_number"))["top"] or 0) + 1
        _restart(aim, back=back, end=end, seq=seq, reason=reason)
        _bump_ilr(aim.ilr, reason)


def _aims_of(enrolment: Enrolment) -> list[LearningDelivery]:
    """Every ILR aim of this year's ILR that records the enrolment (linked, or an imported aim
    with the programme's standard code)."""
    aims = LearningDelivery.objects.filter(
        ilr__learner_id=enrolment.learner_id, ilr__collection_year=codes.COLLECTION_YEAR
    ).select_related("ilr")
    code = enrolment.programme.standard_code
    return [
        aim
        for aim in aims.order_by("aim_seq_number")
        if aim.enrolment_id == enrolment.pk
        or (aim.enrolment_id is None and code and aim.std_code == code)
    ]


def apply_programme(tracker: Tracker, data: dict, reason: str) -> None:
    """End the programme (its aims withdrawn, reason 40) and start the new one."""
    enrolment = _enrolment(tracker)
    start = _date(data, "start_date")
    programme = Programme.objects.filter(pk=data.get("programme")).first()
    if programme is None:
        raise ChangeRefused("The new programme no longer exists; raise the change again.")
    enrolment_progress(
        enrolment=enrolment, end_date=start, based_on_version=enrolment.version, actor=None
    )
    try:
        enrolment_create(
            learner=tracker.learner,
            programme=programme,
            data={
                "start_date": start,
                "planned_end_date": _date(data, "planned_end_date"),
                "weekly_hours": _decimal(data, "weekly_hours"),
            },
            actor=None,
        )
    except AlreadyEnrolled as error:
        raise ChangeRefused(f"The learner is already on {error.existing.programme}.") from error


def apply_withdrawal(tracker: Tracker, data: dict, reason: str) -> None:
    enrolment = _enrolment(tracker)
    if not enrolment.is_current:
        raise ChangeRefused("The programme has already ended.")
    enrolment_stop(
        enrolment=enrolment,
        end_date=_date(data, "end_date"),
        withdraw_reason=data["withdraw_reason"],
        based_on_version=enrolment.version,
        actor=None,
    )


def apply_completion(tracker: Tracker, data: dict, reason: str) -> None:
    """Complete; the programme's open aims completed (CompStatus 2) with the outcome."""
    end = _date(data, "end_date")
    achieved = _date(data, "achievement_date")
    enrolment = _enrolment(tracker)
    _status_change(enrolment, Status.COMPLETE, on=end, reason=reason)
    enrolment.refresh_from_db()
    save_as_new_version(enrolment, {"end_date": end}, reason=reason)
    for aim in open_ilr_aims(enrolment):
        aim.comp_status = codes.CompStatus.COMPLETED
        aim.learn_act_end_date = end
        aim.outcome = int(data["outcome"])
        aim.ach_date = achieved
        aim.audit_reason = reason
        aim.save()
        _bump_ilr(aim.ilr, reason)


def _learner(tracker: Tracker) -> User:
    return User.objects.select_for_update().get(pk=tracker.learner_id)


def apply_employer(tracker: Tracker, data: dict, reason: str) -> None:
    """The learner's employer (their manager and mentor worked for the old one, so they go),
    the programme's employer start date, and a new ILR employment status from the start."""
    organisation = Organisation.objects.filter(pk=data.get("organisation")).first()
    if organisation is None:
        raise ChangeRefused("The new employer no longer exists; raise the change again.")
    start = _date(data, "start_date")
    learner = _learner(tracker)
    save_as_new_version(
        learner, {"organisation": organisation, "manager": None, "mentor": None}, reason=reason
    )
    if tracker.enrolment_id:
        enrolment = _enrolment(tracker)
        save_as_new_version(enrolment, {"employer_start_date": start}, reason=reason)
    for ilr in _ilrs(learner.pk):
        LearnerEmploymentStatus.objects.create(
            ilr=ilr,
            emp_stat=codes.EmpStat.EMPLOYED,
            date_emp_stat_app=start,
            emp_id=data.get("emp_id") or None,
        )
        _bump_ilr(ilr, reason)


def apply_hours(tracker: Tracker, data: dict, reason: str) -> None:
    enrolment = _enrolment(tracker)
    save_as_new_version(enrolment, {"weekly_hours": _decimal(data, "weekly_hours")}, reason=reason)


def apply_name(tracker: Tracker, data: dict, reason: str) -> None:
    """The learner's names and their ILR's, even when the ILR is QA-verified: an approved
    change request is how a locked name is changed."""
    learner = _learner(tracker)
    first, last = data["first_name"], data["last_name"]
    save_as_new_version(learner, {"first_name": first, "last_name": last}, reason=reason)
    for ilr in _ilrs(learner.pk):
        ilr.given_names = first
        ilr.family_name = last
        _bump_ilr(ilr, reason)


# The learner's contact details and the ILR elements that carry them.
CONTACT_ILR = {
    "postcode": "postcode",
    "address_line_1": "add_line1",
    "address_line_2": "add_line2",
    "town": "add_line3",
    "personal_email": "email",
}


def apply_contact(tracker: Tracker, data: dict, reason: str) -> None:
    learner = _learner(tracker)
    values = {name: value for name, value in data.items() if value}
    save_as_new_version(learner, values, reason=reason)
    for ilr in _ilrs(learner.pk):
        for name, field in CONTACT_ILR.items():
            if values.get(name):
                setattr(ilr, field, learner.postcode if name == "postcode" else values[name])
        phone = values.get("mobile") or values.get("landline")
        if phone:
            ilr.tel_no = phone.replace(" ", "")
        _bump_ilr(ilr, reason)


def apply_learning_support(tracker: Tracker, data: dict, reason: str) -> None:
    """Learning support funding (FAM LSF 1) on the programme's open aims for the period."""
    enrolment = _enrolment(tracker)
    start, end = _date(data, "start_date"), _date(data, "end_date")
    aims = [a for a in open_ilr_aims(enrolment) if a.comp_status == codes.CompStatus.CONTINUING]
    if not aims:
        raise ChangeRefused("The programme has no continuing ILR aim to record the support on.")
    for aim in aims:
        LearningDeliveryFAM.objects.create(
            delivery=aim,
            learn_del_fam_type=codes.LearnDelFAMType.LSF,
            learn_del_fam_code="1",
            learn_del_fam_date_from=start,
            learn_del_fam_date_to=end,
        )
        _bump_ilr(aim.ilr, reason)


def apply_ilr(tracker: Tracker, data: dict, reason: str) -> None:
    ilrs = _ilrs(tracker.learner_id)
    if not ilrs:
        raise ChangeRefused("The learner has no ILR for this year to change.")
    field = IlrLearner._meta.get_field(ILR_FIELDS[data["element"]])
    for ilr in ilrs:
        setattr(ilr, field.attname, field.to_python(data["value"]))
        _bump_ilr(ilr, reason)


@dataclass(frozen=True)
class Kind:
    form: type[ChangeForm]
    apply: Callable[[Tracker, dict, str], None]
    # The change is about one programme: the tracker must name it.
    needs_programme: bool = True


KINDS: dict[str, Kind] = {
    Change.BREAK: Kind(BreakForm, apply_break),
    Change.RETURN: Kind(ReturnForm, apply_return),
    Change.PROGRAMME: Kind(ProgrammeChangeForm, apply_programme),
    Change.WITHDRAWAL: Kind(WithdrawalForm, apply_withdrawal),
    Change.COMPLETION: Kind(CompletionForm, apply_completion),
    Change.EMPLOYER: Kind(EmployerForm, apply_employer, needs_programme=False),
    Change.HOURS: Kind(HoursForm, apply_hours),
    Change.NAME: Kind(NameForm, apply_name, needs_programme=False),
    Change.CONTACT: Kind(ContactForm, apply_contact, needs_programme=False),
    Change.LEARNING_SUPPORT: Kind(LearningSupportForm, apply_learning_support),
    Change.ILR: Kind(IlrChangeForm, apply_ilr, needs_programme=False),
}


def stored(cleaned: dict) -> dict:
    """A change form's cleaned values as JSON: dates as ISO text, records as primary keys."""
    values = {}
    for name, value in cleaned.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "pk"):
            value = value.pk
        values[name] = value
    return values


def initial_from(data: dict) -> dict:
    """A stored change as a change form's initial values (the edit form)."""
    return dict(data)


def described(tracker: Tracker) -> list[tuple[str, str]]:
    """The stored change as (label, value) rows for its page, in the form's order."""
    kind = KINDS.get(tracker.tracker_type.change)
    if kind is None:
        return []
    form = kind.form(learner=tracker.learner, enrolment=tracker.enrolment)
    rows = []
    for name, field in form.fields.items():
        value = tracker.change_data.get(name)
        if value in (None, ""):
            continue
        shown = value
        if isinstance(field, forms.ModelChoiceField):
            record = field.queryset.model.objects.filter(pk=value).first()
            shown = str(record) if record else f"#{value} (removed)"
        elif isinstance(field, forms.ChoiceField):
            shown = dict(field.choices).get(value, dict(field.choices).get(str(value), value))
        elif isinstance(field, forms.DateField):
            shown = datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        rows.append((str(field.label)[:1].upper() + str(field.label)[1:], str(shown)))
    return rows
