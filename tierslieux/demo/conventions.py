"""The convention of an accepted application, through the agreements' services: its indicators,
its signature, its three meetings (kick-off, mid-term, final; some ask for adjustments first)
and the payment tranches each one releases; closed at the end, terminated if the place closes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tierslieux.agreements import rules as agreement_rules
from tierslieux.agreements import services as agreements
from tierslieux.agreements.models import (
    Agreement,
    IndicatorKind,
    MilestoneDecision,
    MilestoneKind,
)
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls.models import (
    Application,
    CallKind,
)
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.names import (
    QUALITATIVE,
    QUANTITATIVE,
    plus,
)


class ConventionSteps(GeneratorBase):
    """The convention of an accepted application, its meetings and its payments."""

    def _indicators(self) -> list[agreements.IndicatorInput]:
        rng = self.rng
        n = rng.randint(2, 4)
        n_qual = rng.randint(0, min(1, n - 1))
        chosen = []
        for label, unit, (b0, b1), (t0, t1) in rng.sample(QUANTITATIVE, n - n_qual):
            chosen.append(
                agreements.IndicatorInput(
                    IndicatorKind.QUANTITATIVE,
                    label,
                    Decimal(rng.randint(b0, b1)),
                    Decimal(rng.randint(t0, t1)),
                    unit,
                )
            )
        for label, baseline, target in rng.sample(QUALITATIVE, n_qual):
            chosen.append(
                agreements.IndicatorInput(IndicatorKind.QUALITATIVE, label, baseline, target)
            )
        return chosen

    def _values(self, agreement: Agreement, progress: float) -> list[agreements.ValueInput]:
        values = []
        for indicator in agreement.indicators.all():
            if indicator.kind == IndicatorKind.QUANTITATIVE:
                base, target = indicator.baseline_value, indicator.target_value
                value = base + (target - base) * Decimal(str(round(progress, 2)))
                values.append(agreements.ValueInput(indicator, value=value.quantize(Decimal("1"))))
            else:
                text = (
                    "Objectif atteint (démo)."
                    if progress >= 1
                    else "En bonne voie, à consolider (démo)."
                )
                values.append(agreements.ValueInput(indicator, text=text))
        return values

    def _meeting(
        self,
        agreement: Agreement,
        kind: str,
        held_on: datetime.date,
        *,
        progress: float,
        adjust: bool,
        stop_on: datetime.date | None,
    ) -> datetime.date | None:
        """Hold a meeting (with a first "adjustments required" round if ``adjust``); return
        the day it was approved, or None if it is not (yet) approved."""
        milestone = agreement.milestones.get(kind=kind)
        minutes = {
            MilestoneKind.KICKOFF: "Rencontre avec le collectif et les partenaires, étude du "
            "plan de financement (démo).",
            MilestoneKind.MIDTERM: "Bilan intermédiaire et pistes d'ajustement (démo).",
            MilestoneKind.FINAL: "Bilan des indicateurs de la convention et perspectives (démo).",
        }[kind]
        rounds = [(held_on, MilestoneDecision.ADJUSTMENTS_REQUIRED)] if adjust else []
        approve_on = plus(held_on, self.rng.randrange(60, 120)) if adjust else held_on
        rounds.append((approve_on, MilestoneDecision.APPROVED))
        for day, decision in rounds:
            if day > self.today or (stop_on is not None and day >= stop_on):
                return None
            self.clock.step(day)
            agreements.milestone_record(
                milestone=milestone,
                held_on=day,
                participants="Région, porteur, réseau régional, commune (démo).",
                minutes=minutes
                if decision == MilestoneDecision.APPROVED
                else "Ajustements demandés : plan d'animation et budget à revoir (démo).",
                indicator_values=self._values(agreement, progress)
                if kind != MilestoneKind.KICKOFF
                else (),
                decision=decision,
                by=self.instructor,
            )
            self.summary.meetings_held += 1
        return approve_on

    def _pay(self, agreement: Agreement, order: int, day: datetime.date, full: bool) -> bool:
        if day > self.today:
            return False
        tranche = agreement.tranches.get(order=order)
        amount = tranche.amount_cents
        if not full:
            amount = amount * self.rng.randrange(70, 96) // 100 // 100 * 100 or amount
        self.clock.step(day)
        agreements.tranche_pay(
            tranche=tranche, paid_on=day, amount_cents=amount, by=self.instructor
        )
        self.summary.tranches_paid += 1
        self.summary.paid_cents += amount
        return True

    def agreement(self, application: Application, closes_on: datetime.date | None) -> None:
        rng = self.rng
        decision = application.decision
        drafted = plus(decision.committee_on, rng.randrange(10, 30))
        if drafted > self.today:
            return
        starts_on = plus(drafted, rng.randrange(20, 50))
        months = 36 if application.call.kind == CallKind.CREATION else 24
        ends_on = plus(agreement_rules.add_months(starts_on, months), -1)
        self.clock.step(drafted)
        agreement = agreements.agreement_create_from_application(
            application=application,
            by=self.instructor,
            starts_on=starts_on,
            ends_on=ends_on,
            indicators=self._indicators(),
        )
        self.summary.agreements += 1
        if starts_on > self.today:
            return
        self.clock.step(starts_on)
        agreement = agreements.agreement_sign(
            agreement=agreement, signed_on=starts_on, by=self.instructor
        )
        planned = {m.kind: m.planned_on for m in agreement.milestones.all()}
        # The kick-off meeting, then the advance.
        kickoff = self._meeting(
            agreement,
            MilestoneKind.KICKOFF,
            plus(starts_on, rng.randrange(0, 21)),
            progress=0,
            adjust=False,
            stop_on=closes_on,
        )
        if kickoff is None or not self._pay(
            agreement, 1, plus(kickoff, rng.randrange(15, 45)), True
        ):
            return self._maybe_terminate(agreement, closes_on)
        # The mid-funding steering committee: some are late, some ask for adjustments.
        midterm_day = plus(planned[MilestoneKind.MIDTERM], rng.randrange(-15, 45))
        recent = self.today - datetime.timedelta(days=365) < midterm_day <= self.today
        if recent and rng.random() < 0.5:  # not held yet: overdue on the reminders page
            return self._maybe_terminate(agreement, closes_on)
        midterm = self._meeting(
            agreement,
            MilestoneKind.MIDTERM,
            midterm_day,
            progress=rng.uniform(0.3, 0.7),
            adjust=rng.random() < 0.22,
            stop_on=closes_on,
        )
        if midterm is None or not self._pay(
            agreement, 2, plus(midterm, rng.randrange(20, 60)), True
        ):
            return self._maybe_terminate(agreement, closes_on)
        final_day = plus(planned[MilestoneKind.FINAL], rng.randrange(-10, 60))
        recent = self.today - datetime.timedelta(days=240) < final_day <= self.today
        if recent and rng.random() < 0.5:
            return self._maybe_terminate(agreement, closes_on)
        final = self._meeting(
            agreement,
            MilestoneKind.FINAL,
            final_day,
            progress=rng.uniform(0.75, 1.2),
            adjust=rng.random() < 0.12,
            stop_on=closes_on,
        )
        if final is None:
            return self._maybe_terminate(agreement, closes_on)
        paid_on = plus(final, rng.randrange(20, 60))
        if not self._pay(agreement, 3, paid_on, rng.random() < 0.85):
            return None
        closed = plus(paid_on, rng.randrange(10, 40))
        if closed <= self.today:
            self.clock.step(closed)
            agreements.agreement_transition(
                agreement=agreement, to=AgreementState.CLOSED, by=self.instructor
            )
        return None

    def _maybe_terminate(self, agreement: Agreement, closes_on: datetime.date | None) -> None:
        """A place that closes during its agreement ends it (the tranches left are not paid)."""
        if closes_on is None or closes_on > self.today:
            return
        self.clock.step(closes_on)
        agreements.agreement_transition(
            agreement=agreement,
            to=AgreementState.TERMINATED,
            by=self.instructor,
            reason="Fermeture du tiers-lieu (démo).",
        )
