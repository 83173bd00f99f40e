from django.urls import path

from . import views

app_name = "crm"

# Mounted under /users/, so a learner's notes live at /users/<pk>/notes/.
urlpatterns = [
    path("<int:pk>/notes/", views.note_list, name="notes"),
    path("<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="note_edit"),
    path("<int:pk>/contacts/", views.contact_list, name="contacts"),
    path("<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/remove/", views.contact_remove, name="contact_remove"),
]
