from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "tierslieux.places"
    label = "places"
    verbose_name = _("Directory of tiers-lieux")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tierslieux.places.models import Place, PlaceProposal

        auditlog.register(Place, exclude_fields=["search_text"])
        auditlog.register(PlaceProposal)
