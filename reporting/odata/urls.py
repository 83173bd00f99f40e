"""The OData feed: /odata/1.0/ (service document), /odata/1.0/$metadata, /odata/1.0/<EntitySet>."""

from django.urls import path

from . import feed

app_name = "odata"

urlpatterns = [
    path("", feed.service_document, name="root"),
    path("$metadata", feed.metadata, name="metadata"),
    path("<str:name>", feed.entity_set_rows, name="entity_set"),
]
