"""A learner's milestones, course progress and functional skills, in the programmes namespace
(programmes:milestone_..., programmes:course_..., programmes:functional_skill_...)."""

from django.urls import path

from . import views

MILESTONE = "users/<int:pk>/milestones/<int:milestone_pk>/"
COURSE = "users/<int:pk>/courses/<int:course_pk>/"
ASSESSMENT = "users/<int:pk>/functional-skills/<int:assessment_pk>/"

urlpatterns = [
    path("users/<int:pk>/milestones/", views.milestone_list, name="milestone_list"),
    path("users/<int:pk>/milestones/add/", views.milestone_add, name="milestone_add"),
    path(MILESTONE, views.milestone_detail, name="milestone_detail"),
    path(MILESTONE + "edit/", views.milestone_edit, name="milestone_edit"),
    path(MILESTONE + "delete/", views.milestone_delete, name="milestone_delete"),
    path("users/<int:pk>/courses/", views.course_list, name="course_list"),
    path("users/<int:pk>/courses/start/", views.course_start, name="course_start"),
    path(COURSE + "edit/", views.course_edit, name="course_edit"),
    path(
        "users/<int:pk>/functional-skills/",
        views.functional_skill_list,
        name="functional_skill_list",
    ),
    path(
        "users/<int:pk>/functional-skills/add/",
        views.functional_skill_add,
        name="functional_skill_add",
    ),
    path(ASSESSMENT + "edit/", views.functional_skill_edit, name="functional_skill_edit"),
    path(
        ASSESSMENT + "evidence/", views.functional_skill_evidence, name="functional_skill_evidence"
    ),
]
