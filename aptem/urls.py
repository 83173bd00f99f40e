"""The root URLconf. It names each app's URLconf by its dotted path (like INSTALLED_APPS), so
aptem, the bottom layer, imports none of the apps above it."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("portal.home_urls")),
    path("", include("users.sign_in_urls")),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    path("account/", include("users.account_urls")),
    path("notifications/", include("users.notification_urls")),
    path("", include("portal.urls")),
    path("users/", include("users.urls")),
    # Notes, contacts and CRM activities (/users/<id>/notes/, /activities/, /crm/contacts/<id>/).
    path("", include("crm.urls")),
    path("users/", include("activity.urls")),
    path("users/", include("documents.urls")),
    path("me/documents/", include("documents.me_urls")),
    path("", include("signing.urls")),
    path("", include("programmes.urls")),
    # Exports (/exports/...), the OData dictionary and API tokens, and the OData feed itself.
    path("", include("reporting.urls")),
    path("odata/1.0/", include("reporting.odata.urls")),
    path("compliance/", include("compliance.urls")),
    path("", include("reviews.urls")),
    # Reviews due and the review data exports (/reviews/due/, /users/<id>/reviews/export.csv).
    path("", include("reviews.due_urls")),
    # A learner's trackers (/users/<id>/trackers/) and the Trackers page (/trackers/).
    path("", include("trackers.urls")),
    path("admin/", admin.site.urls),
]

# 403 and 404 use Django's own handlers, which render 403.html and 404.html with the request;
# 400 and 500 get the portal's layout too, safely (aptem.views._error_page).
handler400 = "aptem.views.bad_request"
handler500 = "aptem.views.server_error"
