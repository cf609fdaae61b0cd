"""Records the evaluation needs beyond the other apps: money granted outside the calls.

Every indicator of the dashboard is computed from records (``selectors.py``); the only money
not already recorded elsewhere is the support outside the calls (AMI), such as the yearly
operating grant to the regional network ("La Coopérative Tiers-Lieux"). It lives here.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.models.calls import default_region_code
from tierslieux.core.models import BaseModel


class GrantLine(models.TextChoices):
    """Budget lines of the money granted outside the calls (the calls are their own line)."""

    REGIONAL_NETWORK = "regional_network", _("Support to the regional network")
    OTHER = "other", _("Other support")


class OtherGrantQuerySet(models.QuerySet):
    def real(self) -> "OtherGrantQuerySet":
        """Grants that are not demo records."""
        return self.filter(is_demo=False)


class OtherGrant(BaseModel):
    """Money granted outside the calls: committed in a year, paid (in part or in full) later."""

    line = models.CharField(_("budget line"), max_length=20, choices=GrantLine.choices)
    beneficiary = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="other_grants",
    )
    beneficiary_name = models.CharField(
        _("beneficiary name"),
        max_length=200,
        blank=True,
        help_text=_("As written in the decision (used when the beneficiary has no account)."),
    )
    label = models.CharField(_("label"), max_length=200)
    region_code = models.CharField(
        _("region"),
        max_length=3,
        default=default_region_code,
        db_index=True,
        help_text=_("INSEE code of the region granting the money (its own budget)."),
    )
    programme = models.ForeignKey(
        "network.Programme",
        verbose_name=_("partnership programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        help_text=_("The programme with the regional network this yearly grant belongs to."),
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    committed_on = models.DateField(_("committed on"))
    committed_cents = models.BigIntegerField(_("amount committed (cents)"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_cents = models.BigIntegerField(_("amount paid (cents)"), default=0)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Made up to try the product (demo data); shown as such on every page."),
    )

    objects = OtherGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("other grant")
        verbose_name_plural = _("other grants")
        ordering = ["-year", "line", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line__in=GrantLine.values), name="dashboard_othergrant_line_valid"
            ),
            models.CheckConstraint(
                condition=Q(committed_cents__gt=0), name="dashboard_othergrant_committed_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(paid_cents__gte=0) & Q(paid_cents__lte=F("committed_cents")),
                name="dashboard_othergrant_paid_within_committed",
            ),
            models.CheckConstraint(
                condition=(Q(paid_cents=0) & Q(paid_on__isnull=True))
                | (Q(paid_cents__gt=0) & Q(paid_on__isnull=False)),
                name="dashboard_othergrant_paid_has_date",
            ),
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False) | ~Q(beneficiary_name=""),
                name="dashboard_othergrant_has_beneficiary",
            ),
            # The programme's grants are the "support to the regional network" line.
            models.CheckConstraint(
                condition=Q(programme__isnull=True) | Q(line=GrantLine.REGIONAL_NETWORK),
                name="dashboard_othergrant_programme_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.year})"

    @property
    def beneficiary_label(self) -> str:
        return self.beneficiary_name or (str(self.beneficiary) if self.beneficiary_id else "")
