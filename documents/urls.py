from django.urls import path

from . import views

app_name = "documents"

# Mounted under /users/, so a learner's documents live at /users/<pk>/documents/...
urlpatterns = [
    path("<int:pk>/mandate/prepare/", views.mandate_prepare, name="mandate_prepare"),
    path("<int:pk>/mandate/upload/", views.mandate_upload, name="mandate_upload"),
    path("<int:pk>/documents/", views.document_list, name="list"),
    path("<int:pk>/documents/upload/", views.document_upload, name="upload"),
    path("<int:pk>/documents/<int:document_pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/documents/<int:document_pk>/replace/", views.document_replace, name="replace"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="delete"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/versions/",
        views.document_versions,
        name="versions",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/versions/<int:version_pk>/download/",
        views.version_download,
        name="version_download",
    ),
]
