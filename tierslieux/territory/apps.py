from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "tierslieux.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from tierslieux.territory import checks  # noqa: F401  (registers the system checks)
