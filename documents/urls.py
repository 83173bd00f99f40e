from django.urls import path

from . import views

app_name = "documents"

# Mounted under /users/, so a learner's mandate lives at /users/<pk>/mandate/...
urlpatterns = [
    path("<int:pk>/mandate/prepare/", views.mandate_prepare, name="mandate_prepare"),
    path("<int:pk>/mandate/upload/", views.mandate_upload, name="mandate_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        views.document_download,
        name="download",
    ),
]
