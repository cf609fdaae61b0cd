from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tierslieux.dashboard"
    label = "dashboard"
    verbose_name = _("Policy evaluation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tierslieux.dashboard.models import OtherGrant
        from tierslieux.dashboard.views_programme import programme_grants_panel
        from tierslieux.network.panels import programme_panel_register

        auditlog.register(OtherGrant)
        # The programme page shows its yearly grants without network importing the dashboard.
        programme_panel_register(programme_grants_panel)
