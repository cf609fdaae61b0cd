"""Agreements (conventions de partenariat) and their follow-up.

- ``Agreement``: the convention made from an accepted application, with its indicators
  (``AgreementIndicator``), its three meetings (``Milestone`` rows: kickoff, midterm, final),
  the values of the indicators at each meeting (``IndicatorValue``), its payment schedule
  (``PaymentTranche``) and its log (``AgreementLog``: every state change, meeting decision and
  payment).
- ``PremisesAgreement``: premises lent by a local authority to a tiers-lieu.
- ``JournalEntry``: the accompaniment journal of emerging projects.

Money is in integer cents. States change only through ``services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.agreements import rules
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls.models.calls import default_region_code
from tierslieux.core.models import BaseModel, TransitionLog


class MilestoneKind(models.TextChoices):
    """The three meetings of the rule of three meetings (la règle des trois rendez-vous)."""

    KICKOFF = rules.KICKOFF, _("Kick-off meeting")
    MIDTERM = rules.MIDTERM, _("Mid-funding steering committee")
    FINAL = rules.FINAL, _("Final review")


MILESTONE_ORDER: tuple[str, ...] = (
    MilestoneKind.KICKOFF,
    MilestoneKind.MIDTERM,
    MilestoneKind.FINAL,
)


class MilestoneDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    ADJUSTMENTS_REQUIRED = "adjustments_required", _("Adjustments required")


class IndicatorKind(models.TextChoices):
    QUALITATIVE = "qualitative", _("Qualitative")
    QUANTITATIVE = "quantitative", _("Quantitative")


class TrancheState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PAYABLE = "payable", _("Payable")
    PAID = "paid", _("Paid")


class AgreementQuerySet(models.QuerySet):
    def active(self) -> "AgreementQuerySet":
        """Signed agreements, neither closed nor terminated: their meetings are followed."""
        return self.filter(state=AgreementState.SIGNED)


class Agreement(BaseModel):
    """A partnership agreement (convention) made from an accepted application."""

    application = models.OneToOneField(
        "calls.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    parties = models.TextField(_("parties"))
    object = models.TextField(_("object"))
    amount_cents = models.BigIntegerField(_("amount granted (cents)"))
    starts_on = models.DateField(_("start of the funding period"))
    ends_on = models.DateField(_("end of the funding period"))
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementState.choices,
        default=AgreementState.DRAFT,
        db_index=True,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AgreementState.values), name="agreements_agreement_state"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="agreements_agreement_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="agreements_agreement_period"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[AgreementState.SIGNED, AgreementState.CLOSED])
                | Q(signed_on__isnull=False),
                name="agreements_agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.application)


class AgreementIndicator(BaseModel):
    """An indicator of the agreement, with its baseline and its target.

    Quantitative: ``baseline_value`` / ``target_value`` (numbers, in ``unit``);
    qualitative: ``baseline_text`` / ``target_text``.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="indicators"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IndicatorKind.choices)
    label = models.CharField(_("label"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_text = models.TextField(_("baseline (description)"), blank=True)
    target_text = models.TextField(_("target (description)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["agreement", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=IndicatorKind.QUANTITATIVE)
                | Q(baseline_value__isnull=False, target_value__isnull=False),
                name="agreements_indicator_quantitative_values",
            ),
            models.CheckConstraint(
                condition=~Q(kind=IndicatorKind.QUALITATIVE)
                | (~Q(baseline_text="") & ~Q(target_text="")),
                name="agreements_indicator_qualitative_texts",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MilestoneQuerySet(models.QuerySet):
    def to_hold(self) -> "MilestoneQuerySet":
        """Meetings of signed agreements that are not approved yet (to hold or to decide)."""
        return self.filter(agreement__state=AgreementState.SIGNED).exclude(
            decision=MilestoneDecision.APPROVED
        )


class Milestone(BaseModel):
    """One of the three meetings of an agreement (rendez-vous)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("meeting"), max_length=10, choices=MilestoneKind.choices)
    planned_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=24,
        choices=MilestoneDecision.choices,
        default=MilestoneDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["agreement", "planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind"], name="agreements_milestone_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="agreements_milestone_kind"
            ),
            models.CheckConstraint(
                condition=Q(decision=MilestoneDecision.PENDING) | Q(held_on__isnull=False),
                name="agreements_milestone_decided_when_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.get_kind_display()}"

    def is_overdue_on(self, on) -> bool:
        """Planned before ``on`` and still not held."""
        return self.held_on is None and self.planned_on < on


class IndicatorValue(BaseModel):
    """The value of an indicator observed at a meeting."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        AgreementIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("observation"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["milestone", "indicator__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "indicator"], name="agreements_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="agreements_value_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value if self.value is not None else self.text}"


class PaymentTranche(BaseModel):
    """A tranche of the payment schedule, payable once the meeting it depends on is approved."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="tranches"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    condition = models.TextField(_("condition"), blank=True)
    depends_on = models.CharField(
        _("payable after the meeting"),
        max_length=10,
        choices=MilestoneKind.choices,
        blank=True,
        help_text=_("Empty: payable at signature (advance)."),
    )
    state = models.CharField(
        _("status"), max_length=10, choices=TrancheState.choices, default=TrancheState.SCHEDULED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount_cents = models.BigIntegerField(_("amount paid (cents)"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "order"], name="agreements_tranche_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="agreements_tranche_amount_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(state__in=TrancheState.values), name="agreements_tranche_state"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=TrancheState.PAID)
                    & Q(paid_on__isnull=False)
                    & Q(paid_amount_cents__gt=0)
                    & Q(paid_amount_cents__lte=F("amount_cents"))
                )
                | (
                    ~Q(state=TrancheState.PAID)
                    & Q(paid_on__isnull=True)
                    & Q(paid_amount_cents__isnull=True)
                ),
                name="agreements_tranche_paid_has_date_and_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.order}. {self.label}"


class AgreementEvent(models.TextChoices):
    STATE_CHANGED = "state_changed", _("Status changed")
    MEETING_RESCHEDULED = "meeting_rescheduled", _("Meeting rescheduled")
    MEETING_RECORDED = "meeting_recorded", _("Meeting recorded")
    TRANCHE_PAYABLE = "tranche_payable", _("Tranche payable")
    TRANCHE_PAID = "tranche_paid", _("Tranche paid")


class AgreementLog(TransitionLog):
    """One event of an agreement: a state change, a meeting decision, a payment; who (kept, see
    ``ActorLog``) and when."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="logs"
    )
    event = models.CharField(_("event"), max_length=24, choices=AgreementEvent.choices)
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tranche = models.ForeignKey(
        PaymentTranche,
        verbose_name=_("tranche"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"), null=True, blank=True)
    reason = None  # the reason of a state change is the ``note``, which also dates payments
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["agreement", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.event} {self.from_state} -> {self.to_state}"


# --- premises lent by local authorities -------------------------------------------------------


class PremisesAgreement(BaseModel):
    """Premises a local authority lends to a tiers-lieu at a moderate rent (convention)."""

    authority = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("local authority"),
        on_delete=models.PROTECT,
        related_name="premises_agreements",
    )
    # Empty for a project that has no tiers-lieu yet (an accepted premises match: ADR 0032).
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("tiers-lieu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="premises_agreements",
    )
    project_label = models.CharField(_("project"), max_length=200, blank=True)
    application = models.ForeignKey(
        "calls.Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="premises_agreements",
    )
    address = models.CharField(_("address"), max_length=300)
    surface_m2 = models.DecimalField(_("surface (m²)"), max_digits=8, decimal_places=1)
    yearly_rent_cents = models.BigIntegerField(_("yearly rent (cents)"))
    reference_rent_per_m2_cents = models.BigIntegerField(
        _("reference market rent per m² and year (cents)"), default=0
    )
    starts_on = models.DateField(_("starts on"))
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    renewal_on = models.DateField(_("renewal date"), null=True, blank=True)
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("renewal reminder (days before)"), default=90
    )
    works_supported_cents = models.BigIntegerField(_("works supported (cents)"), default=0)
    works_description = models.TextField(_("works"), blank=True)
    works_eligible = models.BooleanField(
        _("project eligible to the AMI (renovation support)"), default=False
    )
    region_code = models.CharField(
        _("region"), max_length=3, default=default_region_code, db_index=True
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
        verbose_name = _("premises agreement")
        verbose_name_plural = _("premises agreements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_m2__gt=0), name="agreements_premises_surface_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(yearly_rent_cents__gte=0), name="agreements_premises_rent_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reference_rent_per_m2_cents__gte=0),
                name="agreements_premises_reference_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1), name="agreements_premises_duration_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(works_supported_cents__gte=0), name="agreements_premises_works_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(works_supported_cents=0) | Q(works_eligible=True),
                name="agreements_premises_works_only_if_eligible",
            ),
            models.CheckConstraint(
                condition=Q(renewal_on__isnull=True) | Q(renewal_on__gt=F("starts_on")),
                name="agreements_premises_renewal_after_start",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=False) | ~Q(project_label=""),
                name="agreements_premises_place_or_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_name} — {self.authority}"

    @property
    def tenant_name(self) -> str:
        """The tiers-lieu housed, or the project's name while it has no place yet."""
        return self.place.name if self.place_id else self.project_label

    @property
    def rent_per_m2_cents(self) -> int:
        return rules.rent_per_m2_cents(self.yearly_rent_cents, self.surface_m2)

    @property
    def rent_ratio_to_market(self):
        return rules.rent_ratio_to_market(
            self.yearly_rent_cents, self.surface_m2, self.reference_rent_per_m2_cents
        )

    @property
    def ends_on(self):
        return rules.premises_ends_on(self.starts_on, self.duration_months)


# --- accompaniment journal --------------------------------------------------------------------


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("Idea")
    EMERGENCE = "emergence", _("Emergence")
    STRUCTURING = "structuring", _("Structuring")
    APPLIED = "applied", _("Applied to a call")
    FUNDED = "funded", _("Funded")
    ABANDONED = "abandoned", _("Abandoned")


class JournalKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    VISIT = "visit", _("Visit")
    MEDIATION = "mediation", _("Mediation with a local authority")
    REFERRAL = "referral", _("Referral")
    GOVERNANCE_ALERT = "governance_alert", _("Governance alert")


class ReferralTo(models.TextChoices):
    FRANCE_ACTIVE_DLA = "france_active_dla", _("France Active (DLA)")
    ESS_INCUBATOR = "ess_incubator", _("Regional ESS incubator")
    REGIONAL_NETWORK = "regional_network", _("Regional network of tiers-lieux")
    OTHER = "other", _("Other")


class JournalEntry(BaseModel):
    """One step of the accompaniment of a project, often long before any application."""

    project_label = models.CharField(_("project"), max_length=200, blank=True)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("tiers-lieu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries",
    )
    application = models.ForeignKey(
        "calls.Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries",
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=ProjectStage.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=JournalKind.choices)
    referral_to = models.CharField(
        _("referred to"), max_length=20, choices=ReferralTo.choices, blank=True
    )
    happened_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    region_code = models.CharField(
        _("region"), max_length=3, default=default_region_code, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(project_label="")
                | Q(place__isnull=False)
                | Q(application__isnull=False),
                name="agreements_journal_identifies_project",
            ),
            models.CheckConstraint(
                condition=(Q(kind=JournalKind.REFERRAL) & ~Q(referral_to=""))
                | (~Q(kind=JournalKind.REFERRAL) & Q(referral_to="")),
                name="agreements_journal_referral_has_target",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ProjectStage.values), name="agreements_journal_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}: {self.project_key_label}"

    @property
    def project_key(self) -> tuple[str, str]:
        """The project this entry is about: its application, else its place, else its label."""
        if self.application_id:
            return ("application", str(self.application_id))
        if self.place_id:
            return ("place", str(self.place_id))
        return ("label", " ".join(self.project_label.lower().split()))

    @property
    def project_key_label(self) -> str:
        return self.project_label or str(self.application or self.place or "")
