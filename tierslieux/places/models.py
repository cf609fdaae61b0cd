"""The directory of tiers-lieux."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tierslieux.core.links import validate_http_url, validate_social_links
from tierslieux.core.models import BaseModel
from tierslieux.core.text import normalize
from tierslieux.territory.models import Commune


class PlaceKind(models.TextChoices):
    COWORKING = "coworking", _("Coworking / shared offices")
    FABLAB = "fablab", _("Fablab")
    CRAFT_WORKSHOP = "craft_workshop", _("Shared craft workshop")
    SHARED_FARMLAND = "shared_farmland", _("Shared farmland")
    CULTURAL = "cultural", _("Cultural tiers-lieu")
    FOOD = "food", _("Food tiers-lieu")
    HYBRID = "hybrid", _("Hybrid tiers-lieu")


class PlaceService(models.TextChoices):
    """Services beyond the workspace."""

    DIGITAL_MEDIATION = "digital_mediation", _("Digital mediation")
    CULTURAL_ACTION = "cultural_action", _("Cultural activities")
    CAFE = "cafe", _("Community café")
    TRAINING = "training", _("Training")
    LEARNING_SPACE = "learning_space", _("Learning space")
    PUBLIC_SERVICES = "public_services", _("Public services desk")
    MEETING_ROOMS = "meeting_rooms", _("Meeting rooms")
    FABRICATION = "fabrication", _("Fabrication tools")
    BUSINESS_SUPPORT = "business_support", _("Business support")
    CHILDCARE = "childcare", _("Childcare")
    FOOD_SHOP = "food_shop", _("Local food shop")
    ACCOMMODATION = "accommodation", _("Accommodation")


class PlaceState(models.TextChoices):
    PROJECT = "project", _("In project")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class LegalForm(models.TextChoices):
    """Management mode, with the Région's layer codes where it has one."""

    UNIVERSITY = "82", _("University")
    DEPARTEMENT = "83", _("Département")
    GIP = "84", _("GIP")
    COMMUNE = "85", _("Commune")
    EPCI = "86", _("EPCI")
    SPL = "89", _("SPL")
    SAS = "132", _("SAS")
    SARL = "133", _("SARL")
    SCIC = "134", _("SCIC")
    SCOP = "135", _("SCOP")
    ASSOCIATION = "136", _("Association")
    OTHER = "other", _("Other")


class Occupancy(models.TextChoices):
    OWNER = "owner", _("Owner")
    RENTED = "rented", _("Rented")
    LENT_BY_AUTHORITY = "lent_by_authority", _("Lent by a local authority")


class PlaceSource(models.TextChoices):
    CGET_2019 = "cget_2019", _("CGET / ANCT census 2019")
    FRANCE_TIERS_LIEUX = "france_tiers_lieux", _("France Tiers-Lieux census")
    REGION_LAYER = "region_layer", _("Région layer")
    GEOJSON = "geojson", _("GeoJSON file")
    PROPOSAL = "proposal", _("Proposal")
    MANUAL = "manual", _("Entered by staff")
    DEMO = "demo", _("Demo data (made up)")


class LocationPrecision(models.TextChoices):
    ADDRESS = "address", _("Address")
    COMMUNE = "commune", _("Commune (town hall)")


SOURCE_ATTRIBUTIONS: dict[str, str] = {
    PlaceSource.CGET_2019: "CGET / ANCT, Mission Coworking, 2019 (Licence Ouverte 2.0)",
    PlaceSource.FRANCE_TIERS_LIEUX: "France Tiers-Lieux, recensement (Licence Ouverte 2.0)",
    PlaceSource.REGION_LAYER: "Région Nouvelle-Aquitaine",
}


class PlaceQuerySet(models.QuerySet):
    def published(self) -> "PlaceQuerySet":
        """Places shown to the public (staff reviewed them)."""
        return self.filter(is_published=True)

    def open_on(self, date: datetime.date) -> "PlaceQuerySet":
        """Places open on ``date``: opened (date unknown counts as opened) and not yet closed."""
        return self.exclude(state=PlaceState.PROJECT).filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=date),
            Q(closed_on__isnull=True) | Q(closed_on__gt=date),
        )

    def with_kind(self, kind: str) -> "PlaceQuerySet":
        """Places having ``kind`` among their kinds (a JSON list, matched on both databases)."""
        return self.filter(kinds__icontains=f'"{kind}"')

    def with_service(self, service: str) -> "PlaceQuerySet":
        """Places offering ``service``."""
        return self.filter(services__icontains=f'"{service}"')


class Place(BaseModel):
    """A tiers-lieu of the directory."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    services = models.JSONField(_("services beyond the workspace"), default=list, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=PlaceState.choices, default=PlaceState.OPEN
    )
    project_since = models.DateField(_("in project since"), null=True, blank=True)
    opened_on = models.DateField(_("open since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city (as written)"), max_length=100, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="places"
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    location_precision = models.CharField(
        _("location precision"),
        max_length=10,
        choices=LocationPrecision.choices,
        default=LocationPrecision.ADDRESS,
    )

    legal_form = models.CharField(
        _("legal form / management"), max_length=6, choices=LegalForm.choices, blank=True
    )
    occupancy = models.CharField(
        _("premises occupancy"), max_length=20, choices=Occupancy.choices, blank=True
    )
    yearly_rent = models.DecimalField(
        _("yearly rent (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    surface_m2 = models.PositiveIntegerField(_("surface (m²)"), null=True, blank=True)
    workstations = models.PositiveIntegerField(_("workstations"), null=True, blank=True)
    staff_fte = models.DecimalField(
        _("staff (full-time equivalent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    pmr_accessible = models.BooleanField(_("accessible to reduced mobility"), null=True, blank=True)
    fibre_access = models.BooleanField(_("fibre access"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)

    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(
        _("website"), max_length=300, blank=True, validators=[validate_http_url]
    )
    social_links = models.JSONField(
        _("social networks"), default=dict, blank=True, validators=[validate_social_links]
    )

    source = models.CharField(_("source"), max_length=20, choices=PlaceSource.choices)
    source_id = models.CharField(_("id in the source"), max_length=100, blank=True)
    source_date = models.DateField(_("date of the source"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    search_text = models.TextField(editable=False, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiers-lieu")
        verbose_name_plural = _("tiers-lieux")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="places_place_unique_source_id",
            ),
            models.CheckConstraint(
                condition=Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="places_place_coordinates_range",
            ),
            models.CheckConstraint(
                condition=~Q(state=PlaceState.CLOSED) | Q(closed_on__isnull=False),
                name="places_place_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="places_place_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(yearly_rent__isnull=True) | Q(yearly_rent__gte=0),
                name="places_place_rent_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "state"]),
            # The directory's order (name, id): a page of a list reads 50 rows, not a sort of all.
            models.Index(fields=["name", "id"], name="places_place_name_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        """Accent-free text searched by the directory (name, description, place, offer)."""
        parts = [
            self.name,
            self.description,
            self.address,
            self.city,
            self.postcode,
            *self.get_kinds_display(),
            *self.get_services_display(),
        ]
        if self.commune_id:
            parts.append(self.commune.name)
        return normalize(" ".join(p for p in parts if p))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("places:place_detail", args=[self.pk])

    @property
    def attribution(self) -> str:
        return SOURCE_ATTRIBUTIONS.get(self.source, "")

    def get_kinds_display(self) -> list[str]:
        return [str(PlaceKind(k).label) for k in self.kinds if k in PlaceKind.values]

    def get_services_display(self) -> list[str]:
        return [str(PlaceService(s).label) for s in self.services if s in PlaceService.values]


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PlaceProposal(BaseModel):
    """A new place or a correction proposed by a visitor or a manager, until staff review it."""

    place = models.ForeignKey(
        Place,
        verbose_name=_("place corrected"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
    )
    data = models.JSONField(_("proposed values"))
    comment = models.TextField(_("comment"), blank=True)
    proposer_name = models.CharField(_("your name"), max_length=100)
    proposer_email = models.EmailField(_("your e-mail"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.data.get("name") or self.place or self.pk)

    @property
    def is_new_place(self) -> bool:
        return self.place_id is None
