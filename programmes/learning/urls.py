"""The learning area (namespace ``learning``): a learner's learning plan, off-the-job ledger and
onboarding wizard, under /users/<pk>/."""

from django.urls import include, path

from . import views

app_name = "learning"

# /users/<pk>/learning-plan/...
plan_patterns = [
    path("", views.plan_overview, name="plan_overview"),
    path("components/add/", views.plan_component_edit, name="plan_component_add"),
    path(
        "components/<int:component_pk>/edit/",
        views.plan_component_edit,
        name="plan_component_edit",
    ),
    path(
        "components/<int:component_pk>/remove/",
        views.plan_component_remove,
        name="plan_component_remove",
    ),
    path("certifications/add/", views.plan_certification_edit, name="plan_certification_add"),
    path(
        "certifications/<int:certification_pk>/edit/",
        views.plan_certification_edit,
        name="plan_certification_edit",
    ),
    path("evidence/add/", views.plan_evidence_add, name="plan_evidence_add"),
    path(
        "evidence/<int:evidence_pk>/decision/",
        views.plan_evidence_decide,
        name="plan_evidence_decide",
    ),
    path(
        "evidence/<int:evidence_pk>/download/",
        views.plan_evidence_download,
        name="plan_evidence_download",
    ),
]

# /users/<pk>/otj/...
otj_patterns = [
    path("", views.otj_list, name="otj_list"),
    path("add/", views.otj_add, name="otj_add"),
    path("<int:entry_pk>/edit/", views.otj_edit, name="otj_edit"),
    path("<int:entry_pk>/verify/", views.otj_verify, name="otj_verify"),
    path("fill-ilr/", views.otj_fill_ilr, name="otj_fill_ilr"),
]

# /users/<pk>/wizard/...
wizard_patterns = [
    path("", views.wizard_overview, name="wizard_overview"),
    path("<slug:step>/", views.wizard_step, name="wizard_step"),
]

urlpatterns = [
    path("users/<int:pk>/learning-plan/", include(plan_patterns)),
    path("users/<int:pk>/otj/", include(otj_patterns)),
    path("users/<int:pk>/wizard/", include(wizard_patterns)),
]
