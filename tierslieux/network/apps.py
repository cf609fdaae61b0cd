from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "tierslieux.network"
    label = "network"
    verbose_name = _("Partnership with the regional network")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tierslieux.network import models

        for model in (
            models.Programme,
            models.ProgrammeExtension,
            models.Objective,
            models.YearReport,
            models.SteeringMeeting,
            models.Resource,
        ):
            auditlog.register(model)
