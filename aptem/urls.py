from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from users.forms import LoginForm

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="users:list"), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("users/", include("users.urls")),
    path("users/", include("crm.urls")),
    path("users/", include("activity.urls")),
    path("users/", include("documents.urls")),
    path("", include("programmes.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
