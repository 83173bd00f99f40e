from django.urls import path

from . import security_views, views

app_name = "users"

urlpatterns = [
    path("create/<slug:user_type>/", views.user_create, name="create"),
    path("<int:pk>/edit/", views.user_edit, name="edit"),
    path("employer-people/", views.employer_people, name="employer_people"),
    path("<int:pk>/cancel/", views.user_cancel, name="cancel"),
    path("<int:pk>/reinstate/", views.user_reinstate, name="reinstate"),
    path("<int:pk>/extend/", views.user_extend, name="extend"),
    path("<int:pk>/archive/", views.user_archive, name="archive"),
    path("<int:pk>/invite/", views.invitation_send, name="invite"),
    path("<int:pk>/unlock/", security_views.user_unlock, name="unlock"),
    path("activate/<str:token>/", views.invitation_accept, name="activate"),
]
