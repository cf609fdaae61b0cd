from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tierslieux.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Inside ready(): models (and modules importing them) load only once the registry is.
        from auditlog.registry import auditlog

        from tierslieux.accounts.models import Invitation, Organisation, User
        from tierslieux.core.permissions import register_region_of

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        auditlog.register(Organisation)
        auditlog.register(Invitation)
        # An invitation gives a role held for its region (ADR 0029).
        register_region_of(Invitation, lambda invitation: invitation.region_code)
