from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tierslieux.api"
    label = "api"
    verbose_name = "API"
