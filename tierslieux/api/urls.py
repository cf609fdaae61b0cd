"""Mounted at ``api/`` by config/urls.py; URL names live in the "api" namespace."""

from tierslieux.api.api import api

urlpatterns = api.urls[0]
app_name = api.urls_namespace
