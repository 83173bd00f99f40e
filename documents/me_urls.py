from django.urls import path

from . import views

app_name = "my_documents"

# Mounted at /me/documents/: a learner's own documents, those made visible to them.
urlpatterns = [
    path("<int:document_pk>/download/", views.my_document_download, name="download"),
]
