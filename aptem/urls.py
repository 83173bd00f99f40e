from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from users import security_views

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="users:list"), name="home"),
    path("login/", security_views.login, name="login"),
    path("login/code/", security_views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("account/", include("users.account_urls")),
    path("users/", include("users.urls")),
    path("users/", include("crm.urls")),
    path("users/", include("activity.urls")),
    path("users/", include("documents.urls")),
    path("", include("programmes.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
