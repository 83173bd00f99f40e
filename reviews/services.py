"""Review workflows: templates (versioned once in use, cloned between programmes), planning,
rescheduling and reassigning a review, starting it from a template, saving its answers,
completing it (actions become action-plan tasks, the PDF goes for signature) and changing it
after it was sent for signature (a new revision, signed again).

Every step runs in one transaction, names its actor on the audit trail (the models are
registered with auditlog; ``audit_reason`` says which step it was) and sends
``review_changed`` so the learner's review schedule follows.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from activity.models import Task
from activity.services import task_add_to_action_plan, task_create
from aptem.versioning import lock_unless_stale, save_as_new_version
from audit.context import signed_by_actor
from programmes.learning import progress
from programmes.learning.models import LearnerComponent, OtjEntry
from programmes.models import Enrolment, Programme
from users.models import User

from . import signatures
from .models import Answer, Question, Review, ReviewTemplate, TemplateSection
from .signals import review_changed

Status = Review.Status
# Open tasks listed in the snapshot's targets block.
SNAPSHOT_TARGETS = 20


class ReviewRefused(Exception):
    """A step that cannot be taken, in words for the page."""


def _changed(review: Review) -> None:
    review_changed.send(sender=Review, review=review)


def current_enrolment(learner: User) -> Enrolment | None:
    """The current programme reviews are held on (one query)."""
    return Enrolment.objects.filter(learner=learner).for_learning_plan()


def current_templates(programme_id: int | None):
    return ReviewTemplate.objects.filter(programme_id=programme_id, is_current=True).order_by(
        "name"
    )


# Templates -----------------------------------------------------------------------------------


def template_in_use(template: ReviewTemplate) -> bool:
    return Review.objects.filter(template=template).exists()


@dataclass
class Copied:
    """A template copied with its sections and questions: old pk -> new row."""

    template: ReviewTemplate
    sections: dict[int, TemplateSection]
    questions: dict[int, Question]


def _copy(source: ReviewTemplate, **fields) -> Copied:
    values = {
        f.name: getattr(source, f.name)
        for f in ReviewTemplate._meta.concrete_fields
        if f.name not in {"id", "version", "created_at", "created_by"}
    }
    template = ReviewTemplate.objects.create(**(values | fields))
    sections, questions = {}, {}
    for section in source.sections.prefetch_related("questions"):
        sections[section.pk] = TemplateSection.objects.create(
            template=template, position=section.position, title=section.title
        )
        for question in section.questions.all():
            questions[question.pk] = Question.objects.create(
                section=sections[section.pk],
                position=question.position,
                kind=question.kind,
                text=question.text,
                help_text=question.help_text,
                required=question.required,
                options=question.options,
            )
    return Copied(template, sections, questions)


def _editable(template: ReviewTemplate, based_on_version: int, actor: User) -> Copied:
    """The row an edit of ``template`` goes into: the template itself when no review uses it
    (its version bumped), else a new version of its family (number + 1, now the current one)
    so the reviews already made keep the questions they were asked."""
    current = lock_unless_stale(template, based_on_version)
    if not current.is_current:
        raise ReviewRefused("Only the current version of a template can be changed.")
    if not template_in_use(current):
        save_as_new_version(current, {})
        same_sections = {s.pk: s for s in current.sections.all()}
        same_questions = {q.pk: q for q in Question.objects.filter(section__template=current)}
        return Copied(current, same_sections, same_questions)
    save_as_new_version(current, {"is_current": False}, reason="Replaced by a new version")
    return _copy(current, number=current.number + 1, is_current=True, created_by=actor)


@signed_by_actor
@transaction.atomic
def template_create(*, programme: Programme, data: dict, actor: User) -> ReviewTemplate:
    return ReviewTemplate.objects.create(programme=programme, **data, created_by=actor)


@signed_by_actor
@transaction.atomic
def template_update(
    *, template: ReviewTemplate, data: dict, based_on_version: int, actor: User
) -> ReviewTemplate:
    """Save the template's settings; a template in use changes only as a new version."""
    target = _editable(template, based_on_version, actor).template
    for name, value in data.items():
        setattr(target, name, value)
    target.save()
    return target


@signed_by_actor
@transaction.atomic
def template_clone(*, source: ReviewTemplate, programme: Programme, actor: User) -> ReviewTemplate:
    """A copy of ``source`` for ``programme``: a new template of its own (version 1)."""
    return _copy(
        source,
        programme=programme,
        family=uuid.uuid4(),
        number=1,
        is_current=True,
        created_by=actor,
    ).template


@signed_by_actor
@transaction.atomic
def section_save(
    *,
    template: ReviewTemplate,
    section: TemplateSection | None,
    title: str,
    based_on_version: int,
    actor: User,
) -> ReviewTemplate:
    """Add a section at the end, or rename one."""
    copied = _editable(template, based_on_version, actor)
    if section is None:
        top = copied.template.sections.aggregate(top=Max("position"))["top"]
        TemplateSection.objects.create(
            template=copied.template, title=title, position=(top or 0) + 1
        )
    else:
        target = copied.sections[section.pk]
        target.title = title
        target.save()
    return copied.template


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _moved(rows: list, row, direction: str) -> list:
    index = rows.index(row)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


@signed_by_actor
@transaction.atomic
def section_move(
    *,
    template: ReviewTemplate,
    section: TemplateSection,
    direction: str,
    based_on_version: int,
    actor: User,
) -> ReviewTemplate:
    copied = _editable(template, based_on_version, actor)
    rows = list(copied.template.sections.all())
    _renumber(_moved(rows, copied.sections[section.pk], direction))
    return copied.template


@signed_by_actor
@transaction.atomic
def section_delete(
    *, template: ReviewTemplate, section: TemplateSection, based_on_version: int, actor: User
) -> ReviewTemplate:
    copied = _editable(template, based_on_version, actor)
    copied.sections[section.pk].delete()
    _renumber(list(copied.template.sections.all()))
    return copied.template


@signed_by_actor
@transaction.atomic
def question_save(
    *,
    template: ReviewTemplate,
    section: TemplateSection,
    question: Question | None,
    data: dict,
    based_on_version: int,
    actor: User,
) -> ReviewTemplate:
    """Add a question at the end of ``section``, or change one."""
    copied = _editable(template, based_on_version, actor)
    target_section = copied.sections[section.pk]
    if question is None:
        top = target_section.questions.aggregate(top=Max("position"))["top"]
        Question.objects.create(section=target_section, position=(top or 0) + 1, **data)
    else:
        target = copied.questions[question.pk]
        for name, value in data.items():
            setattr(target, name, value)
        target.save()
    return copied.template


@signed_by_actor
@transaction.atomic
def question_move(
    *,
    template: ReviewTemplate,
    question: Question,
    direction: str,
    based_on_version: int,
    actor: User,
) -> ReviewTemplate:
    copied = _editable(template, based_on_version, actor)
    target = copied.questions[question.pk]
    rows = list(target.section.questions.all())
    _renumber(_moved(rows, target, direction))
    return copied.template


@signed_by_actor
@transaction.atomic
def question_delete(
    *, template: ReviewTemplate, question: Question, based_on_version: int, actor: User
) -> ReviewTemplate:
    copied = _editable(template, based_on_version, actor)
    target = copied.questions[question.pk]
    section = target.section
    target.delete()
    _renumber(list(section.questions.all()))
    return copied.template


# Reviews -------------------------------------------------------------------------------------


@signed_by_actor
@transaction.atomic
def review_plan(
    *,
    enrolment: Enrolment,
    planned_for: datetime.date,
    conductor: User,
    template: ReviewTemplate | None,
    actor: User,
) -> Review:
    review = Review(
        learner=enrolment.learner,
        enrolment=enrolment,
        template=template,
        planned_for=planned_for,
        conductor=conductor,
        created_by=actor,
    )
    review.audit_reason = "Planned"
    review.save()
    _changed(review)
    return review


def _locked(review: Review, based_on_version: int, *statuses: str) -> Review:
    current = lock_unless_stale(review, based_on_version)
    if statuses and current.status not in statuses:
        raise ReviewRefused(
            f"This review is {current.get_status_display().lower()}, so this cannot be done now."
        )
    return current


@signed_by_actor
@transaction.atomic
def review_reschedule(
    *, review: Review, planned_for: datetime.date, based_on_version: int, actor: User
) -> Review:
    current = _locked(review, based_on_version, Status.PLANNED)
    save_as_new_version(current, {"planned_for": planned_for}, reason="Rescheduled")
    _changed(current)
    return current


@signed_by_actor
@transaction.atomic
def review_reassign(
    *, review: Review, conductor: User, based_on_version: int, actor: User
) -> Review:
    current = _locked(review, based_on_version, Status.PLANNED)
    save_as_new_version(current, {"conductor": conductor}, reason="Reassigned")
    _changed(current)
    return current


@signed_by_actor
@transaction.atomic
def review_delete(*, review: Review, based_on_version: int, actor: User) -> None:
    """Cancel a review not yet held (its answers go with it)."""
    current = _locked(review, based_on_version, Status.PLANNED, Status.IN_PROGRESS)
    current.audit_reason = "Cancelled"
    current.answers.all().delete()
    _changed(current)
    current.delete()


def _decimal(value) -> str:
    """Hours and weeks as people write them: at most two decimals, no trailing zeros (sums of
    logged hours can carry binary-float noise such as 348.740000000000)."""
    if value is None:
        return ""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def snapshot(enrolment: Enrolment, today: datetime.date | None = None) -> dict:
    """The learner's progress, off-the-job hours and open targets as they stand, as plain JSON
    (worked out as the learning plan works them out), kept with the review."""
    today = today or timezone.localdate()
    counts = LearnerComponent.objects.filter(enrolment=enrolment).aggregate(
        total=Count("pk"), completed=Count("pk", filter=Q(status="COMPLETED"))
    )
    plan = progress.plan_progress(enrolment, counts["completed"], counts["total"], today)
    otj = progress.otj_summary(
        enrolment, OtjEntry.objects.filter(enrolment=enrolment).totals(), today
    )
    targets = enrolment.learner.tasks.filter(status=Task.Status.OPEN)[:SNAPSHOT_TARGETS]
    return {
        "taken_on": today.strftime("%d/%m/%Y"),
        "progress": {
            "planned": plan.planned,
            "actual": plan.actual,
            "completed": plan.completed,
            "total": plan.total,
            "weeks_ahead": _decimal(plan.weeks_ahead),
        },
        "otj": {
            "planned": otj.planned,
            "minimum": otj.minimum,
            "logged": _decimal(otj.logged),
            "verified": _decimal(otj.verified),
            "expected": _decimal(otj.expected),
        },
        "targets": [
            {
                "title": task.title,
                "due": task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
                "in_action_plan": task.in_action_plan,
            }
            for task in targets
        ],
    }


@signed_by_actor
@transaction.atomic
def review_start(
    *,
    enrolment: Enrolment,
    template: ReviewTemplate,
    meeting_type: str,
    checklist_done: list[str],
    actor: User,
    review: Review | None = None,
    based_on_version: int = 0,
) -> Review:
    """Start a review (a planned one, or a new one conducted by ``actor``) from ``template``:
    the snapshot of the learner's record is taken now."""
    if set(checklist_done) != set(template.checklist_items()):
        raise ReviewRefused("Tick every item of the preparation checklist to start.")
    values = {
        "template": template,
        "meeting_type": meeting_type,
        "checklist_done": list(checklist_done),
        "snapshot": snapshot(enrolment),
        "status": Status.IN_PROGRESS,
    }
    if review is None:
        review = Review(
            learner=enrolment.learner, enrolment=enrolment, conductor=actor, created_by=actor
        )
        for name, value in values.items():
            setattr(review, name, value)
        review.audit_reason = "Started"
        review.save()
    else:
        review = _locked(review, based_on_version, Status.PLANNED)
        if review.conductor_id is None:
            values["conductor"] = actor
        save_as_new_version(review, values, reason="Started")
    _changed(review)
    return review


def _store_answers(review: Review, answers: dict[int, str]) -> None:
    existing = {answer.question_id: answer for answer in review.answers.all()}
    for question_id, value in answers.items():
        answer = existing.get(question_id)
        if answer is None:
            Answer.objects.create(review=review, question_id=question_id, value=value)
        elif answer.value != value:
            answer.value = value
            answer.review = review
            answer.save()


@signed_by_actor
@transaction.atomic
def review_save(
    *,
    review: Review,
    answers: dict[int, str],
    actions: list[dict],
    based_on_version: int,
    actor: User,
) -> Review:
    """Keep what was typed so far; the review stays in progress, to be resumed."""
    current = _locked(review, based_on_version, Status.IN_PROGRESS)
    _store_answers(current, answers)
    save_as_new_version(current, {"actions": actions}, reason="Answers saved")
    _changed(current)
    return current


def _action_tasks(review: Review, actions: list[dict], actor: User) -> None:
    for action in actions:
        due = datetime.date.fromisoformat(action["due"]) if action.get("due") else None
        task = task_create(learner=review.learner, title=action["text"], due_date=due, actor=actor)
        task_add_to_action_plan(task=task, actor=actor)


def render_pdf(review: Review) -> bytes:
    """The review as a PDF: who, when, how, every question and answer, and the snapshot."""
    answers = {answer.question_id: answer.value for answer in review.answers.all()}
    sections = []
    for section in review.template.sections.prefetch_related("questions"):
        rows = [(q, answers.get(q.pk, "")) for q in section.questions.all()]
        sections.append((section, rows))
    html = render_to_string(
        "pdf/review.html",
        {
            "review": review,
            "sections": sections,
            "snapshot": review.snapshot,
            "actions": [{"text": a["text"], "due": _uk_date(a.get("due"))} for a in review.actions],
            "provider_name": settings.PROVIDER_NAME,
            "printed_on": timezone.localdate(),
        },
    )
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # slow to import; only completing a review needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()


def _uk_date(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _no_fetch(url: str, *args, **kwargs):
    # Installed fonts and inline CSS only: a review's text can never make the server fetch a URL.
    raise ValueError(f"External resources are not allowed in PDFs: {url[:80]}")


def _send(review: Review, actor: User) -> None:
    """Render the review and send it for the signatures its template asks for; without any,
    it is signed at once and the PDF filed in the learner's Documents."""
    pdf = render_pdf(review)
    specs = signatures.signers_for(review)
    if not specs:
        signatures.file_pdf(review, pdf, envelope=None, actor=actor)
        save_as_new_version(
            review,
            {"status": Status.SIGNED, "envelope": None},
            reason="Completed: no signatures needed",
        )
        return
    envelope = signatures.send_for_signature(review, pdf, specs, actor=actor)
    save_as_new_version(
        review,
        {"status": Status.AWAITING_SIGNATURES, "envelope": envelope, "signatures_received": 0},
        reason="Sent for signatures",
    )


@signed_by_actor
@transaction.atomic
def review_complete(
    *,
    review: Review,
    answers: dict[int, str],
    actions: list[dict],
    held_on: datetime.date,
    duration_minutes: int,
    based_on_version: int,
    actor: User,
) -> Review:
    """Complete the review: its answers kept, the agreed actions put in the learner's action
    plan, and the PDF sent for signature."""
    current = _locked(review, based_on_version, Status.IN_PROGRESS)
    _store_answers(current, answers)
    save_as_new_version(
        current,
        {
            "actions": actions,
            "held_on": held_on,
            "duration_minutes": duration_minutes,
            "completed_at": timezone.now(),
        },
        reason="Completed",
    )
    _action_tasks(current, actions, actor)
    current = Review.objects.select_related(
        "learner__manager", "enrolment__programme", "template", "conductor"
    ).get(pk=current.pk)
    _send(current, actor)
    _changed(current)
    return current


@signed_by_actor
@transaction.atomic
def review_revise(
    *, review: Review, answers: dict[int, str], based_on_version: int, actor: User
) -> Review:
    """A change after the review was sent for signature: a new revision, the open envelope
    voided, the PDF made again and sent for signing again. Signed PDFs already filed stay."""
    current = _locked(review, based_on_version, Status.AWAITING_SIGNATURES, Status.SIGNED)
    signatures.withdraw(current, actor=actor)
    _store_answers(current, answers)
    save_as_new_version(current, {"revision": current.revision + 1}, reason="Changed after signing")
    current = Review.objects.select_related(
        "learner__manager", "enrolment__programme", "template", "conductor"
    ).get(pk=current.pk)
    _send(current, actor)
    _changed(current)
    return current
