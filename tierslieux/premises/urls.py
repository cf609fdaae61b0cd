"""URLs of the premises on offer (mounted under /locaux-vacants/)."""

from django.urls import path

from tierslieux.premises import views

app_name = "premises"

urlpatterns = [
    path("", views.offer_list, name="offer_list"),
    path("locaux-vacants.csv", views.offer_csv, name="offer_csv"),
    path("carte.geojson", views.offer_geojson, name="offer_geojson"),
    path("nouveau/", views.offer_create, name="offer_create"),
    path("<int:pk>/", views.offer_detail, name="offer_detail"),
    path("<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("<int:pk>/statut/", views.offer_transition, name="offer_transition"),
]
