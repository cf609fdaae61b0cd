from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tierslieux.dashboard"
    label = "dashboard"
    verbose_name = _("Policy evaluation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tierslieux.dashboard.models import OtherGrant

        auditlog.register(OtherGrant)
