from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PremisesConfig(AppConfig):
    name = "tierslieux.premises"
    label = "premises"
    verbose_name = _("Public premises on offer")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.core.permissions import register_object_rule
        from tierslieux.premises.mesh import PREMISES_CANDIDATES
        from tierslieux.premises.models import PremisesInterest, PremisesOffer
        from tierslieux.premises.selectors import (
            user_may_decide_interest,
            user_may_manage_offer,
            user_may_view_offer,
            user_may_withdraw_interest,
        )
        from tierslieux.territory.candidates import candidates_source_register

        register_object_rule("premises.offer_manage", user_may_manage_offer)
        register_object_rule("premises.offer_view", user_may_view_offer)
        register_object_rule("premises.interest_decide", user_may_decide_interest)
        register_object_rule("premises.interest_withdraw", user_may_withdraw_interest)
        candidates_source_register("premises", PREMISES_CANDIDATES)
        auditlog.register(PremisesOffer)
        auditlog.register(PremisesInterest)
