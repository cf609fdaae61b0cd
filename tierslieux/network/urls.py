"""URLs of the partnership programme and the resources library (under /reseau/)."""

from django.urls import path

from tierslieux.network import views

app_name = "network"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/nouveau/", views.programme_edit, name="programme_create"),
    path("programmes/<int:pk>/modifier/", views.programme_edit, name="programme_update"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/prolonger/", views.programme_extend, name="programme_extend"),
    path("programmes/<int:pk>/objectifs/", views.objective_set, name="objective_set"),
    path("programmes/<int:pk>/<int:year>/rapport/", views.report_edit, name="report_edit"),
    path("programmes/<int:pk>/<int:year>/copil/", views.meeting_edit, name="meeting_edit"),
    path("ressources/", views.resource_list, name="resource_list"),
    path("ressources/nouvelle/", views.resource_create, name="resource_create"),
    path("ressources/<int:pk>/fichier/", views.resource_file, name="resource_file"),
    path("ressources/<int:pk>/supprimer/", views.resource_delete, name="resource_delete"),
]
