"""The open data page and its files (under /donnees/, namespace ``opendata``)."""

from django.urls import path

from tierslieux.api.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("subventions-scdl.csv", views.scdl_csv, name="scdl_csv"),
    path("<slug:slug>.xlsx", views.dataset_xlsx, name="dataset_xlsx"),
    path("schemas/<str:name>", views.schema, name="schema"),
]
