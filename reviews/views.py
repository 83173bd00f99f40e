"""The learner's reviews: the full list, plan, reschedule, reassign, start, the review form
(save to resume, complete, or change after signing), one review's page, and the Review
documents page."""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.pagination import paginate
from aptem.permissions import require_permission
from aptem.versioning import (
    CONFLICT_MESSAGE,
    CONFLICT_STATUS,
    EditConflict,
    conflict_status,
    update_unless_stale,
)
from users.access import get_learner_for

from . import services
from .forms import (
    ActionFormSet,
    PlanForm,
    ReassignForm,
    RescheduleForm,
    ReviewForm,
    StartForm,
    action_initial,
    actions_of,
)
from .models import Question, Review
from .sections import CONDUCT, EXPORT, review_documents, review_rows

PER_PAGE = 25
Status = Review.Status


def _enrolment(learner):
    enrolment = services.current_enrolment(learner)
    if enrolment is None:
        raise Http404("The learner has no current programme.")
    return enrolment


def _review(request: HttpRequest, pk: int, review_pk: int) -> Review:
    learner = get_learner_for(request, pk)
    return get_object_or_404(
        Review.objects.filter(learner=learner).select_related(
            "learner__manager", "enrolment__programme", "template", "conductor", "envelope"
        ),
        pk=review_pk,
    )


@require_GET
def review_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every review of the learner, newest first, with its signatures."""
    learner = get_learner_for(request, pk)
    rows = review_rows(learner).select_related("envelope").prefetch_related("envelope__signers")
    page = paginate(rows, request.GET.get("page"), PER_PAGE, count_with_rows=False)
    context = {
        "subject": learner,
        "page": page,
        "query": "",
        "may_conduct": request.user.has_perm(CONDUCT),
        "may_export": request.user.has_perm(EXPORT),
    }
    return render(request, "reviews/review_list.html", context)


@require_http_methods(["GET", "POST"])
def review_plan(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, CONDUCT)
    enrolment = _enrolment(learner)
    templates = services.current_templates(enrolment.programme_id)
    form = PlanForm(request.POST or None, viewer=request.user, templates=templates)
    if request.method == "POST" and form.is_valid():
        review = services.review_plan(
            enrolment=enrolment,
            planned_for=form.cleaned_data["planned_for"],
            conductor=form.cleaned_data["conductor"],
            template=form.cleaned_data["template"],
            actor=request.user,
        )
        messages.success(request, f"A review was planned for {review.planned_for:%d/%m/%Y}.")
        return redirect("reviews:list", learner.pk)
    return render(request, "reviews/review_plan.html", {"form": form, "subject": learner})


def _planned(request: HttpRequest, pk: int, review_pk: int) -> Review:
    review = _review(request, pk, review_pk)
    require_permission(request, CONDUCT)
    if review.status != Status.PLANNED:
        raise Http404("Only a planned review can be rescheduled or reassigned.")
    return review


@require_http_methods(["GET", "POST"])
def review_reschedule(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    review = _planned(request, pk, review_pk)
    form = RescheduleForm(
        request.POST or None, initial={"planned_for": review.planned_for}, version=review.version
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.review_reschedule, review=review, planned_for=form.cleaned_data["planned_for"]
        )
        saved = update_unless_stale(request, form, update, "review", version=review.version)
        if saved.ok:
            messages.success(
                request, f"The review was moved to {saved.result.planned_for:%d/%m/%Y}."
            )
            return redirect("reviews:list", pk)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": review.learner, "review": review, "conflict": conflict}
    context["here"] = "Reschedule"
    return render(request, "reviews/review_change.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def review_reassign(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    review = _planned(request, pk, review_pk)
    form = ReassignForm(
        request.POST or None,
        initial={"conductor": review.conductor_id},
        version=review.version,
        viewer=request.user,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.review_reassign, review=review, conductor=form.cleaned_data["conductor"]
        )
        saved = update_unless_stale(
            request, form, update, "review", version=review.version, viewer=request.user
        )
        if saved.ok:
            messages.success(
                request, f"The review will be conducted by {saved.result.conductor.full_name}."
            )
            return redirect("reviews:list", pk)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": review.learner, "review": review, "conflict": conflict}
    context["here"] = "Reassign"
    return render(request, "reviews/review_change.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def review_start(request: HttpRequest, pk: int, review_pk: int | None = None) -> HttpResponse:
    """Choose the template (a GET form, so no JavaScript is needed), then the meeting type and
    the preparation checklist."""
    if review_pk is None:
        learner = get_learner_for(request, pk)
        review = None
    else:
        review = _review(request, pk, review_pk)
        learner = review.learner
        if review.status != Status.PLANNED:
            raise Http404("This review has already started.")
    require_permission(request, CONDUCT)
    enrolment = review.enrolment if review else _enrolment(learner)
    templates = list(services.current_templates(enrolment.programme_id))
    chosen = request.POST.get("template") or request.GET.get("template")
    if not chosen and review and review.template_id:
        chosen = review.template_id
    template = next((t for t in templates if str(t.pk) == str(chosen)), None)
    if review and review.template_id and template is None:
        # The planned template was replaced by a newer version since: start from that.
        template = next((t for t in templates if t.family == review.template.family), None)
    form = conflict = None
    if template is not None:
        form = StartForm(
            request.POST or None, template=template, version=review.version if review else 0
        )
        if request.method == "POST" and form.is_valid():
            try:
                started = services.review_start(
                    enrolment=enrolment,
                    template=template,
                    meeting_type=form.cleaned_data["meeting_type"],
                    checklist_done=form.cleaned_data.get("checklist", []),
                    review=review,
                    based_on_version=form.based_on_version(),
                    actor=request.user,
                )
            except EditConflict as exc:
                form.add_error(None, CONFLICT_MESSAGE.format(what="review"))
                conflict = exc
            else:
                messages.success(
                    request, "The review has started: its answers are saved as you go."
                )
                return redirect("reviews:form", learner.pk, started.pk)
    context = {
        "subject": learner,
        "review": review,
        "templates": templates,
        "template": template,
        "form": form,
        "enrolment": enrolment,
        "conflict": conflict,
    }
    status = 400 if form is not None and form.errors else 200
    status = CONFLICT_STATUS if conflict else status
    return render(request, "reviews/review_start.html", context, status=status)


def _questions(review: Review) -> list[tuple]:
    """The template's sections with their questions, in order (one query each)."""
    sections = list(review.template.sections.all())
    questions = list(Question.objects.filter(section__template=review.template_id))
    by_section = {s.pk: [] for s in sections}
    for question in questions:
        by_section[question.section_id].append(question)
    return [(section, by_section[section.pk]) for section in sections]


@require_http_methods(["GET", "POST"])
def review_form(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    """The review's questions: "Save" keeps them to resume later, "Complete" finishes the
    review and sends it for signature; on a review already sent, saving makes a new revision."""
    review = _review(request, pk, review_pk)
    require_permission(request, CONDUCT)
    if review.status == Status.PLANNED:
        return redirect("reviews:start_planned", pk, review.pk)
    layout = _questions(review)
    questions = [q for _, rows in layout for q in rows]
    revising = review.status != Status.IN_PROGRESS
    completing = request.POST.get("action") == "complete"
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(
        data,
        initial=ReviewForm.initial_for(review),
        questions=questions,
        complete=completing or revising,
    )
    if revising:
        # A change after signing is to the answers; when and how long it was stays as held.
        del form.fields["held_on"], form.fields["duration_minutes"]
    actions = ActionFormSet(data, initial=action_initial(review), prefix="actions")
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid() and (revising or actions.is_valid()):
            try:
                message = _save(review, form, actions, completing, revising, request.user)
            except EditConflict as exc:
                form.add_error(None, CONFLICT_MESSAGE.format(what="review"))
                conflict, status = exc, CONFLICT_STATUS
            except services.ReviewRefused as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(request, message)
                if completing or revising:
                    return redirect("reviews:detail", pk, review.pk)
                return redirect("reviews:form", pk, review.pk)
        else:
            status = 400
    bound = {name: form[name] for name in form.fields}
    sections = [(section, [(q, bound.get(f"q_{q.pk}")) for q in rows]) for section, rows in layout]
    context = {
        "subject": review.learner,
        "review": review,
        "form": form,
        "actions": actions,
        "actions_list": [actions],
        "sections": sections,
        "snapshot": review.snapshot,
        "revising": revising,
        "conflict": conflict,
    }
    return render(request, "reviews/review_form.html", context, status=status)


def _save(review, form, actions, completing: bool, revising: bool, actor) -> str:
    version = form.based_on_version()
    if revising:
        revised = services.review_revise(
            review=review, answers=form.answers(), based_on_version=version, actor=actor
        )
        return f"Revision {revised.revision} of the review was made and sent for signing again."
    if completing:
        done = services.review_complete(
            review=review,
            answers=form.answers(),
            actions=actions_of(actions),
            held_on=form.cleaned_data["held_on"],
            duration_minutes=form.cleaned_data["duration_minutes"],
            based_on_version=version,
            actor=actor,
        )
        if done.status == Status.SIGNED:
            return "The review was completed and filed in the learner's Review documents."
        return "The review was completed and sent for signatures."
    services.review_save(
        review=review,
        answers=form.answers(),
        actions=actions_of(actions),
        based_on_version=version,
        actor=actor,
    )
    return "Your answers were saved; you can carry on later."


@require_GET
def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    review = _review(request, pk, review_pk)
    answers = {a.question_id: a.value for a in review.answers.all()}
    layout = _questions(review) if review.template_id else []
    sections = [(s, [(q, answers.get(q.pk, "")) for q in rows]) for s, rows in layout]
    filings = review.filings.select_related("document", "envelope").order_by("-revision")
    signers = review.envelope.signers.all() if review.envelope_id else []
    context = {
        "subject": review.learner,
        "review": review,
        "sections": sections,
        "snapshot": review.snapshot,
        "filings": filings,
        "signers": signers,
        "may_conduct": request.user.has_perm(CONDUCT),
    }
    return render(request, "reviews/review_detail.html", context)


@require_GET
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's review PDFs by date, newest first, with each one's seal."""
    learner = get_learner_for(request, pk)
    page = paginate(
        review_documents(learner), request.GET.get("page"), PER_PAGE, count_with_rows=False
    )
    return render(
        request, "reviews/document_list.html", {"subject": learner, "page": page, "query": ""}
    )
