"""The ILR area (namespace ``ilr``): a learner's ILR pages under /users/<pk>/ilr/, and Manage
ILRs (the XML export and import) under /programmes/ilrs/."""

from django.urls import include, path

from .views import aims, edit, manage, pages, qa

app_name = "ilr"

# /users/<pk>/ilr/...
learner_patterns = [
    path("", pages.ilr_detail, name="detail"),
    path("create/", pages.ilr_create, name="create"),
    path("edit/<slug:tab>/", edit.ilr_edit, name="edit"),
    path("aims/add/", aims.ilr_aim_add, name="aim_add"),
    path("aims/<int:aim_pk>/edit/", aims.ilr_aim_edit, name="aim_edit"),
    path("aims/<int:aim_pk>/remove/", aims.ilr_aim_remove, name="aim_remove"),
    path(
        "employment/<int:status_pk>/monitoring/",
        edit.ilr_employment_monitoring,
        name="employment_monitoring",
    ),
    path("qa-verify/", qa.ilr_qa_verify, name="qa_verify"),
    path("unverify/", qa.ilr_unverify, name="unverify"),
    path("status/", pages.ilr_status, name="status"),
    path("<str:year>/export.xml", manage.ilr_export_learner, name="export_learner"),
]

# /programmes/ilrs/... (Manage ILRs)
manage_patterns = [
    path("", manage.ilr_manage, name="manage"),
    path("export/", manage.ilr_export_start, name="export_start"),
    path("exports/<int:export_pk>/", manage.ilr_export_detail, name="export_detail"),
    path("exports/<int:export_pk>/download/", manage.ilr_export_download, name="export_download"),
    path("import/", manage.ilr_import, name="import"),
    path("imports/<int:import_pk>/", manage.ilr_import_detail, name="import_detail"),
    path("imports/<int:import_pk>/again/", manage.ilr_import_again, name="import_again"),
]

urlpatterns = [
    path("users/<int:pk>/ilr/", include(learner_patterns)),
    path("programmes/ilrs/", include(manage_patterns)),
]
