"""Calls for expressions of interest (AMI): the call, its ceilings per département, its aid
rules and its criteria.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock
from tierslieux.core.models import BaseModel


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


def default_region_code() -> str:
    """A new call belongs to the deployment's home region (``TERRITORY_REGION_CODE``)."""
    return settings.TERRITORY_REGION_CODE


class Call(BaseModel):
    """A call (AMI) of one region: a kind, a year, dates, an envelope, criteria and aid rules.

    Its applications, budgets, conventions and payments belong to the call's region."""

    region_code = models.CharField(
        _("region"),
        max_length=3,
        default=default_region_code,
        db_index=True,
        help_text=_("INSEE code of the region running the call (one of TERRITORY_REGIONS)."),
    )
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

    def clean(self) -> None:
        super().clean()
        if self.region_code not in settings.TERRITORY_REGIONS:
            raise ValidationError(
                {
                    "region_code": _(
                        "The region %(code)s is not served by this deployment (served: %(served)s)."
                    )
                    % {"code": self.region_code, "served": ", ".join(settings.TERRITORY_REGIONS)}
                }
            )


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
