"""The instruction of applications: assessments, partners' opinions, project reviews with the
network and the committee's decision.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.models.applications import Application
from tierslieux.calls.models.calls import Call, CallCriterion, default_region_code
from tierslieux.core import clock
from tierslieux.core.models import BaseModel
from tierslieux.core.money import format_euros


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
    region_code = models.CharField(
        _("region"),
        max_length=3,
        default=default_region_code,
        db_index=True,
        help_text=_("The region holding the review: its call's, else its author's."),
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
