from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "tierslieux.premises"
    label = "premises"
    verbose_name = _("Public premises on offer")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.core.permissions import register_object_rule, register_region_of
        from tierslieux.places.changes import places_changed_subscribe
        from tierslieux.places.map_layers import MapLayer, map_layer_register
        from tierslieux.premises.mesh import PREMISES_CANDIDATES
        from tierslieux.premises.models import PremisesInterest, PremisesOffer
        from tierslieux.premises.selectors import (
            user_may_decide_interest,
            user_may_manage_offer,
            user_may_view_offer,
            user_may_withdraw_interest,
        )
        from tierslieux.premises.tasks import premises_match_recompute_enqueue
        from tierslieux.territory.candidates import candidates_source_register

        register_object_rule("premises.offer_manage", user_may_manage_offer)
        register_object_rule("premises.offer_view", user_may_view_offer)
        # An offer is of its commune's region: staff of another region do not manage it.
        register_region_of(PremisesOffer, lambda offer: offer.commune.departement.region_code)
        register_object_rule("premises.interest_decide", user_may_decide_interest)
        register_object_rule("premises.interest_withdraw", user_may_withdraw_interest)
        candidates_source_register(
            "premises", PREMISES_CANDIDATES, label=_("Public premises on offer (published)")
        )
        places_changed_subscribe("premises.match", premises_match_recompute_enqueue)
        map_layer_register(
            MapLayer(
                key="premises",
                label=_("Public premises on offer"),
                url_name="premises:offer_geojson",
                figure_label=_(
                    "%(count)s inhabitants would newly have a tiers-lieu within %(minutes)s minutes"
                ),
                figure_values=lambda: {"minutes": f"{settings.MESH_THRESHOLD_MINUTES:g}"},
            )
        )
        auditlog.register(PremisesOffer)
        auditlog.register(PremisesInterest)
