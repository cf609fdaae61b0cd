from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "tierslieux.agreements"
    label = "agreements"
    verbose_name = _("Agreements and follow-up")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.agreements import models
        from tierslieux.agreements.scope import regions_register
        from tierslieux.agreements.selectors import (
            user_may_agree_for_authority,
            user_may_view_agreement,
            user_may_view_premises_agreement,
        )
        from tierslieux.core.permissions import register_object_rule

        register_object_rule("agreements.agreement_view", user_may_view_agreement)
        register_object_rule("agreements.premises_view", user_may_view_premises_agreement)
        regions_register()
        register_object_rule("agreements.premises_from_match", user_may_agree_for_authority)

        auditlog.register(models.Agreement)
        auditlog.register(models.AgreementIndicator)
        auditlog.register(models.Milestone)
        auditlog.register(models.IndicatorValue)
        auditlog.register(models.PaymentTranche)
        auditlog.register(models.PremisesAgreement)
        auditlog.register(models.JournalEntry)
