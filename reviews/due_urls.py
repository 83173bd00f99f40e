"""The review schedule's URLs, mounted at the site root (aptem/urls.py): the Reviews due page
and the review data exports, one learner's sitting beside their other /users/<id>/ pages."""

from django.urls import path

from . import due_views

app_name = "reviews_due"

urlpatterns = [
    path("reviews/due/", due_views.due_list, name="list"),
    path("reviews/due/export.csv", due_views.due_export, name="export"),
    path("reviews/export/", due_views.reviews_export, name="reviews_export"),
    path(
        "users/<int:pk>/reviews/export.csv",
        due_views.learner_reviews_export,
        name="learner_export",
    ),
]
