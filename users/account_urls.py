"""The signed-in administrator's own account pages: /account/..."""

from django.urls import path

from . import security_views

app_name = "account"

urlpatterns = [
    path("security/", security_views.account_security, name="security"),
    path("security/set-up/", security_views.two_factor_setup, name="setup"),
    path("security/turn-off/", security_views.two_factor_disable, name="disable"),
    path("security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("security/recovery-codes/new/", security_views.recovery_codes_new, name="new_codes"),
]
