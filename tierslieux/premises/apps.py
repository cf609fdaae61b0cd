from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "tierslieux.premises"
    label = "premises"
    verbose_name = _("Public premises on offer")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.core.permissions import register_object_rule, register_region_of
        from tierslieux.premises.mesh import PREMISES_CANDIDATES
        from tierslieux.premises.models import PremisesOffer
        from tierslieux.premises.selectors import user_may_manage_offer, user_may_view_offer
        from tierslieux.territory.candidates import candidates_source_register

        register_object_rule("premises.offer_manage", user_may_manage_offer)
        register_object_rule("premises.offer_view", user_may_view_offer)
        # An offer is of its commune's region: staff of another region do not manage it.
        register_region_of(PremisesOffer, lambda offer: offer.commune.departement.region_code)
        candidates_source_register("premises", PREMISES_CANDIDATES)
        auditlog.register(PremisesOffer)
