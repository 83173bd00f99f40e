"""The root URLconf. It names each app's URLconf by its dotted path (like INSTALLED_APPS), so
aptem, the bottom layer, imports none of the apps above it."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:user_list"), name="home"),
    path("", include("users.sign_in_urls")),
    path("health/", views.health, name="health"),
    path("account/", include("users.account_urls")),
    path("", include("portal.urls")),
    path("users/", include("users.urls")),
    path("users/", include("crm.urls")),
    path("users/", include("activity.urls")),
    path("users/", include("documents.urls")),
    path("", include("programmes.urls")),
    path("admin/", admin.site.urls),
]
