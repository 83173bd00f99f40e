"""The OData v4 feed (read-only): the service document, $metadata and the entity sets.

Who reads: the owner of a personal API token (HTTP Basic with the token as password, or
Bearer), or a signed-in administrator's browser session. Anyone else gets 401 with
``WWW-Authenticate: Basic``, which makes Excel and Power BI ask for the token. Every answer to
a bad query is a 4xx with an OData error body, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from users.access import uses_admin_pages
from users.models import User

from . import tokens
from .csdl import metadata_xml
from .query import BadQuery, count_rows, parse, read_one, read_page
from .schema import ENTITY_SETS, entity_sets

ODATA_HEADERS = {"OData-Version": "4.0"}
JSON_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8"
REALM = 'Basic realm="Learner portal reporting feed", charset="UTF-8"'


def odata_error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        content_type="application/json;charset=utf-8",
    )
    for name, value in ODATA_HEADERS.items():
        response[name] = value
    return response


def _unauthorised(message: str) -> JsonResponse:
    response = odata_error(401, "Unauthorized", message)
    response["WWW-Authenticate"] = REALM
    return response


def feed_view(view: Callable) -> Callable:
    """Authenticates a feed request (token or administrator's session), answers only GET and
    HEAD, and logs each use of a token."""

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = odata_error(405, "MethodNotAllowed", "The reporting feed is read-only.")
            response["Allow"] = "GET, HEAD"
            return response
        token = None
        if tokens.carries_credentials(request):
            token = tokens.token_for(request)
            if token is None:
                return _unauthorised(
                    "The token is not valid: it may be mistyped, revoked or expired, or its "
                    "owner may no longer use the portal."
                )
            viewer = token.owner
        elif request.user.is_authenticated:
            viewer = request.user
            if not uses_admin_pages(viewer):
                return odata_error(403, "Forbidden", "Only administrators read the feed.")
        else:
            return _unauthorised("Sign in with a personal API token (see your account's tokens).")
        response, entity_set, rows = view(request, viewer, *args, **kwargs)
        for name, value in ODATA_HEADERS.items():
            response[name] = value
        if token is not None:
            tokens.record_use(
                token,
                entity_set=entity_set,
                row_count=rows,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        return response

    # What the URL walkers of the tests read: the feed never takes a POST (405).
    wrapper.http_method_names = ["GET", "HEAD"]
    return wrapper


def _root(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("odata:root"))


def _json(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type=JSON_TYPE)


@feed_view
def service_document(request: HttpRequest, viewer: User) -> tuple:
    root = _root(request)
    document = {
        "@odata.context": f"{root}$metadata",
        "value": [{"name": s.name, "kind": "EntitySet", "url": s.name} for s in entity_sets()],
    }
    return _json(document), "(service document)", 0


@feed_view
def metadata(request: HttpRequest, viewer: User) -> tuple:
    response = HttpResponse(metadata_xml(), content_type="application/xml;charset=utf-8")
    return response, "$metadata", 0


@feed_view
def entity_set_rows(request: HttpRequest, viewer: User, name: str) -> tuple:
    entity_set = ENTITY_SETS.get(name)
    if entity_set is None:
        message = f"The feed has no entity set named {name!r}."
        return odata_error(404, "NotFound", message), name, 0
    try:
        query = parse(entity_set, viewer, request.GET)
        page = read_page(query)
    except BadQuery as refusal:
        return odata_error(refusal.status, refusal.code, str(refusal)), name, 0
    root = _root(request)
    context = f"{root}$metadata#{entity_set.name}"
    if "$select" in request.GET:
        context += "(" + ",".join(c.name for c in query.columns) + ")"
    document: dict = {"@odata.context": context}
    if page.count is not None:
        document["@odata.count"] = page.count
    document["value"] = page.rows
    if page.next_token is not None:
        # The count is on the first page only: counting every row again for each page would
        # make paging a large set slower page by page.
        dropped = ("$skip", "$skiptoken", "$count")
        options = {k: v for k, v in request.GET.items() if k not in dropped}
        if page.remaining_top is not None:
            options["$top"] = str(page.remaining_top)
        options["$skiptoken"] = page.next_token
        document["@odata.nextLink"] = f"{root}{entity_set.name}?{urlencode(options)}"
    return _json(document), name, len(page.rows)


def _entity_set_or_404(name: str):
    entity_set = ENTITY_SETS.get(name)
    if entity_set is None:
        message = f"The feed has no entity set named {name!r}."
        return None, odata_error(404, "NotFound", message)
    return entity_set, None


@feed_view
def entity_set_count(request: HttpRequest, viewer: User, name: str) -> tuple:
    """``/Users/$count``: the number of rows (after $filter), as plain text."""
    entity_set, missing = _entity_set_or_404(name)
    if missing:
        return missing, name, 0
    try:
        query = parse(entity_set, viewer, request.GET)
        total = count_rows(query)
    except BadQuery as refusal:
        return odata_error(refusal.status, refusal.code, str(refusal)), name, 0
    return HttpResponse(str(total), content_type="text/plain;charset=utf-8"), f"{name}/$count", 0


@feed_view
def entity(request: HttpRequest, viewer: User, name: str, key: str) -> tuple:
    """``/Users(42)``: one row by its key, or 404 (also for a row the reader may not see)."""
    entity_set, missing = _entity_set_or_404(name)
    if missing:
        return missing, name, 0
    try:
        query = parse(entity_set, viewer, request.GET)
        row = read_one(query, int(key))
    except BadQuery as refusal:
        return odata_error(refusal.status, refusal.code, str(refusal)), name, 0
    if row is None:
        return odata_error(404, "NotFound", f"{name} has no row {key}."), name, 0
    context = f"{_root(request)}$metadata#{entity_set.name}/$entity"
    return _json({"@odata.context": context, **row}), name, 1
