from django.urls import path

from tierslieux.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.territory_detail, name="territory_detail"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
    path("synthese-departements/", views.departement_summary_run, name="departement_summary_run"),
    path(
        "synthese-departements/<int:pk>/",
        views.departement_summary_result,
        name="departement_summary_result",
    ),
]
