"""The yearly survey of places (« le panorama »).

Each year the Région sends every open, published place a questionnaire through a personal link
(``SurveyInvitation``). Only a SHA-256 of the link's token is stored: the raw token exists only in
the e-mail. The answers (``SurveyResponse``) are kept per year and per place; the response rate
is followed per département (``selectors.response_rate``).
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock
from tierslieux.core.models import ActorLog, BaseModel
from tierslieux.places.models import Place, PlaceService


def token_hash(raw_token: str) -> str:
    """The SHA-256 (hex) of a personal link's token: what the database keeps."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


class TurnoverRange(models.TextChoices):
    """Yearly turnover of the place, in ranges (managers seldom give an exact figure)."""

    NONE = "none", _("No turnover yet")
    LT_10K = "lt_10k", _("Less than €10,000")
    FROM_10K_TO_50K = "10k_50k", _("€10,000 to €50,000")
    FROM_50K_TO_150K = "50k_150k", _("€50,000 to €150,000")
    FROM_150K_TO_500K = "150k_500k", _("€150,000 to €500,000")
    GT_500K = "gt_500k", _("More than €500,000")


class BusinessModelConfidence(models.TextChoices):
    """How confident the manager is in the place's business model."""

    CONFIDENT = "confident", _("Confident")
    FAIRLY_CONFIDENT = "fairly_confident", _("Fairly confident")
    UNSURE = "unsure", _("Unsure")
    VERY_UNSURE = "very_unsure", _("Very unsure")


UNSURE_CONFIDENCES = frozenset({"unsure", "very_unsure"})


class GovernanceKind(models.TextChoices):
    """Who runs the place."""

    ASSOCIATION = "association", _("Association (board of members)")
    SCIC = "scic", _("Cooperative (SCIC) with its users")
    COMPANY = "company", _("Company (owner or partners)")
    LOCAL_AUTHORITY = "local_authority", _("Run by a local authority")
    INFORMAL = "informal", _("Informal collective")
    OTHER = "other", _("Other")


class SurveyQuerySet(models.QuerySet):
    def open(self, on: datetime.date | None = None) -> "SurveyQuerySet":
        """Surveys taking answers on ``on`` (today by default): opened and not yet closed."""
        on = on or clock.today()
        return self.filter(opens_on__lte=on, closes_on__gte=on)


class Survey(BaseModel):
    """One year's survey: its dates, and the invitations and answers attached to it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
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

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly survey")
        verbose_name_plural = _("yearly surveys")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="surveys_survey_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="surveys_survey_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("surveys:survey_detail", args=[self.pk])

    def is_open_on(self, on: datetime.date) -> bool:
        return self.opens_on <= on <= self.closes_on


class SurveyInvitation(BaseModel):
    """A place asked to answer a survey, through a personal link sent to ``email``.

    ``token_hash`` is the SHA-256 of the last link sent; each reminder sends a new link (the
    raw token is never stored, so it cannot be sent again), which replaces the previous one.
    An invitation without ``sent_at`` was made by staff to record an answer taken by phone.
    """

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("tiers-lieu"),
        on_delete=models.PROTECT,
        related_name="survey_invitations",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    token_hash = models.CharField(_("link token (SHA-256)"), max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "place__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "place"], name="surveys_invitation_one_per_place"
            ),
            models.CheckConstraint(
                condition=Exact(Length("token_hash"), 64),
                name="surveys_invitation_token_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.place}"


class SurveyResponse(BaseModel):
    """One place's answers to one year's survey (the last submission counts)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("tiers-lieu"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    users_per_week = models.PositiveIntegerField(
        _("users per week"),
        help_text=_("Different people who come in an ordinary week (an estimate is fine)."),
    )
    jobs_hosted = models.PositiveIntegerField(
        _("jobs hosted"),
        help_text=_(
            "People working in the place (its own staff, residents, coworkers on a regular "
            "basis), counted as persons, not full-time equivalents."
        ),
    )
    turnover_range = models.CharField(
        _("yearly turnover"), max_length=12, choices=TurnoverRange.choices
    )
    business_model_confidence = models.CharField(
        _("confidence in the business model"),
        max_length=20,
        choices=BusinessModelConfidence.choices,
    )
    services = models.JSONField(_("services beyond the workspace"), default=list, blank=True)
    governance = models.CharField(_("governance"), max_length=20, choices=GovernanceKind.choices)
    comments = models.TextField(_("comments"), blank=True)
    respondent_name = models.CharField(_("answered by"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by (staff, by phone)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "place__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "place"], name="surveys_response_one_per_place"
            ),
            models.CheckConstraint(
                condition=Q(turnover_range__in=TurnoverRange.values),
                name="surveys_response_turnover_valid",
            ),
            models.CheckConstraint(
                condition=Q(business_model_confidence__in=BusinessModelConfidence.values),
                name="surveys_response_confidence_valid",
            ),
            models.CheckConstraint(
                condition=Q(governance__in=GovernanceKind.values),
                name="surveys_response_governance_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.place}"

    def clean(self) -> None:
        if not isinstance(self.services, list) or any(
            s not in PlaceService.values for s in self.services
        ):
            raise ValidationError(
                {"services": _("Choose services from the list.")}, code="invalid_service"
            )

    @property
    def is_unsure(self) -> bool:
        return self.business_model_confidence in UNSURE_CONFIDENCES

    def get_services_display(self) -> list[str]:
        return [str(PlaceService(s).label) for s in self.services if s in PlaceService.values]


class SurveyEvent(models.TextChoices):
    CREATED = "created", _("Survey created")
    INVITED = "invited", _("Invitation sent")
    REMINDED = "reminded", _("Reminder sent")
    RESPONDED = "responded", _("Answer submitted")
    UPDATED = "updated", _("Answer updated")
    RECORDED = "recorded", _("Answer recorded by staff")


class SurveyLog(ActorLog):
    """One event of a survey: who (kept, see ``ActorLog``), when, what, for which place."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="logs"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("tiers-lieu"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.CharField(_("event"), max_length=12, choices=SurveyEvent.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")
        ordering = ["survey", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.survey}: {self.event}"
