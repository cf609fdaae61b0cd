"""Public premises offered by local authorities (issue 15): the offer, its photos, its log."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import BaseModel, TransitionLog
from tierslieux.premises.workflow import InterestState, PremisesState


class BuildingState(models.TextChoices):
    READY = "ready", _("Ready to use")
    LIGHT_WORKS = "light_works", _("Light works needed")
    HEAVY_WORKS = "heavy_works", _("Heavy works needed")


class PremisesOffer(BaseModel):
    """A vacant or under-used public building a local authority offers at a moderate rent."""

    authority = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("offering authority"),
        on_delete=models.PROTECT,
        related_name="premises_offers",
    )
    title = models.CharField(_("name of the building"), max_length=200)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="premises_offers",
    )
    address = models.CharField(_("address"), max_length=300)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    surface_m2 = models.DecimalField(
        _("surface (m²)"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"), default=1)
    building_state = models.CharField(
        _("state of the building"), max_length=12, choices=BuildingState.choices
    )
    rent_per_m2_month = models.DecimalField(
        _("proposed rent per m² and month (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reference_rent_per_m2_month = models.DecimalField(
        _("reference market rent per m² and month (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    available_on = models.DateField(_("available from"), null=True, blank=True)
    accessible = models.BooleanField(_("accessible to people with reduced mobility"), default=False)
    fibre = models.BooleanField(_("fibre broadband"), default=False)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    state = models.CharField(
        _("status"), max_length=12, choices=PremisesState.choices, default=PremisesState.DRAFT
    )
    # The match with the mesh (services.premises_offer_match_compute).
    white_zone = models.BooleanField(_("commune in a white zone"), null=True, blank=True)
    minutes_to_nearest_place = models.FloatField(
        _("minutes to the nearest open tiers-lieu"), null=True, blank=True
    )
    inhabitants_brought = models.PositiveIntegerField(
        _("inhabitants newly within the threshold"), null=True, blank=True
    )
    creation_eligible = models.BooleanField(
        _("a creation project here would be eligible"), null=True, blank=True
    )
    match_computed_at = models.DateTimeField(_("match computed at"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Made up by the demo records (tierslieux/demo): never in the open data."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("premises offer")
        verbose_name_plural = _("premises offers")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_m2__gt=0), name="premises_offer_surface_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(rent_per_m2_month__gte=0), name="premises_offer_rent_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reference_rent_per_m2_month__isnull=True)
                | Q(reference_rent_per_m2_month__gt=0),
                name="premises_offer_reference_gt_0",
            ),
        ]
        indexes = [models.Index(fields=["state", "inhabitants_brought"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.commune_id})"

    @property
    def rent_share_of_market(self) -> Decimal | None:
        """Proposed rent over the reference market rent (0.50 = half the market), 2 decimals."""
        if not self.reference_rent_per_m2_month:
            return None
        return (self.rent_per_m2_month / self.reference_rent_per_m2_month).quantize(Decimal("0.01"))


class PremisesPhoto(BaseModel):
    """A photo of an offer, checked as an image (``core.uploads``) before it is stored."""

    offer = models.ForeignKey(
        PremisesOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="premises/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["offer", "pk"]

    def __str__(self) -> str:
        return self.name


class PremisesOfferLog(TransitionLog):
    """One state change of an offer (``core.workflow``)."""

    offer = models.ForeignKey(
        PremisesOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="logs"
    )

    class Meta:
        verbose_name = _("premises offer event")
        verbose_name_plural = _("premises offer events")
        ordering = ["offer", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.offer}: {self.from_state} -> {self.to_state}"


class PremisesInterest(BaseModel):
    """A project holder's interest in an offer, for one application or one pipeline project."""

    offer = models.ForeignKey(
        PremisesOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="interests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("project holder"),
        on_delete=models.PROTECT,
        related_name="premises_interests",
    )
    application = models.ForeignKey(
        "calls.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="premises_interests",
    )
    journal_entry = models.ForeignKey(
        "agreements.JournalEntry",
        verbose_name=_("project of the pipeline"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="premises_interests",
    )
    project_label = models.CharField(_("project"), max_length=200)
    message = models.TextField(_("message to the authority"), blank=True, max_length=2000)
    state = models.CharField(
        _("status"),
        max_length=12,
        choices=InterestState.choices,
        default=InterestState.INTERESTED,
    )
    agreement = models.OneToOneField(
        "agreements.PremisesAgreement",
        verbose_name=_("premises agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="premises_interest",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expressed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interest in premises")
        verbose_name_plural = _("interests in premises")
        ordering = ["offer", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, journal_entry__isnull=True)
                | Q(application__isnull=True, journal_entry__isnull=False),
                name="premises_interest_one_project",
            ),
            models.UniqueConstraint(
                fields=["offer", "application"],
                condition=Q(state="interested", application__isnull=False),
                name="premises_interest_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["offer", "journal_entry"],
                condition=Q(state="interested", journal_entry__isnull=False),
                name="premises_interest_once_per_entry",
            ),
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(state="accepted"),
                name="premises_interest_one_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_label} → {self.offer}"


class PremisesInterestLog(TransitionLog):
    """One state change of an interest (``core.workflow``); its creation is logged from ""."""

    interest = models.ForeignKey(
        PremisesInterest,
        verbose_name=_("interest"),
        on_delete=models.CASCADE,
        related_name="logs",
    )

    class Meta:
        verbose_name = _("interest event")
        verbose_name_plural = _("interest events")
        ordering = ["interest", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.interest}: {self.from_state} -> {self.to_state}"
