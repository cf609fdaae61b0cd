from django.urls import path

from tierslieux.territory import views, views_national

app_name = "territory"
urlpatterns = [
    path("", views.territory_detail, name="territory_detail"),
    path("communes/recherche/", views.commune_search, name="commune_search"),
    path("maillage/temps-communes.json", views.commune_times, name="commune_times"),
    path(
        "maillage/comparaison/<slug:kind>.<slug:format>",
        views_national.national_download,
        name="national_download",
    ),
    path("maillage/<slug:kind>.<slug:format>", views.mesh_download, name="mesh_download"),
    path("scenarios/", views.scenario_run, name="scenario_run"),
    path("scenarios/<int:pk>/", views.scenario_result, name="scenario_result"),
    path(
        "scenarios/<int:pk>/<slug:kind>.<slug:format>",
        views.mesh_download,
        name="mesh_download",
    ),
]
