from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/download/", views.export_download, name="download"),
    path("<int:pk>/start-again/", views.export_start_again, name="start_again"),
]
