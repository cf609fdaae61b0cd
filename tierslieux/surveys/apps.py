from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tierslieux.surveys"
    label = "surveys"
    verbose_name = _("Yearly survey of places (panorama)")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.surveys import models

        auditlog.register(models.Survey)
        auditlog.register(models.SurveyInvitation, exclude_fields=["token_hash"])
        auditlog.register(models.SurveyResponse)
