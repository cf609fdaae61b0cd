from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "tierslieux.places"
    label = "places"
    verbose_name = _("Directory of tiers-lieux")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.places.mesh import PLACES_SOURCE
        from tierslieux.places.models import Place, PlaceProposal
        from tierslieux.territory.mesh import places_source_register

        auditlog.register(Place, exclude_fields=["search_text"])
        auditlog.register(PlaceProposal)
        places_source_register(PLACES_SOURCE)
