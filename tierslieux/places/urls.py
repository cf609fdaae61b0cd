from django.urls import include, path

from tierslieux.places import views

app_name = "places"
urlpatterns = [
    path("", views.place_list, name="place_list"),
    path("<int:pk>/", views.place_detail, name="place_detail"),
    path("proposer/", views.proposal_create, name="proposal_create"),
    path("<int:pk>/corriger/", views.proposal_create, name="proposal_correct"),
    path("propositions/", views.proposal_list, name="proposal_list"),
    path("propositions/<int:pk>/", views.proposal_review, name="proposal_review"),
    path("import/", views.place_import, name="place_import"),
    path("import/<int:pk>/", views.place_import_result, name="place_import_result"),
    path("import/<int:pk>/", views.place_import_result, name="place_import_result"),
    path("", include("tierslieux.places.urls_map")),
    path("", include("tierslieux.places.urls_opendata")),
]
