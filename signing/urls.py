from django.urls import path

from . import views

app_name = "signing"

# Mounted at the root: signing links live at /sign/<token>/, a learner's envelopes under
# /users/<pk>/signatures/.
urlpatterns = [
    path("sign/done/", views.done, name="done"),
    path("sign/done/signed.pdf", views.done_download, name="done_download"),
    path("sign/<str:token>/", views.sign_with_link, name="sign"),
    path("sign/<str:token>/document.pdf", views.link_pdf, name="link_pdf"),
    path("users/<int:pk>/signatures/<int:signer_pk>/sign/", views.portal_sign, name="portal_sign"),
    path("users/<int:pk>/signatures/<int:envelope_pk>/", views.envelope_detail, name="envelope"),
    path(
        "users/<int:pk>/signatures/<int:envelope_pk>/document.pdf",
        views.envelope_pdf,
        name="envelope_pdf",
    ),
    path(
        "users/<int:pk>/signatures/<int:envelope_pk>/signed.pdf",
        views.sealed_download,
        name="download",
    ),
    path(
        "users/<int:pk>/signatures/<int:envelope_pk>/signers/<int:signer_pk>/resend/",
        views.signer_resend,
        name="resend",
    ),
]
