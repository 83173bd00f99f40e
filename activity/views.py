from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from users.access import get_learner_for, may_edit
from users.models import User

from . import services
from .chart import AREA_COLOURS, histogram
from .forms import TaskForm
from .models import ActivityEvent

EVENTS_PER_PAGE = 25


def _editable_learner_for(request: HttpRequest, pk: int) -> User:
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    return learner


@require_GET
def usage_report(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    first_day = services.previous_month_start()
    days = services.usage_by_day(learner, first_day)
    context = {
        "subject": learner,
        "month": first_day,
        "days": days,
        "chart": histogram(days),
        "areas": [(area.label, AREA_COLOURS[area]) for area in ActivityEvent.Area],
        "total_visits": sum(d.total_visits for d in days),
        "total_sign_ins": sum(d.sign_ins for d in days),
    }
    return render(request, "activity/usage_report.html", context)


@require_GET
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    first_day = services.current_month_start()
    events = services.events_in_month(learner, first_day)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"subject": learner, "month": first_day, "page": page, "query": ""}
    return render(request, "activity/activity_list.html", context)


@require_GET
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    context = {
        "subject": learner,
        "tasks": list(learner.tasks.select_related("created_by")),
        "may_edit_tasks": may_edit(request.user, learner),
    }
    return render(request, "activity/task_list.html", context)


@require_GET
def task_print(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    context = {"subject": learner, "tasks": list(learner.tasks.select_related("created_by"))}
    return render(request, "activity/task_print.html", context)


@require_http_methods(["GET", "POST"])
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _editable_learner_for(request, pk)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = services.task_create(
            learner=learner,
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
            actor=request.user,
        )
        messages.success(request, f"The task “{task.title}” was added for {learner.full_name}.")
        return redirect("activity:tasks", pk=learner.pk)
    return render(request, "activity/task_form.html", {"form": form, "subject": learner})


@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    return _task_action(
        request, pk, task_pk, services.task_mark_done, "was marked done", "was already done"
    )


@require_POST
def task_action_plan(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    return _task_action(
        request,
        pk,
        task_pk,
        services.task_add_to_action_plan,
        "was added to the action plan",
        "was already in the action plan",
    )


def _task_action(
    request: HttpRequest, pk: int, task_pk: int, action, done: str, already: str
) -> HttpResponse:
    """A one-click action on a task from its list: ``action`` says whether it changed anything,
    and the message says ``done`` or, when the task already was so, ``already``."""
    learner = _editable_learner_for(request, pk)
    task = get_object_or_404(learner.tasks, pk=task_pk)
    if action(task=task, actor=request.user):
        messages.success(request, f"The task “{task.title}” {done}.")
    else:
        messages.info(request, f"The task “{task.title}” {already}.")
    return redirect("activity:tasks", pk=learner.pk)
