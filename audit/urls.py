from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("users/<int:pk>/", views.audit_trail, name="trail"),
    path("users/<int:pk>/export.csv", views.audit_export, name="export"),
]
