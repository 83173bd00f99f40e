from django.urls import path

from . import template_views, views

app_name = "reviews"

# Mounted at the root: a learner's reviews live under /users/<pk>/, the templates under the
# programme they belong to (Manage Programmes).
urlpatterns = [
    path("users/<int:pk>/reviews/", views.review_list, name="list"),
    path("users/<int:pk>/reviews/plan/", views.review_plan, name="plan"),
    path("users/<int:pk>/reviews/start/", views.review_start, name="start"),
    path("users/<int:pk>/reviews/<int:review_pk>/", views.review_detail, name="detail"),
    path(
        "users/<int:pk>/reviews/<int:review_pk>/start/",
        views.review_start,
        name="start_planned",
    ),
    path("users/<int:pk>/reviews/<int:review_pk>/form/", views.review_form, name="form"),
    path(
        "users/<int:pk>/reviews/<int:review_pk>/reschedule/",
        views.review_reschedule,
        name="reschedule",
    ),
    path(
        "users/<int:pk>/reviews/<int:review_pk>/reassign/",
        views.review_reassign,
        name="reassign",
    ),
    path("users/<int:pk>/review-documents/", views.document_list, name="documents"),
    path(
        "programmes/<int:programme_pk>/review-templates/",
        template_views.template_list,
        name="templates",
    ),
    path(
        "programmes/<int:programme_pk>/review-templates/add/",
        template_views.template_add,
        name="template_add",
    ),
    path(
        "programmes/<int:programme_pk>/review-templates/clone/",
        template_views.template_clone,
        name="template_clone",
    ),
    path("review-templates/<int:pk>/", template_views.template_edit, name="template_edit"),
    path(
        "review-templates/<int:pk>/sections/add/",
        template_views.section_form,
        name="section_add",
    ),
    path(
        "review-templates/<int:pk>/sections/<int:section_pk>/edit/",
        template_views.section_form,
        name="section_edit",
    ),
    path(
        "review-templates/<int:pk>/sections/<int:section_pk>/move/<str:direction>/",
        template_views.section_move,
        name="section_move",
    ),
    path(
        "review-templates/<int:pk>/sections/<int:section_pk>/delete/",
        template_views.section_delete,
        name="section_delete",
    ),
    path(
        "review-templates/<int:pk>/sections/<int:section_pk>/questions/add/",
        template_views.question_form,
        name="question_add",
    ),
    path(
        "review-templates/<int:pk>/questions/<int:question_pk>/edit/",
        template_views.question_form,
        name="question_edit",
    ),
    path(
        "review-templates/<int:pk>/questions/<int:question_pk>/move/<str:direction>/",
        template_views.question_move,
        name="question_move",
    ),
    path(
        "review-templates/<int:pk>/questions/<int:question_pk>/delete/",
        template_views.question_delete,
        name="question_delete",
    ),
]
