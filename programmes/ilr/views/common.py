"""What the ILR pages share: permission names, the ILR page's URL, the learner's current ILR,
refusing a locked ILR and logging a look at special-category data."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from aptem.permissions import require_permission
from audit.services import log_access
from users.access import get_learner_for
from users.models import User

from .. import services
from ..models import IlrLearner

MANAGE = services.MANAGE_PERMISSION
QA = services.QA_PERMISSION
SENSITIVE = "users.view_sensitive_data"
# Formsets of special-category data, left off the User tab form without SENSITIVE.
SENSITIVE_FORMSETS = {"lldd"}


def ilr_url(learner: User, tab: str = "user") -> str:
    return f"{reverse('ilr:detail', args=[learner.pk])}?tab={tab}"


def current_ilr(learner: User) -> IlrLearner:
    ilr = services.ilr_for_year(learner)
    if ilr is None:
        raise Http404("This learner has no ILR for this collection year.")
    return ilr


def ilr_for(request: HttpRequest, pk: int, permission: str = MANAGE) -> tuple[User, IlrLearner]:
    """The learner (404 outside the viewer's groups) and their current ILR (404 without one)
    of a page that needs ``permission`` (403 without)."""
    learner = get_learner_for(request, pk)
    require_permission(request, permission)
    return learner, current_ilr(learner)


def one_of(records, pk: int, missing: str):
    """The record of ``records`` (already fetched with the ILR) with ``pk``, else 404."""
    found = next((record for record in records if record.pk == pk), None)
    if found is None:
        raise Http404(missing)
    return found


def refuse_locked(request: HttpRequest, ilr: IlrLearner, learner: User) -> HttpResponse:
    messages.error(request, format_html("Nothing was saved. {}", services.lock_message(ilr)))
    return redirect(ilr_url(learner))


def log_sensitive_access(ilr: IlrLearner, where: str) -> None:
    detail = f"ILR special-category data (ethnicity, disabilities): {where}"
    log_access(ilr, kind="viewed", detail=detail)
