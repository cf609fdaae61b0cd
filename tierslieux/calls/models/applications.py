"""Applications to a call: the project, its financing plan, answers, attachments, status
changes (``ApplicationLog``) and messages.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.models.calls import Call, CallCriterion, VulnerabilityProfile
from tierslieux.calls.storage import attachment_upload_to, private_storage
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.models import BaseModel, TransitionLog


class ApplicationQuerySet(models.QuerySet):
    def in_state(self, *states: str) -> "ApplicationQuerySet":
        """Applications in one of ``states``."""
        return self.filter(state__in=states)

    def funded(self) -> "ApplicationQuerySet":
        """Applications the committee accepted with a grant."""
        return self.filter(state=ApplicationState.ACCEPTED, decision__granted_cents__gt=0)


class Application(BaseModel):
    """A project holder's application to a call (candidature)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    title = models.CharField(_("project name"), max_length=200)

    # Where: a commune (its town hall) or a point; for development, the place developed.
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("tiers-lieu developed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )

    # The project.
    summary = models.TextField(_("summary of the project"), blank=True)
    collective = models.TextField(_("the collective"), blank=True)
    governance = models.TextField(_("governance"), blank=True)
    service_offer = models.TextField(_("service offer"), blank=True)
    business_model = models.TextField(_("business model"), blank=True)
    premises = models.TextField(_("premises"), blank=True)
    premises_lent_by_authority = models.BooleanField(
        _("premises lent by a local authority"), null=True, blank=True
    )
    premises_authority = models.CharField(_("lending local authority"), max_length=200, blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    staff_fte = models.DecimalField(
        _("staff (full-time equivalent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    # Instruction.
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="instructed_applications",
    )
    vulnerability_profile = models.CharField(
        _("vulnerability profile"), max_length=20, choices=VulnerabilityProfile.choices, blank=True
    )
    suggested_cents = models.BigIntegerField(_("suggested aid (cents)"), null=True, blank=True)
    proposed_cents = models.BigIntegerField(_("proposed aid (cents)"), null=True, blank=True)
    amount_override_reason = models.TextField(_("reason for changing the amount"), blank=True)

    # The mesh at submission (recomputable: services.application_mesh_compute).
    minutes_to_nearest_place = models.FloatField(
        _("minutes to the nearest open tiers-lieu"), null=True, blank=True
    )
    inhabitants_brought = models.PositiveIntegerField(
        _("inhabitants newly within the threshold"), null=True, blank=True
    )
    mesh_computed_at = models.DateTimeField(_("mesh computed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values), name="calls_application_state_valid"
            ),
            models.CheckConstraint(
                condition=(Q(lon__isnull=True) & Q(lat__isnull=True))
                | Q(lon__gte=-180, lon__lte=180, lat__gte=-90, lat__lte=90),
                name="calls_application_coordinates",
            ),
            models.CheckConstraint(
                condition=Q(proposed_cents__isnull=True) | Q(proposed_cents__gte=0),
                name="calls_application_proposed_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(proposed_cents__isnull=True)
                | Q(suggested_cents__isnull=False, proposed_cents=F("suggested_cents"))
                | ~Q(amount_override_reason=""),
                name="calls_application_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def point(self) -> tuple[float, float] | None:
        """(lon, lat) of the project: its own point, else its commune's town hall."""
        if self.lon is not None and self.lat is not None:
            return self.lon, self.lat
        if self.commune_id:
            return self.commune.lon, self.commune.lat
        return None

    @property
    def departement_id(self) -> str | None:
        return self.commune.departement_id if self.commune_id else None


class CoFinancer(models.TextChoices):
    REGION = "region", _("Région")
    STATE = "state", _("State")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")
    EUROPE = "europe", _("European funds")
    FRANCE_ACTIVE = "france_active", _("France Active")
    BANK_LOAN = "bank_loan", _("Bank loan")
    OWN_FUNDS = "own_funds", _("Own funds")
    OTHER = "other", _("Other")


class ExpenseLine(BaseModel):
    """One expense of the financing plan."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="expenses",
    )
    label = models.CharField(_("label"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    is_eligible = models.BooleanField(_("eligible to regional aid"), default=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="calls_expense_amount_gt_0"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ResourceLine(BaseModel):
    """One resource of the financing plan, by co-financer."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    financer = models.CharField(_("co-financer"), max_length=20, choices=CoFinancer.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    is_secured = models.BooleanField(_("secured"), default=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="calls_resource_amount_gt_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_financer_display()} {self.label}".strip()


class CriterionAnswer(BaseModel):
    """The holder's answer to one criterion of the call."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        CallCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("answer to a criterion")
        verbose_name_plural = _("answers to criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="calls_answer_unique_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.criterion}"


class Attachment(BaseModel):
    """A file joined to an application, stored outside the web root."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.label or self.original_name


class ApplicationLog(TransitionLog):
    """One state change of an application: who (kept, see ``ActorLog``), when, from, to, why."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="logs"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ApplicationState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ApplicationState.choices)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_state} -> {self.to_state}"


class ApplicationMessage(BaseModel):
    """A message between the holder and the instruction, seen by both."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["application", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]
