"""The partnership programme of the Région with the regional network of tiers-lieux, and the
network's library of shared resources (issue 16, parts 4 and 5; ADR 0033).

A ``Programme`` runs from ``starts_on`` to ``ends_on`` and may be extended
(``ProgrammeExtension`` rows, the latest end wins). Each year of it has ``Objective`` rows (a
kind of deliverable and a target number), at most one ``YearReport`` of the network and at most
one ``SteeringMeeting`` with its minutes. The yearly grants are the dashboard's ``OtherGrant``
rows pointing at the programme (the dashboard sits above this app). What the network did is
computed from the records (``figures.py``), never typed in.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.storage import private_storage
from tierslieux.core.models import BaseModel


def resource_upload_to(instance: object, filename: str) -> str:
    """``network/resources/<random>.<ext>``: the user's file name never reaches the disk."""
    ext = Path(filename).suffix.lower().lstrip(".")
    return f"network/resources/{uuid.uuid4().hex}.{ext}"


class Programme(BaseModel):
    """A multi-year partnership programme (convention pluriannuelle) with the network."""

    title = models.CharField(_("title"), max_length=200)
    partner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("network (partner)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_programmes",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on (as first signed)"))
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Made up to try the product (demo data); shown as such on every page."),
    )

    class Meta:
        verbose_name = _("partnership programme")
        verbose_name_plural = _("partnership programmes")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="network_programme_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:programme_detail", args=[self.pk])

    def current_end(self, extensions: list["ProgrammeExtension"] | None = None) -> datetime.date:
        """The end of the programme after its extensions (the latest end)."""
        ends = [
            e.ends_on for e in (extensions if extensions is not None else self.extensions.all())
        ]
        return max([self.ends_on, *ends])

    def years(self, extensions: list["ProgrammeExtension"] | None = None) -> list[int]:
        return list(range(self.starts_on.year, self.current_end(extensions).year + 1))


class ProgrammeExtension(BaseModel):
    """An amendment extending the programme to a later end (e.g. 2018-2020 extended to 2021)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="extensions"
    )
    ends_on = models.DateField(_("new end"))
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["ends_on", "pk"]

    def __str__(self) -> str:
        return f"{self.programme} → {self.ends_on:%d/%m/%Y}"


class ObjectiveKind(models.TextChoices):
    """The deliverables of the network, each computed from the product's records."""

    PLACES_ACCOMPANIED = "places_accompanied", _("Places and projects accompanied")
    TRAININGS_DELIVERED = "trainings_delivered", _("Training sessions delivered")
    TRAINEES = "trainees", _("Trainees who attended a session")
    CERTIFICATIONS = "certifications", _("Facilitators certified")
    RESOURCES_PRODUCED = "resources_produced", _("Resources produced")
    PROJECT_REVIEWS = "project_reviews", _("Project reviews held")
    JOURNAL_ENTRIES = "journal_entries", _("Accompaniment journal entries")


class Objective(BaseModel):
    """A yearly objective of the programme: a deliverable and its target number. The
    network's own figure (``declared``) may be given in its yearly report, beside the one
    computed from the records."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="objectives"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("deliverable"), max_length=24, choices=ObjectiveKind.choices)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    declared = models.PositiveIntegerField(
        _("figure declared by the network"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("yearly objective")
        verbose_name_plural = _("yearly objectives")
        ordering = ["programme", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "kind"], name="network_objective_unique"
            ),
            models.CheckConstraint(condition=Q(target__gte=1), name="network_objective_target"),
            models.CheckConstraint(
                condition=Q(kind__in=ObjectiveKind.values), name="network_objective_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.get_kind_display()}: {self.target}"


class YearReport(BaseModel):
    """The network's report on one year of the programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    narrative = models.TextField(_("report"), max_length=20000)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="network_report_one_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.year}"


class SteeringMeeting(BaseModel):
    """The yearly steering meeting (comité de pilotage) of the programme, with its minutes."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="meetings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"), max_length=20000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("steering meeting")
        verbose_name_plural = _("steering meetings")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"], name="network_meeting_one_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.year}"


# --- resources library ------------------------------------------------------------------------


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    MODEL_DOCUMENT = "model_document", _("Model document")
    RECORDING = "recording", _("Recording")
    OTHER = "other", _("Other")


class Licence(models.TextChoices):
    ETALAB_2 = "etalab-2.0", _("Licence Ouverte / Etalab 2.0")
    CC_BY_4 = "cc-by-4.0", _("Creative Commons BY 4.0")
    CC_BY_SA_4 = "cc-by-sa-4.0", _("Creative Commons BY-SA 4.0")
    CC_BY_NC_4 = "cc-by-nc-4.0", _("Creative Commons BY-NC 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0 (public domain)")
    ALL_RIGHTS = "all-rights-reserved", _("All rights reserved (partners' use only)")


class Resource(BaseModel):
    """A shared resource of the network: a link (http/https only) or a checked file."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        max_length=300,
        blank=True,
        storage=private_storage,
        upload_to=resource_upload_to,
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    published_on = models.DateField(_("published on"))
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Made up to try the product (demo data); shown as such on every page."),
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
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(url="") & Q(file="")) | (Q(url="") & ~Q(file="")),
                name="network_resource_link_or_file",
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="network_resource_url_http",
            ),
            models.CheckConstraint(
                condition=Q(licence__in=Licence.values), name="network_resource_licence"
            ),
        ]
        indexes = [models.Index(fields=["published_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:resource_list") + f"#resource-{self.pk}"
