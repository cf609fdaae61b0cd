from django.urls import path

from tierslieux.places import views_opendata

# Included by places/urls.py, inside the "places" namespace.
urlpatterns = [
    path("donnees/tiers-lieux.csv", views_opendata.opendata_csv, name="opendata_csv"),
    path("donnees/tiers-lieux.geojson", views_opendata.opendata_geojson, name="opendata_geojson"),
]
