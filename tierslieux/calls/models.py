"""Calls for expressions of interest (AMI), their applications, instruction and decisions.

Money is in integer cents (``*_cents``), rates are ``Decimal``. The workflow of an application
is in ``workflow.py``; every state change goes through ``services.application_transition``,
which writes an ``ApplicationLog`` row.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.storage import attachment_upload_to, private_storage
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.models import BaseModel, TransitionLog
from tierslieux.core.money import format_euros


class CallKind(models.TextChoices):
    CREATION = "creation", _("Creation of a tiers-lieu")
    DEVELOPMENT = "development", _("Development of a tiers-lieu")
    LOCAL_NETWORK = "local_network", _("Local network of tiers-lieux")
    TELEWORK = "telework", _("Telework experiments in small and mid-sized firms")


class VulnerabilityProfile(models.TextChoices):
    """The territory's profile, which sets the aid rate and cap."""

    STANDARD = "standard", _("Standard territory")
    INTERMEDIATE = "intermediate", _("Intermediate territory")
    VULNERABLE = "vulnerable", _("Vulnerable territory")


class CallQuerySet(models.QuerySet):
    def open(self, on: datetime.date | None = None) -> "CallQuerySet":
        """Calls taking applications on ``on`` (today by default): opened and not yet closed."""
        on = on or clock.today()
        return self.filter(opens_on__lte=on, closes_on__gte=on)


class Call(BaseModel):
    """A call (AMI): a kind, a year, dates, an envelope, criteria and aid rules."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    year = models.PositiveSmallIntegerField(_("budget year"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    description = models.TextField(_("description"), blank=True)
    budget_cents = models.BigIntegerField(_("budget envelope (cents)"))
    carence_minutes = models.DecimalField(
        _("under-served threshold (minutes)"),
        max_digits=5,
        decimal_places=1,
        default=20,
        help_text=_("Creation: no open tiers-lieu within this travel time of the project."),
    )
    min_years_open = models.PositiveSmallIntegerField(
        _("development: minimum years open"), default=3
    )
    min_staff_fte = models.DecimalField(
        _("development: minimum staff (FTE)"), max_digits=4, decimal_places=2, default=0.5
    )
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

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for expressions of interest")
        verbose_name_plural = _("calls for expressions of interest")
        ordering = ["-year", "-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="calls_call_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(budget_cents__gte=0), name="calls_call_budget_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(carence_minutes__gt=0), name="calls_call_carence_minutes_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def is_open_on(self, on: datetime.date) -> bool:
        return self.opens_on <= on <= self.closes_on


class CallDepartementCeiling(BaseModel):
    """An optional ceiling of the envelope for the projects of one département."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="ceilings"
    )
    departement = models.ForeignKey(
        "territory.Departement", verbose_name=_("département"), on_delete=models.PROTECT
    )
    ceiling_cents = models.BigIntegerField(_("ceiling (cents)"))

    class Meta:
        verbose_name = _("ceiling per département")
        verbose_name_plural = _("ceilings per département")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "departement"], name="calls_ceiling_unique_departement"
            ),
            models.CheckConstraint(
                condition=Q(ceiling_cents__gte=0), name="calls_ceiling_cents_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.departement_id}"


class CallAidRule(BaseModel):
    """Aid rate and cap for one vulnerability profile, in one call."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="aid_rules"
    )
    profile = models.CharField(
        _("vulnerability profile"), max_length=20, choices=VulnerabilityProfile.choices
    )
    rate = models.DecimalField(_("aid rate"), max_digits=5, decimal_places=4)
    cap_cents = models.BigIntegerField(_("cap (cents)"))

    class Meta:
        verbose_name = _("aid rule")
        verbose_name_plural = _("aid rules")
        ordering = ["call", "rate"]
        constraints = [
            models.UniqueConstraint(fields=["call", "profile"], name="calls_aidrule_unique"),
            models.CheckConstraint(
                condition=Q(rate__gt=0) & Q(rate__lte=1), name="calls_aidrule_rate_0_1"
            ),
            models.CheckConstraint(condition=Q(cap_cents__gte=0), name="calls_aidrule_cap_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_profile_display()}: {self.rate:.0%}"


class CallCriterion(BaseModel):
    """A criterion of a call, answered by holders and scored by instructors on 0..scale_max."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=4)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="calls_criterion_unique_code"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="calls_criterion_weight_gte_1"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=1), name="calls_criterion_scale_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


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


class Assessment(BaseModel):
    """The instruction's score and comment on one criterion of an application.

    Several instructors may edit it: ``version`` grows at each save and a save names the version
    it started from (``services.assessment_save``), so that no edit silently overwrites another.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    criterion = models.ForeignKey(
        CallCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["application", "criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="calls_assessment_unique_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.criterion}: {self.score}"


class PartnerKind(models.TextChoices):
    STATE = "state", _("State / prefecture")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")
    NETWORK = "network", _("Regional network")


class OpinionVerdict(models.TextChoices):
    FAVOURABLE = "favourable", _("Favourable")
    RESERVED = "reserved", _("Favourable with reservations")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")


class OpinionQuerySet(models.QuerySet):
    def received(self) -> "OpinionQuerySet":
        """Opinions the partner has given."""
        return self.filter(given_at__isnull=False)

    def overdue(self, on: datetime.date | None = None) -> "OpinionQuerySet":
        """Opinions not given although their due date has passed."""
        return self.filter(given_at__isnull=True, due_on__lt=on or clock.today())


class Opinion(BaseModel):
    """A consultative opinion asked of a partner organisation, and its answer."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    partner_kind = models.CharField(_("partner"), max_length=20, choices=PartnerKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="opinions_asked",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.TextField(_("question"), blank=True)
    due_on = models.DateField(_("due on"))
    verdict = models.CharField(
        _("opinion"), max_length=20, choices=OpinionVerdict.choices, blank=True
    )
    text = models.TextField(_("comments"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["application", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="calls_opinion_unique_partner"
            ),
            models.CheckConstraint(
                condition=(Q(given_at__isnull=True) & Q(verdict=""))
                | (Q(given_at__isnull=False) & ~Q(verdict="")),
                name="calls_opinion_given_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.organisation}"

    @property
    def is_received(self) -> bool:
        return self.given_at is not None

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return not self.is_received and self.due_on < (on or clock.today())


class ProjectReview(BaseModel):
    """A project review meeting of the Région with the regional network."""

    held_on = models.DateField(_("held on"))
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("project review")
        verbose_name_plural = _("project reviews")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.held_on:%Y-%m-%d}"


class ProjectReviewItem(BaseModel):
    """An application discussed at a project review, and the network's view of it."""

    review = models.ForeignKey(
        ProjectReview,
        verbose_name=_("project review"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_items",
    )
    network_view = models.TextField(_("view of the regional network"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=OpinionVerdict.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("application reviewed")
        verbose_name_plural = _("applications reviewed")
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "application"], name="calls_reviewitem_unique_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} — {self.application}"


class Decision(BaseModel):
    """The committee's decision on an application, with the amount granted."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    accepted = models.BooleanField(_("accepted"))
    granted_cents = models.BigIntegerField(_("amount granted (cents)"), default=0)
    committee_on = models.DateField(_("committee date"))
    reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    payment_starts_on = models.DateField(_("payments from"), null=True, blank=True)
    payment_ends_on = models.DateField(_("payments until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-committee_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(accepted=True) & Q(granted_cents__gt=0))
                | (Q(accepted=False) & Q(granted_cents=0)),
                name="calls_decision_amount_matches_outcome",
            ),
            models.CheckConstraint(
                condition=Q(payment_starts_on__isnull=True)
                | Q(payment_ends_on__isnull=True)
                | Q(payment_ends_on__gte=F("payment_starts_on")),
                name="calls_decision_payment_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {format_euros(self.granted_cents)}"
