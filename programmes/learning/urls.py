"""A learner's learning plan, off-the-job ledger and onboarding wizard (programmes namespace)."""

from django.urls import path

from . import views

P = "users/<int:pk>/"

urlpatterns = [
    path(f"{P}learning-plan/", views.plan_overview, name="plan_overview"),
    path(f"{P}learning-plan/components/add/", views.plan_component_edit, name="plan_component_add"),
    path(
        f"{P}learning-plan/components/<int:component_pk>/edit/",
        views.plan_component_edit,
        name="plan_component_edit",
    ),
    path(
        f"{P}learning-plan/components/<int:component_pk>/remove/",
        views.plan_component_remove,
        name="plan_component_remove",
    ),
    path(
        f"{P}learning-plan/certifications/add/",
        views.plan_certification_edit,
        name="plan_certification_add",
    ),
    path(
        f"{P}learning-plan/certifications/<int:certification_pk>/edit/",
        views.plan_certification_edit,
        name="plan_certification_edit",
    ),
    path(f"{P}learning-plan/evidence/add/", views.plan_evidence_add, name="plan_evidence_add"),
    path(
        f"{P}learning-plan/evidence/<int:evidence_pk>/decision/",
        views.plan_evidence_decide,
        name="plan_evidence_decide",
    ),
    path(
        f"{P}learning-plan/evidence/<int:evidence_pk>/download/",
        views.plan_evidence_download,
        name="plan_evidence_download",
    ),
    path(f"{P}otj/", views.otj_list, name="otj_list"),
    path(f"{P}otj/add/", views.otj_add, name="otj_add"),
    path(f"{P}otj/<int:entry_pk>/edit/", views.otj_edit, name="otj_edit"),
    path(f"{P}otj/<int:entry_pk>/verify/", views.otj_verify, name="otj_verify"),
    path(f"{P}otj/fill-ilr/", views.otj_fill_ilr, name="otj_fill_ilr"),
    path(f"{P}wizard/", views.wizard_overview, name="wizard_overview"),
    path(f"{P}wizard/<slug:step>/", views.wizard_step, name="wizard_step"),
]
