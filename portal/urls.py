"""The top floor's pages, mounted at the site root: the Users page and its export, the profile
page, a user's audit trail (paths unchanged from when they lived in users and audit), and the
own page of those who are not administrators."""

from django.urls import path

from . import audit_views, mandate_views, me_views, views

app_name = "portal"

urlpatterns = [
    path("me/", me_views.my_home, name="my_home"),
    path("users/", views.user_list, name="user_list"),
    path("users/export.csv", views.user_export, name="user_export"),
    path("users/mandates/", mandate_views.user_mandates, name="user_mandates"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path(
        "users/profile-sections/<slug:key>/",
        views.profile_section_state,
        name="profile_section_state",
    ),
    path("audit/users/<int:pk>/", audit_views.audit_trail, name="audit_trail"),
    path("audit/users/<int:pk>/export.csv", audit_views.audit_export, name="audit_export"),
]
