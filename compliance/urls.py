from django.urls import path

from . import signature_views, template_views, views

app_name = "compliance"

# Mounted at /compliance/.
urlpatterns = [
    path("signatures/", signature_views.signature_list, name="signatures"),
    path("signatures/bulk/", signature_views.signature_bulk, name="signatures_bulk"),
    path("signatures/bulk/<int:pk>/", signature_views.signature_report, name="signatures_report"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/add/", template_views.template_add, name="template_add"),
    path("templates/<int:version_pk>/edit/", template_views.template_edit, name="template_edit"),
    path("learners/<int:pk>/", views.document_list, name="documents"),
    path("learners/<int:pk>/create/<int:type_pk>/", views.document_create, name="create"),
    path("learners/<int:pk>/upload/<int:type_pk>/", views.document_upload, name="upload"),
    path("learners/<int:pk>/documents/<int:document_pk>/", views.document_detail, name="document"),
    path(
        "learners/<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="download",
    ),
    path(
        "learners/<int:pk>/documents/<int:document_pk>/verify/",
        views.document_verify,
        name="verify",
    ),
    path(
        "learners/<int:pk>/documents/<int:document_pk>/reject/",
        views.document_reject,
        name="reject",
    ),
]
