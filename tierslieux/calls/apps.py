from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "tierslieux.calls"
    label = "calls"
    verbose_name = _("Calls for expressions of interest")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.calls import models
        from tierslieux.calls.national import committed_cents_by_region
        from tierslieux.calls.scope import regions_register
        from tierslieux.calls.selectors import user_may_view_application
        from tierslieux.core.permissions import register_object_rule
        from tierslieux.territory.national import funds_source_register

        register_object_rule("calls.application_view", user_may_view_application)
        regions_register()
        register_object_rule(
            "calls.application_act_as_holder",
            lambda user, application: (
                user.organisation_id is not None
                and user.organisation_id == application.organisation_id
            ),
        )
        register_object_rule(
            "calls.opinion_give",
            lambda user, opinion: (
                user.organisation_id is not None and user.organisation_id == opinion.organisation_id
            ),
        )

        funds_source_register(committed_cents_by_region)
        auditlog.register(models.Call)
        auditlog.register(models.CallCriterion)
        auditlog.register(models.CallAidRule)
        auditlog.register(models.CallDepartementCeiling)
        auditlog.register(models.Application, m2m_fields={"instructors"})
        auditlog.register(models.ExpenseLine)
        auditlog.register(models.ResourceLine)
        auditlog.register(models.Assessment)
        auditlog.register(models.Opinion)
        auditlog.register(models.Decision)
        auditlog.register(models.ProjectReviewItem)
