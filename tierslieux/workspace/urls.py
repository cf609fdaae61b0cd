"""The home page and each user's start page (mounted at the site's root)."""

from django.urls import path

from tierslieux.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("mon-espace/", views.start, name="start"),
]
