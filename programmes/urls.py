"""Mounted at the site root by aptem/urls.py. The programmes app holds four URL namespaces:
``programmes`` (the catalogue under /programmes/, a learner's enrolments under
/users/<pk>/programmes/) and one per area, each with its own prefixes in its own module:
``ilr`` (programmes/ilr/urls.py), ``learning`` and ``progress``."""

from django.urls import include, path

from . import views

programme_patterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/create/", views.programme_create, name="create"),
    path("programmes/<int:programme_pk>/edit/", views.programme_edit, name="edit"),
    path("users/<int:pk>/programmes/", views.enrolment_list, name="enrolment_list"),
    path("users/<int:pk>/programmes/enrol/", views.enrolment_add, name="enrol"),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/edit/",
        views.enrolment_edit,
        name="enrolment_edit",
    ),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/status/",
        views.enrolment_status,
        name="enrolment_status",
    ),
    path(
        "users/<int:pk>/programmes/<int:enrolment_pk>/stop/",
        views.enrolment_stop,
        name="enrolment_stop",
    ),
]

# No app_name here: each include below brings its own namespace, so the areas are ilr:...,
# learning:..., progress:... rather than nested under programmes:.
urlpatterns = [
    path("", include((programme_patterns, "programmes"))),
    path("", include("programmes.ilr.urls")),
    path("", include("programmes.learning.urls")),
    path("", include("programmes.progress.urls")),
]
