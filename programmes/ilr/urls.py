"""A learner's ILR: the User and Admin tabs, Edit ILR forms and ILR QA."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("users/<int:pk>/ilr/", views.ilr_detail, name="ilr_detail"),
    path("users/<int:pk>/ilr/create/", views.ilr_create, name="ilr_create"),
    path("users/<int:pk>/ilr/edit/<slug:tab>/", views.ilr_edit, name="ilr_edit"),
    path("users/<int:pk>/ilr/aims/add/", views.ilr_aim_add, name="ilr_aim_add"),
    path("users/<int:pk>/ilr/aims/<int:aim_pk>/edit/", views.ilr_aim_edit, name="ilr_aim_edit"),
    path(
        "users/<int:pk>/ilr/aims/<int:aim_pk>/remove/",
        views.ilr_aim_remove,
        name="ilr_aim_remove",
    ),
    path(
        "users/<int:pk>/ilr/employment/<int:status_pk>/monitoring/",
        views.ilr_employment_monitoring,
        name="ilr_employment_monitoring",
    ),
    path("users/<int:pk>/ilr/qa-verify/", views.ilr_qa_verify, name="ilr_qa_verify"),
    path("users/<int:pk>/ilr/unverify/", views.ilr_unverify, name="ilr_unverify"),
    path("users/<int:pk>/ilr/status/", views.ilr_status, name="ilr_status"),
]
