"""The site root, un-namespaced ("home" is what the layout's brand links to): each user's start
page, which depends on who they are, so it lives in the top floor that knows every page."""

from django.urls import path

from . import me_views

urlpatterns = [
    path("", me_views.home, name="home"),
]
