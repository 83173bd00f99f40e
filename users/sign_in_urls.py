"""Signing in, at the site root with un-namespaced names ("login" is settings.LOGIN_URL)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import security_views

urlpatterns = [
    path("login/", security_views.login, name="login"),
    path("login/code/", security_views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
