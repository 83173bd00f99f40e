from django.urls import path

from . import views
from .odata import views as odata_views

app_name = "reporting"

urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/<int:pk>/", views.export_detail, name="detail"),
    path("exports/<int:pk>/download/", views.export_download, name="download"),
    path("exports/<int:pk>/start-again/", views.export_start_again, name="start_again"),
    path("odata/dictionary/", odata_views.dictionary, name="odata_dictionary"),
    path("odata/dictionary.csv", odata_views.dictionary_csv, name="odata_dictionary_csv"),
    path("account/api-tokens/", odata_views.token_list, name="token_list"),
    path("account/api-tokens/<int:pk>/revoke/", odata_views.token_revoke, name="token_revoke"),
]
