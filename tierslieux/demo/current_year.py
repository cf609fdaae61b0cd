"""The current year: about ten applications in progress on the open demo call, at every step
of the workflow up to two accepted ones still without their convention."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from tierslieux.accounts.models import User
from tierslieux.calls import demo_call
from tierslieux.calls import services as calls
from tierslieux.calls.models import (
    Application,
    Call,
    CallKind,
    OpinionVerdict,
    PartnerKind,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.demo.applications import ApplicationSteps
from tierslieux.demo.labels import DEMO_REFERENCE_PREFIX
from tierslieux.demo.names import (
    date_of,
    plus,
)
from tierslieux.demo.policy import (
    CURRENT_CALL_OPENED_DAYS_AGO,
    CURRENT_YEAR_STATES,
)
from tierslieux.demo.territory import CommuneInfo


class CurrentYear(ApplicationSteps):
    """The current year's work in progress on the open demo call."""

    def current_call(self) -> Call:
        """The open demo creation call of the current year (``ensure_demo_call``'s, as
        ``make setup`` makes it), or a new one made the same way."""
        year = self.today.year
        call = (
            Call.objects.filter(
                is_demo=True,
                kind=CallKind.CREATION,
                year=year,
                opens_on__lte=self.today,
                closes_on__gte=self.today,
            )
            .order_by("pk")
            .first()
        )
        opens_on = plus(self.today, -CURRENT_CALL_OPENED_DAYS_AGO)
        self.clock.step(opens_on)  # in both cases, so that the times that follow are the same
        if call is not None:
            self.summary.current_call_reused = True
            return call
        call = demo_call.demo_call_create(today=self.today, by=self.instructor)
        self.summary.calls += 1
        return call

    def current_year(self, communes: list[CommuneInfo]) -> None:
        """About ten applications of this year on the open demo call, at every step of the
        workflow (``CURRENT_YEAR_STATES``), dated between the call's opening and today: the
        instruction pages have work, and the two accepted ones await their convention."""
        rng = self.rng
        call = self.current_call()
        self.summary.current_call = call.name
        start = max(call.opens_on, date_of(self.today.year, 1, 1))
        span = max((self.today - start).days, 0)

        def on(fraction: float) -> datetime.date:
            """The day at ``fraction`` of the way from the call's opening to today."""
            return plus(start, round(span * fraction))

        pool = self._free_white_zones(communes, float(call.carence_minutes))
        chosen: list[CommuneInfo] = []
        while len(chosen) < len(CURRENT_YEAR_STATES) and pool:
            chosen.append(pool.pop(rng.randrange(len(pool))))
        criteria = list(call.criteria.all())
        overdue_at = CURRENT_YEAR_STATES.index(ApplicationState.UNDER_INSTRUCTION)
        for n, (commune, target) in enumerate(zip(chosen, CURRENT_YEAR_STATES, strict=False)):
            name = self._project_name(commune)
            holder, _organisation = self.holder(name, commune)
            # Drafts were begun lately; the others in the first days of the call.
            self.clock.step(on(0.6 if target == ApplicationState.DRAFT else 0.05 * (n % 3)))
            application = self._draft(
                call,
                commune=commune,
                title=name,
                holder=holder,
                complete=n != 0,  # the first draft is only begun (two answers, no plan)
            )
            if target != ApplicationState.DRAFT:
                self._current_progress(
                    application,
                    target,
                    holder=holder,
                    criteria=criteria,
                    on=on,
                    overdue=n == overdue_at,
                )
            application.refresh_from_db()
            self._count(application)
            self.summary.current_states[application.state] += 1

    def _current_progress(
        self,
        application: Application,
        target: str,
        *,
        holder: User,
        criteria: list,
        on: Any,
        overdue: bool,
    ) -> None:
        """Move a complete draft of the current call along the workflow up to ``target``."""
        rng = self.rng
        self.clock.step(on(0.2))
        application = calls.application_submit(
            application=application, by=holder, notify=False, mesh_gain=self.gain
        )
        if target == ApplicationState.SUBMITTED:
            return
        self.clock.step(on(0.35))
        application = calls.application_transition(
            application=application,
            to=ApplicationState.UNDER_INSTRUCTION,
            by=self.instructor,
            notify=False,
        )
        if target == ApplicationState.CHANGES_REQUESTED:
            self.clock.step(on(0.5))
            calls.application_transition(
                application=application,
                to=ApplicationState.CHANGES_REQUESTED,
                by=self.instructor,
                reason="Merci de préciser les cofinancements et la gouvernance (démo).",
                notify=False,
            )
            return
        # The regional network's opinion: overdue for one application under instruction, not
        # due yet for the other, given (favourable) before the proposal for the others.
        self.clock.step(on(0.4))
        if target == ApplicationState.UNDER_INSTRUCTION:
            due_on = plus(self.today, -1 if overdue else 14)
        else:
            due_on = on(0.8)
        opinion = calls.opinion_request(
            application=application,
            organisation=self.network,
            partner_kind=PartnerKind.NETWORK,
            due_on=due_on,
            by=self.instructor,
            question="Avis du réseau régional sur le projet (démo).",
        )
        # The instructor's assessments: two criteria so far, all of them once proposed.
        self.clock.step(on(0.5))
        for criterion in criteria if target != ApplicationState.UNDER_INSTRUCTION else criteria[:2]:
            calls.assessment_save(
                application=application,
                criterion=criterion,
                score=rng.randint(max(0, criterion.scale_max - 2), criterion.scale_max),
                comment="Appréciation de l'instructrice (démo).",
                version=0,
                by=self.instructor,
            )
        if target == ApplicationState.UNDER_INSTRUCTION:
            return
        self.clock.step(on(0.7))
        calls.opinion_give(
            opinion=opinion,
            verdict=OpinionVerdict.FAVOURABLE,
            text="Avis du réseau régional (démo).",
            by=self.network_user,
        )
        self.clock.step(on(0.85))
        application = calls.application_amount_set(
            application=application, by=self.instructor, profile=None
        )
        application = calls.application_transition(
            application=application, to=ApplicationState.PROPOSED, by=self.instructor, notify=False
        )
        if target == ApplicationState.PROPOSED:
            return
        committee_on = on(0.95)
        self.clock.step(committee_on)
        year = application.call.year
        self.references[(year, "C")] += 1
        reference = f"{DEMO_REFERENCE_PREFIX}-CP-{year}-C{self.references[(year, 'C')]:03d}"
        # Within the envelope; on a reused call with too small an envelope, it stays proposed.
        with contextlib.suppress(calls.BudgetExceeded):
            calls.application_decide(
                application=application,
                accepted=True,
                committee_on=committee_on,
                reference=reference,
                by=self.instructor,
                notify=False,
            )
