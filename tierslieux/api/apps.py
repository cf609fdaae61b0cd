from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tierslieux.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from tierslieux.api import checks  # noqa: F401  (registers the system checks)
