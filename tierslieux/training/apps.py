from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tierslieux.training"
    label = "training"
    verbose_name = _("Training catalogue of the regional network")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tierslieux.places.panels import place_panel_register
        from tierslieux.training import models
        from tierslieux.training.views import place_sessions_panel

        auditlog.register(models.Course)
        auditlog.register(models.Session)
        auditlog.register(models.Registration, exclude_fields=["token_hash"])
        # The place page shows its upcoming sessions without places importing training.
        place_panel_register(place_sessions_panel)
