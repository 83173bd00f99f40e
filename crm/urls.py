from django.urls import path

from . import activity_views, views

app_name = "crm"

# Mounted at the root: a learner's notes live at /users/<pk>/notes/, the portal-wide
# Activities page at /activities/ and a CRM contact's page at /crm/contacts/<id>/.
urlpatterns = [
    path("users/<int:pk>/notes/", views.note_list, name="notes"),
    path("users/<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("users/<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="note_edit"),
    path("users/<int:pk>/contacts/", views.contact_list, name="contacts"),
    path("users/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "users/<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("users/<int:pk>/activities/", activity_views.activity_list, name="activities"),
    path("users/<int:pk>/activities/add/", activity_views.activity_add, name="activity_add"),
    path(
        "users/<int:pk>/activities/<int:activity_pk>/edit/",
        activity_views.activity_edit,
        name="activity_edit",
    ),
    path(
        "users/<int:pk>/activities/export.csv",
        activity_views.activity_export,
        name="activity_export",
    ),
    path("activities/", activity_views.activity_index, name="activity_index"),
    path(
        "activities/export.csv",
        activity_views.activity_index_export,
        name="activity_index_export",
    ),
    path("crm/contacts/<int:contact_pk>/", activity_views.contact_detail, name="contact_detail"),
]
