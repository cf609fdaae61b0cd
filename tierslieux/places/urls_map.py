"""The public map and "near me" (included in the ``places`` namespace under /tiers-lieux/)."""

from django.urls import path

from tierslieux.places import views_map

urlpatterns = [
    path("carte/", views_map.place_map, name="place_map"),
    path("carte/tiers-lieux.geojson", views_map.places_geojson, name="places_geojson"),
    path("carte/contours.geojson", views_map.outlines_geojson, name="outlines_geojson"),
    path("carte/villes.json", views_map.towns_json, name="towns_json"),
    path("pres-de-chez-moi/", views_map.place_near, name="place_near"),
]
