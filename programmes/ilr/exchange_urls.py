"""ILR XML export and import (Manage ILRs)."""

from django.urls import path

from . import exchange_views as views

urlpatterns: list = [
    path("programmes/ilrs/", views.ilr_manage, name="ilr_manage"),
    path("programmes/ilrs/export/", views.ilr_export_start, name="ilr_export_start"),
    path(
        "programmes/ilrs/exports/<int:export_pk>/",
        views.ilr_export_detail,
        name="ilr_export_detail",
    ),
    path(
        "programmes/ilrs/exports/<int:export_pk>/download/",
        views.ilr_export_download,
        name="ilr_export_download",
    ),
    path("programmes/ilrs/import/", views.ilr_import, name="ilr_import"),
    path("programmes/ilrs/import/<str:key>/", views.ilr_import_report, name="ilr_import_report"),
    path(
        "users/<int:pk>/ilr/<str:year>/export.xml",
        views.ilr_export_learner,
        name="ilr_export_learner",
    ),
]
