"""The OData feed: /odata/1.0/ (service document), /odata/1.0/$metadata, /odata/1.0/<EntitySet>,
/odata/1.0/<EntitySet>/$count and /odata/1.0/<EntitySet>(<key>)."""

from django.urls import path, re_path

from . import feed

app_name = "odata"

urlpatterns = [
    path("", feed.service_document, name="root"),
    path("$metadata", feed.metadata, name="metadata"),
    re_path(r"^(?P<name>[A-Za-z]+)\((?P<key>[0-9]{1,18})\)$", feed.entity, name="entity"),
    path("<str:name>/$count", feed.entity_set_count, name="count"),
    path("<str:name>", feed.entity_set_rows, name="entity_set"),
]
