from django.urls import path

from . import views

app_name = "trackers"

# Mounted at the root: a learner's trackers live under /users/<pk>/, the portal-wide list at
# /trackers/.
urlpatterns = [
    path("trackers/", views.tracker_index, name="index"),
    path("users/<int:pk>/trackers/", views.tracker_list, name="list"),
    path("users/<int:pk>/trackers/add/", views.tracker_add, name="add"),
    path("users/<int:pk>/trackers/<int:tracker_pk>/", views.tracker_detail, name="detail"),
    path("users/<int:pk>/trackers/<int:tracker_pk>/edit/", views.tracker_edit, name="edit"),
    path(
        "users/<int:pk>/trackers/<int:tracker_pk>/approve/", views.tracker_approve, name="approve"
    ),
    path("users/<int:pk>/trackers/<int:tracker_pk>/reject/", views.tracker_reject, name="reject"),
    path("users/<int:pk>/trackers/<int:tracker_pk>/notes/", views.tracker_note_add, name="note"),
    path("users/<int:pk>/trackers/<int:tracker_pk>/print/", views.tracker_print, name="print"),
    path("users/<int:pk>/trackers/<int:tracker_pk>/pdf/", views.tracker_pdf, name="pdf"),
]
