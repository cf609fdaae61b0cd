"""Pure rules of the premises match (no database): a project's eligibility to the AMI, which
opens works support, and the rent an accepted match pre-fills in the premises agreement."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

AMI_PARTS = (
    ("collective", gettext_lazy("the collective")),
    ("service_offer", gettext_lazy("the service offer")),
    ("business_model", gettext_lazy("the business model")),
)
"""What the seed asks of a project eligible to the AMI ("un collectif, une offre de services,
un modèle économique, pour éviter la coquille vide")."""

DEFAULT_DURATION_MONTHS = 36
"""Duration pre-filled in the agreement of an accepted match (the authority may change it)."""


@dataclass(frozen=True)
class ProjectEligibility:
    """Whether a project meets a rule, and why not (reasons shown to the authority)."""

    reasons: tuple[str, ...] = ()

    @property
    def is_eligible(self) -> bool:
        return not self.reasons


def ami_eligibility(
    *,
    has_application: bool,
    collective: str = "",
    service_offer: str = "",
    business_model: str = "",
    refused: bool = False,
) -> ProjectEligibility:
    """A project is eligible to the AMI (and so to works support) when its application
    describes a collective, a service offer and a business model and was not refused."""
    if not has_application:
        return ProjectEligibility(
            (
                _(
                    "No application to the call describes the project's collective, service "
                    "offer and business model yet."
                ),
            )
        )
    if refused:
        return ProjectEligibility((_("The application was rejected or withdrawn."),))
    texts = {
        "collective": collective,
        "service_offer": service_offer,
        "business_model": business_model,
    }
    missing = [str(label) for name, label in AMI_PARTS if not texts[name].strip()]
    if missing:
        return ProjectEligibility(
            (_("The application does not describe %(parts)s.") % {"parts": ", ".join(missing)},)
        )
    return ProjectEligibility()


def yearly_rent_cents(*, rent_per_m2_month: Decimal, surface_m2: Decimal) -> int:
    """The yearly rent of an offer in cents: rent per m² and month, times the surface, times 12."""
    euros = Decimal(rent_per_m2_month) * Decimal(surface_m2) * 12
    return int((euros * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def yearly_reference_per_m2_cents(reference_per_m2_month: Decimal | None) -> int:
    """The reference market rent per m² and year in cents (0 when the offer names none)."""
    if not reference_per_m2_month:
        return 0
    return int((Decimal(reference_per_m2_month) * 1200).quantize(Decimal("1")))
