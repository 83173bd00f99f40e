"""The progress area (namespace ``progress``): a learner's milestones, course progress and
functional skills, under /users/<pk>/."""

from django.urls import include, path

from . import views

app_name = "progress"

# /users/<pk>/milestones/...
milestone_patterns = [
    path("", views.milestone_list, name="milestone_list"),
    path("add/", views.milestone_add, name="milestone_add"),
    path("<int:milestone_pk>/", views.milestone_detail, name="milestone_detail"),
    path("<int:milestone_pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("<int:milestone_pk>/delete/", views.milestone_delete, name="milestone_delete"),
]

# /users/<pk>/courses/...
course_patterns = [
    path("", views.course_list, name="course_list"),
    path("start/", views.course_start, name="course_start"),
    path("<int:course_pk>/edit/", views.course_edit, name="course_edit"),
]

# /users/<pk>/functional-skills/...
functional_skill_patterns = [
    path("", views.functional_skill_list, name="functional_skill_list"),
    path("add/", views.functional_skill_add, name="functional_skill_add"),
    path("<int:assessment_pk>/edit/", views.functional_skill_edit, name="functional_skill_edit"),
    path(
        "<int:assessment_pk>/evidence/",
        views.functional_skill_evidence,
        name="functional_skill_evidence",
    ),
]

urlpatterns = [
    path("users/<int:pk>/milestones/", include(milestone_patterns)),
    path("users/<int:pk>/courses/", include(course_patterns)),
    path("users/<int:pk>/functional-skills/", include(functional_skill_patterns)),
]
