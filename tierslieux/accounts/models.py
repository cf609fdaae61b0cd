"""Users and the organisations they act for. Roles are groups (``tierslieux.core.roles``)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import BaseModel


class OrganisationKind(models.TextChoices):
    """What an organisation is, for the policy."""

    REGION = "region", _("Region")
    NETWORK = "network", _("Regional network")
    STATE = "state", _("State / prefecture")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company (SCIC, SCOP, SAS, ...)")
    OTHER = "other", _("Other")


class Organisation(BaseModel):
    """A body a user acts for: a project holder's structure, a local authority, the network."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="accounts_organisation_unique_siret",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with an account. Their roles are their groups."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
