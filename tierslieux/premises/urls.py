"""URLs of the premises on offer (mounted under /locaux-vacants/)."""

from django.urls import path

from tierslieux.premises import views, views_interest

app_name = "premises"

urlpatterns = [
    path("", views.offer_list, name="offer_list"),
    path("locaux-vacants.csv", views.offer_csv, name="offer_csv"),
    path("carte.geojson", views.offer_geojson, name="offer_geojson"),
    path("nouveau/", views.offer_create, name="offer_create"),
    path("<int:pk>/", views.offer_detail, name="offer_detail"),
    path("<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("<int:pk>/statut/", views.offer_transition, name="offer_transition"),
    path("<int:pk>/interet/", views_interest.interest_express, name="interest_express"),
    path("interet/<int:pk>/accepter/", views_interest.interest_accept, name="interest_accept"),
    path("interet/<int:pk>/refuser/", views_interest.interest_decline, name="interest_decline"),
    path("interet/<int:pk>/retirer/", views_interest.interest_withdraw, name="interest_withdraw"),
    path("photo/<int:pk>/", views_interest.photo_view, name="photo_view"),
]
