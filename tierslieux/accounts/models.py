"""Users and the organisations they act for. Roles are groups (``tierslieux.core.roles``)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import BaseModel
from tierslieux.core.roles import Role

RNA_PATTERN = r"^W\d{9}$"
"""An association's number in the Répertoire national des associations (SCDL rnaBeneficiaire)."""


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
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                RNA_PATTERN,
                _("An RNA number is W followed by 9 digits (e.g. W332001234)."),
                code="rna",
            )
        ],
        help_text=_("Associations only: their number in the national register of associations."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="accounts_organisation_unique_siret",
            ),
            models.CheckConstraint(
                condition=models.Q(rna="") | models.Q(rna__regex=RNA_PATTERN),
                name="accounts_organisation_rna_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserOrigin(models.TextChoices):
    """How an account came to exist (which one-time links may activate it)."""

    STAFF = "staff", _("Created by the Région's team")
    SIGNUP = "signup", _("Self-registration")
    INVITATION = "invitation", _("Invitation")


def default_region_code() -> str:
    """Staff roles are held for the deployment's home region unless told otherwise."""
    return settings.TERRITORY_REGION_CODE


class User(AbstractUser):
    """A person with an account. Their roles are their groups.

    A self-registered account is created inactive (``origin=signup``, ``email_confirmed_at``
    empty) and activated by the link sent to its address; an invited one is created inactive
    with an unusable password and activated when its holder sets a password from the link.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=UserOrigin.choices, default=UserOrigin.STAFF
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    region_code = models.CharField(
        _("region"),
        max_length=3,
        default=default_region_code,
        db_index=True,
        help_text=_(
            "INSEE code of the region whose files the staff roles of this account reach "
            "(instructor, network, local authority, reader). Holders see their own files "
            "whatever the region; a national reader reads every region."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def awaits_confirmation(self) -> bool:
        """A self-registered account whose address was never confirmed (cannot log in yet)."""
        return (
            self.origin == UserOrigin.SIGNUP
            and self.email_confirmed_at is None
            and not self.is_active
        )


class InvitationState(models.TextChoices):
    """Where an invitation stands."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(BaseModel):
    """A partner invited by the Région's team: the account exists, inactive, until its holder
    sets a password from the link sent by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region_code = models.CharField(
        _("region"),
        max_length=3,
        default=default_region_code,
        help_text=_("The region whose files the invited role reaches."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    sent_at = models.DateTimeField(_("last sent at"))
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    ended_at = models.DateTimeField(_("accepted or cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(state="pending"),
                name="accounts_invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email
