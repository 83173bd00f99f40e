"""The Users page's Mandates (PDF) button: a batch job of the learners' mandates (see
portal.mandate_batch)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from aptem.pagination import capped_count
from reporting.tasks import file_export_start
from users.access import require_portal_access

from .exports import EXPORT_PERMISSION, search_users
from .mandate_batch import MANDATES, mandate_learners, mandates_label, too_many_learners


@require_POST
def user_mandates(request: HttpRequest) -> HttpResponse:
    """Start the batch for the search in the query string: always a job (a POST, so a reload
    never makes two), since rendering takes WeasyPrint a good part of a second a learner."""
    require_portal_access(request)
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    user_filter, sort = search_users(request.user, request.GET)
    list_url = f"{reverse('portal:user_list')}?{request.GET.urlencode()}"
    if not user_filter.is_valid():
        messages.error(request, "Fix the search filters before making mandates.")
        return redirect(list_url)
    count = capped_count(mandate_learners(user_filter, sort), settings.PDF_BATCH_MAX_LEARNERS)
    if refusal := too_many_learners(count):
        messages.error(request, refusal)
        return redirect(list_url)
    if not count:
        messages.info(request, "This search finds no learners, so there are no mandates to make.")
        return redirect(list_url)
    job = file_export_start(
        actor=request.user,
        kind=MANDATES,
        label=mandates_label(user_filter),
        parameters={"query": request.GET.urlencode()},
        rows_total=count,
    )
    messages.success(
        request, f"The mandates of {count:,} learner{'' if count == 1 else 's'} are being made."
    )
    return redirect("reporting:detail", pk=job.pk)
