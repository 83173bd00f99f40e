"""The pages around the feed: the OData dictionary (page and CSV) and the signed-in
administrator's own API tokens (make, list with their uses, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.csv_export import csv_response
from users.access import require_portal_access

from ..forms import ApiTokenForm
from ..models import ApiToken, ApiTokenUse
from . import tokens
from .schema import entity_sets

NEW_TOKEN_SESSION_KEY = "reporting_new_api_token"
USES_SHOWN = 50
DICTIONARY_HEADER = ["Table", "Field", "Type", "Description", "Example"]


def _dictionary_rows():
    for entity_set in entity_sets():
        for column in entity_set.columns.values():
            description = column.prop.description
            if column.prop.sensitive:
                description += " (Special-category data: null without users.view_sensitive_data.)"
            yield [entity_set.name, column.name, _type_label(column), description, column.example]


def _type_label(column) -> str:
    if column.max_length:
        return f"{column.edm_type}({column.max_length})"
    if column.precision:
        return f"{column.edm_type}({column.precision},{column.scale})"
    return column.edm_type


@require_GET
def dictionary(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    sets = [
        {
            "entity_set": entity_set,
            "fields": [(column, _type_label(column)) for column in entity_set.columns.values()],
        }
        for entity_set in entity_sets()
    ]
    return render(request, "reporting/odata_dictionary.html", {"sets": sets})


@require_GET
def dictionary_csv(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    rows = [DICTIONARY_HEADER, *_dictionary_rows()]
    return csv_response(rows, filename_prefix="odata-dictionary")


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, text = tokens.api_token_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
            actor=request.user,
        )
        # Shown once, on the page the redirect lands on, then gone from the session.
        request.session[NEW_TOKEN_SESSION_KEY] = {"pk": token.pk, "text": text}
        messages.success(request, f"The token “{token.name}” is made. Copy it now.")
        return redirect("reporting:token_list")
    new_token = (
        request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    )
    own = ApiToken.objects.filter(owner=request.user)
    uses = ApiTokenUse.objects.filter(token__owner=request.user).select_related("token")
    context = {
        "form": form,
        "tokens": own,
        "uses": uses.order_by("-used_at", "-pk")[:USES_SHOWN],
        "new_token": new_token,
    }
    return render(request, "reporting/apitoken_list.html", context)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_portal_access(request)
    token = get_object_or_404(ApiToken.objects.filter(owner=request.user), pk=pk)
    if token.revoked_at is not None:
        messages.info(request, f"The token “{token.name}” was already revoked.")
    else:
        tokens.api_token_revoke(token, actor=request.user)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("reporting:token_list")
