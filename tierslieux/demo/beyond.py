"""Beyond the calls: the yearly grant to the regional network, premises lent by communes and
the accompaniment journal of emerging projects."""

from __future__ import annotations

from decimal import Decimal

from tierslieux.accounts.models import OrganisationKind
from tierslieux.agreements import rules as agreement_rules
from tierslieux.agreements import services as agreements
from tierslieux.agreements.models import (
    JournalKind,
    ProjectStage,
    ReferralTo,
)
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.labels import DEMO_SUFFIX
from tierslieux.demo.names import (
    JOURNAL_NOTES,
    date_of,
    de,
    plus,
)
from tierslieux.demo.policy import (
    NETWORK_GRANT_EUROS,
)
from tierslieux.demo.territory import CommuneInfo


class BeyondCalls(GeneratorBase):
    """Support to the regional network, premises lent by communes, the accompaniment journal."""

    def network_grants(self) -> None:
        """The yearly operating grant to the regional network (outside the calls)."""
        rng = self.rng
        for year in range(self.from_year, self.to_year + 1):
            committed_on = date_of(year, 3, 20)
            if committed_on > self.today:
                continue
            low, high = NETWORK_GRANT_EUROS
            # The support grew from the emerging network to the cooperative.
            euros = low + (high - low) * min(year - 2016, 5) // 5
            euros = euros // 1000 * 1000 + rng.randrange(-5, 6) * 1000
            paid_on = date_of(year, 9, 30)
            grant = OtherGrant(
                line=GrantLine.REGIONAL_NETWORK,
                beneficiary=self.network,
                label=f"Soutien au réseau régional des tiers-lieux {year}{DEMO_SUFFIX}",
                year=year,
                committed_on=committed_on,
                committed_cents=euros * 100,
                paid_on=paid_on if paid_on <= self.today else None,
                paid_cents=euros * 100 if paid_on <= self.today else 0,
                is_demo=True,
            )
            self.clock.step(committed_on)
            grant.full_clean()
            grant.save()
            self.summary.other_grants += 1
            self.summary.other_grants_cents += grant.committed_cents

    def premises(self) -> None:
        """Premises lent by communes to a few funded places, at a moderate rent."""
        rng = self.rng
        projects = [
            p
            for p in self.creation_projects
            if p.premises_authority and p.place is not None and p.place.opened_on is not None
        ]
        for project in projects[:8]:
            place = project.place
            authority = self._organisation(project.premises_authority, OrganisationKind.COMMUNE)
            starts_on = plus(place.opened_on, -rng.randrange(0, 60))
            duration = rng.choice((36, 60, 108))
            surface = Decimal(place.surface_m2 or 150)
            reference = rng.randrange(60, 140) * 100  # cents per m² and year
            rent = int(surface * reference * Decimal(rng.randrange(20, 70)) / 100) // 100 * 100
            works = rng.randrange(10, 40) * 1000 * 100 if rng.random() < 0.5 else 0
            self.clock.step(starts_on)
            agreements.premises_agreement_create(
                by=self.instructor,
                authority=authority,
                place=place,
                application=project.application,
                address=f"Ancienne école, {project.commune.name} (démo)",
                surface_m2=surface,
                yearly_rent_cents=rent,
                reference_rent_per_m2_cents=reference,
                starts_on=starts_on,
                duration_months=duration,
                renewal_on=agreement_rules.add_months(starts_on, duration),
                works_supported_cents=works,
                works_description="Mise aux normes et accessibilité (démo)." if works else "",
            )
            self.summary.premises_agreements += 1

    def journal(self, communes: list[CommuneInfo]) -> None:
        """The accompaniment of a dozen emerging projects, across stages and départements."""
        rng = self.rng
        threshold = 20.0
        free = self._free_white_zones(communes, threshold)
        by_dep: dict[str, list[CommuneInfo]] = {}
        for c in free:
            by_dep.setdefault(c.departement, []).append(c)
        stages = [
            ProjectStage.IDEA,
            ProjectStage.EMERGENCE,
            ProjectStage.STRUCTURING,
            ProjectStage.APPLIED,
        ]
        picked = [rng.choice(by_dep[d]) for d in sorted(by_dep)][:12]
        end = min(self.today, date_of(self.to_year, 12, 31))
        for i, commune in enumerate(picked):
            label = f"Projet de tiers-lieu {de(commune.name)}{DEMO_SUFFIX}"
            last_stage = stages[i % len(stages)] if i != 11 else ProjectStage.ABANDONED
            reached = stages[: stages.index(last_stage) + 1] if last_stage in stages else stages[:2]
            day = plus(end, -rng.randrange(300, 700))
            for n, stage in enumerate(reached):
                kinds = (
                    [JournalKind.CONTACT]
                    if n == 0
                    else [
                        JournalKind.VISIT,
                        JournalKind.MEDIATION,
                        JournalKind.REFERRAL,
                    ]
                )
                kind = rng.choice(kinds)
                referral = rng.choice(list(ReferralTo)) if kind == JournalKind.REFERRAL else ""
                self.clock.step(day)
                agreements.journal_entry_create(
                    by=self.network_user if n % 2 else self.instructor,
                    stage=stage,
                    kind=kind,
                    happened_on=day,
                    referral_to=referral,
                    notes=JOURNAL_NOTES[kind],
                    project_label=label,
                    commune_id=commune.code,
                )
                self.summary.journal_entries += 1
                day = plus(day, rng.randrange(40, 150))
                if day > end:
                    break
            if last_stage == ProjectStage.ABANDONED and day <= end:
                self.clock.step(day)
                agreements.journal_entry_create(
                    by=self.instructor,
                    stage=ProjectStage.ABANDONED,
                    kind=JournalKind.GOVERNANCE_ALERT,
                    happened_on=day,
                    notes="Désaccords au sein du collectif : projet mis en pause (démo).",
                    project_label=label,
                    commune_id=commune.code,
                )
                self.summary.journal_entries += 1
