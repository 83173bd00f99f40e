"""The signed-in person's own notifications: /notifications/..."""

from django.urls import path

from . import notification_views

app_name = "notifications"

urlpatterns = [
    path("", notification_views.notification_list, name="list"),
    path("<int:pk>/", notification_views.notification_open, name="open"),
    path("read/", notification_views.notification_mark_all_read, name="mark_all_read"),
    path("unread/", notification_views.notification_badge, name="badge"),
]
