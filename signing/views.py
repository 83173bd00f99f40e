"""The signing pages: a signer's emailed link (no sign-in), an administrator signing inside the
portal, and an envelope's page with its signers, resend and the re-verified sealed file."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from audit.downloads import serve_download
from audit.services import log_access
from users.access import get_learner_for
from users.lockout import client_address

from . import services, tokens
from .forms import SignForm
from .models import Envelope, Signer
from .sealing import pdf_text

DONE_KEY = "signing_done"
# The document to sign is shown in a frame of the portal's own signing page, and nowhere else.
_frameable = csp_replace({"frame-ancestors": [SELF]})


def _source_bytes(envelope: Envelope) -> bytes:
    with envelope.source_pdf.open("rb") as handle:
        return handle.read()


def _inline_pdf(envelope: Envelope, *, detail: str, actor) -> FileResponse:
    """The document to sign, shown in the page's frame; every view of it is logged."""
    try:
        handle = envelope.source_pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The document is missing.") from exc
    log_access(envelope, kind="viewed", detail=detail, actor=actor)
    return FileResponse(handle, content_type="application/pdf", filename="document.pdf")


def _sign_page(request, signer: Signer, form: SignForm, pdf_url: str, status: int = 200):
    envelope = signer.envelope
    context = {
        "signer": signer,
        "envelope": envelope,
        "form": form,
        "pdf_url": pdf_url,
        "text": pdf_text(_source_bytes(envelope)),
    }
    return render(request, "signing/sign.html", context, status=status)


def _try_sign(request, signer: Signer, form: SignForm, *, actor) -> Signer | None:
    if not form.is_valid():
        return None
    try:
        return services.signer_sign(
            signer=signer,
            typed_name=form.cleaned_data["typed_name"],
            consent=form.cleaned_data["consent"],
            ip=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            actor=actor,
        )
    except services.SigningRefused as refused:
        field = "typed_name" if "name" in refused.message else None
        form.add_error(field, refused.message)
        return None


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_with_link(request: HttpRequest, token: str) -> HttpResponse:
    check = tokens.check_token(token)
    if check.problem:
        context = {"problem": check.problem.value}
        return render(request, "signing/link_invalid.html", context, status=check.status)
    signer = check.signer
    form = SignForm(request.POST or None, signer_name=signer.name)
    if request.method == "POST" and _try_sign(request, signer, form, actor=None):
        request.session[DONE_KEY] = signer.pk
        return redirect("signing:done")
    pdf_url = reverse("signing:link_pdf", args=[token])
    return _sign_page(request, signer, form, pdf_url, status=400 if form.errors else 200)


@login_not_required
@require_GET
@xframe_options_sameorigin
@_frameable
def link_pdf(request: HttpRequest, token: str) -> FileResponse:
    check = tokens.check_token(token)
    if check.problem:
        raise Http404("This signing link does not work.")
    detail = f"Opened for signing by {check.signer.name} through their link"
    return _inline_pdf(check.signer.envelope, detail=detail, actor=None)


@login_not_required
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    signer = _signer_done(request)
    return render(request, "signing/done.html", {"signer": signer, "envelope": signer.envelope})


@login_not_required
@require_GET
def done_download(request: HttpRequest) -> FileResponse:
    envelope = _signer_done(request).envelope
    if not envelope.is_sealed:
        raise Http404("The document is not sealed yet.")
    return serve_download(
        envelope, envelope.sealed_pdf, f"{envelope.title} (signed).pdf", "application/pdf", None
    )


def _signer_done(request: HttpRequest) -> Signer:
    # Only the browser that signed (its session) sees the thank-you page and the sealed file.
    pk = request.session.get(DONE_KEY)
    signer = Signer.objects.select_related("envelope").filter(pk=pk).first() if pk else None
    if signer is None or not signer.is_signed:
        raise Http404("Nothing was signed in this browser.")
    return signer


@require_http_methods(["GET", "POST"])
def portal_sign(request: HttpRequest, pk: int, signer_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    signer = get_object_or_404(
        Signer.objects.select_related("envelope"),
        pk=signer_pk,
        envelope__learner=learner,
        user=request.user,
        signed_at__isnull=True,
        envelope__status=Envelope.Status.OPEN,
    )
    form = SignForm(request.POST or None, signer_name=signer.name)
    if request.method == "POST" and _try_sign(request, signer, form, actor=request.user):
        messages.success(request, f"You signed {signer.envelope.title}.")
        return redirect(signer.envelope)
    pdf_url = reverse("signing:envelope_pdf", args=[learner.pk, signer.envelope_id])
    return _sign_page(request, signer, form, pdf_url, status=400 if form.errors else 200)


def _envelope_for(request: HttpRequest, pk: int, envelope_pk: int) -> Envelope:
    learner = get_learner_for(request, pk)
    return get_object_or_404(learner.envelopes.select_related("learner"), pk=envelope_pk)


@require_GET
def envelope_detail(request: HttpRequest, pk: int, envelope_pk: int) -> HttpResponse:
    envelope = _envelope_for(request, pk, envelope_pk)
    signers = list(envelope.signers.select_related("user"))
    verification = services.envelope_verify(envelope) if envelope.is_sealed else None
    context = {
        "subject": envelope.learner,
        "envelope": envelope,
        "signers": signers,
        "verification": verification,
        "may_resend": request.user.has_perm("users.edit_user_details"),
    }
    return render(request, "signing/envelope_detail.html", context)


@require_GET
@xframe_options_sameorigin
@_frameable
def envelope_pdf(request: HttpRequest, pk: int, envelope_pk: int) -> FileResponse:
    envelope = _envelope_for(request, pk, envelope_pk)
    return _inline_pdf(envelope, detail="Document to sign opened", actor=request.user)


@require_GET
def sealed_download(request: HttpRequest, pk: int, envelope_pk: int) -> FileResponse:
    envelope = _envelope_for(request, pk, envelope_pk)
    if not envelope.is_sealed:
        raise Http404("The document is not sealed yet.")
    name = f"{envelope.title} (signed).pdf"
    return serve_download(envelope, envelope.sealed_pdf, name, "application/pdf", request.user)


@require_POST
def signer_resend(request: HttpRequest, pk: int, envelope_pk: int, signer_pk: int) -> HttpResponse:
    envelope = _envelope_for(request, pk, envelope_pk)
    require_permission(request, "users.edit_user_details")
    signer = get_object_or_404(envelope.signers.all(), pk=signer_pk)
    try:
        services.signer_resend(signer=signer, actor=request.user)
    except services.SigningRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"A new signing link was sent to {signer.name}.")
    return redirect(envelope)
