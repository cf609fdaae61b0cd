"""Reads on agreements, premises agreements and the accompaniment journal.

Who sees what is decided here, from the user:

- instructors (and superusers) see every agreement, premises agreement and journal entry;
- holders see their organisation's agreements;
- local authorities see the premises agreements they are party to;
- the regional network sees the accompaniment journal and the pipeline;
- staff and partners see only their region's records (``User.region_code``), a national reader
  those of every region, read-only (ADR 0029).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tierslieux.agreements import rules
from tierslieux.agreements.models import (
    MILESTONE_ORDER,
    Agreement,
    AgreementIndicator,
    AgreementLog,
    JournalEntry,
    Milestone,
    MilestoneDecision,
    PaymentTranche,
    PremisesAgreement,
    ProjectStage,
    TrancheState,
)
from tierslieux.agreements.workflow import FINAL_STATES, AgreementState
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.permissions import has_role, region_q, user_can, user_roles
from tierslieux.core.roles import Role
from tierslieux.territory.models import Departement

REMINDER_WINDOW_DAYS = 30


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_instructor(user: Any) -> bool:
    return _active(user) and (user.is_superuser or has_role(user, Role.INSTRUCTOR))


# --- agreements ------------------------------------------------------------------------------


def agreement_visible_qs(*, user: Any) -> QuerySet[Agreement]:
    """The agreements ``user`` may see: all for instructors, their organisation's for holders."""
    agreements = Agreement.objects.select_related("application", "application__organisation")
    if _is_instructor(user) or (_active(user) and has_role(user, Role.NATIONAL_READER)):
        return agreements.filter(region_q(user, "application__call__region_code"))
    if not _active(user) or user.organisation_id is None or Role.HOLDER not in user_roles(user):
        return agreements.none()
    return agreements.filter(application__organisation_id=user.organisation_id)


def agreement_list(*, user: Any, state: str = "") -> QuerySet[Agreement]:
    """The agreements ``user`` may see, optionally in one state."""
    agreements = agreement_visible_qs(user=user)
    if state:
        agreements = agreements.filter(state=state)
    return agreements.order_by("-starts_on", "pk")


def agreement_get(*, user: Any, pk: int) -> Agreement | None:
    """One agreement if ``user`` may see it."""
    return agreement_visible_qs(user=user).filter(pk=pk).first()


def agreement_rows(
    *,
    user: Any,
    state: str = "",
    call: Any = None,
    departement: str = "",
    on: datetime.date | None = None,
) -> list[Agreement]:
    """The list page: visible agreements filtered by state, call and département, each with
    ``paid_cents``, ``next_meeting_on`` (earliest meeting not held) and ``overdue`` (a signed
    agreement whose next meeting's date has passed)."""
    on = on or clock.today()
    paid = (
        PaymentTranche.objects.filter(agreement=OuterRef("pk"), state=TrancheState.PAID)
        .values("agreement")
        .annotate(s=Sum("paid_amount_cents"))
        .values("s")
    )
    agreements = (
        agreement_list(user=user, state=state)
        .select_related("application__call", "application__commune")
        .annotate(
            paid=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0)),
            next_meeting_on=Min("milestones__planned_on", filter=Q(milestones__held_on=None)),
        )
    )
    if call:
        agreements = agreements.filter(application__call=call)
    if departement:
        agreements = agreements.filter(application__commune__departement_id=departement)
    rows = list(agreements)
    for agreement in rows:
        agreement.paid_cents = agreement.paid
        agreement.overdue = bool(
            agreement.state == AgreementState.SIGNED
            and agreement.next_meeting_on
            and agreement.next_meeting_on < on
        )
    return rows


def applications_awaiting_agreement(*, user: Any) -> QuerySet[Application]:
    """Accepted applications without an agreement yet (for those who write agreements)."""
    if not user_can(user, "agreements.agreement_manage"):
        return Application.objects.none()
    return (
        Application.objects.filter(
            region_q(user, "call__region_code"),
            state=ApplicationState.ACCEPTED,
            decision__accepted=True,
            agreement__isnull=True,
        )
        .select_related("call", "organisation", "commune", "decision")
        .order_by("decision__committee_on", "pk")
    )


def application_for_agreement(*, user: Any, pk: int) -> Application | None:
    """One accepted application without an agreement, for ``user`` to write it."""
    return applications_awaiting_agreement(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its value at each meeting (``None`` when not recorded)."""

    indicator: AgreementIndicator
    values: tuple[Any, ...]
    """One ``IndicatorValue`` or ``None`` per meeting kind, in ``MILESTONE_ORDER``."""


def indicator_table(agreement: Agreement) -> list[IndicatorRow]:
    """The indicators of an agreement with their baseline, target and values at each meeting."""
    indicators = list(agreement.indicators.prefetch_related("values__milestone"))
    rows = []
    for indicator in indicators:
        by_kind = {v.milestone.kind: v for v in indicator.values.all()}
        rows.append(
            IndicatorRow(indicator=indicator, values=tuple(by_kind.get(k) for k in MILESTONE_ORDER))
        )
    return rows


def agreement_log_list(*, user: Any, agreement: Agreement) -> QuerySet[AgreementLog]:
    """The history of an agreement ``user`` may see, oldest first."""
    if not user_can(user, "agreements.agreement_view", agreement):
        return AgreementLog.objects.none()
    return agreement.logs.select_related("by", "milestone", "tranche").order_by("at", "pk")


def milestone_get(*, user: Any, pk: int) -> Milestone | None:
    """One meeting of an agreement ``user`` may see."""
    return (
        Milestone.objects.select_related("agreement", "decided_by")
        .filter(pk=pk, agreement__in=agreement_visible_qs(user=user))
        .first()
    )


def tranche_get(*, user: Any, pk: int) -> PaymentTranche | None:
    """One tranche of an agreement ``user`` may see."""
    return (
        PaymentTranche.objects.select_related("agreement")
        .filter(pk=pk, agreement__in=agreement_visible_qs(user=user))
        .first()
    )


def user_may_view_agreement(user: Any, agreement: Agreement) -> bool:
    """Object rule of ``agreements.agreement_view`` (same answer as the selectors)."""
    return agreement_visible_qs(user=user).filter(pk=agreement.pk).exists()


def paid_cents(agreement: Agreement) -> int:
    """Total paid on an agreement so far."""
    return (
        agreement.tranches.filter(state=TrancheState.PAID).aggregate(s=Sum("paid_amount_cents"))[
            "s"
        ]
        or 0
    )


@dataclass(frozen=True)
class PaymentSummary:
    granted_cents: int
    scheduled_cents: int
    paid_cents: int
    payable_cents: int

    @property
    def remaining_cents(self) -> int:
        return self.granted_cents - self.paid_cents


def payment_summary(agreement: Agreement) -> PaymentSummary:
    """Grant, schedule, paid and payable amounts of one agreement."""
    tranches = list(agreement.tranches.all())
    return PaymentSummary(
        granted_cents=agreement.amount_cents,
        scheduled_cents=sum(t.amount_cents for t in tranches),
        paid_cents=sum(t.paid_amount_cents or 0 for t in tranches if t.state == TrancheState.PAID),
        payable_cents=sum(t.amount_cents for t in tranches if t.state == TrancheState.PAYABLE),
    )


def tranche_list(*, user: Any, agreement: Agreement) -> QuerySet[PaymentTranche]:
    """The payment schedule of an agreement ``user`` may see."""
    if not user_can(user, "agreements.agreement_view", agreement):
        return PaymentTranche.objects.none()
    return agreement.tranches.order_by("order")


def tranche_blockers(agreement: Agreement, tranches: list[PaymentTranche]) -> dict[int, str]:
    """Why each unpaid tranche cannot be paid now, by tranche id; the tranche payable now (at
    most one: tranches are paid in order) has no entry. Same reasons as ``tranche_pay``."""
    milestones = {m.kind: m for m in agreement.milestones.all()}
    blockers: dict[int, str] = {}
    first_unpaid: PaymentTranche | None = None
    for tranche in sorted(tranches, key=lambda t: t.order):
        if tranche.state == TrancheState.PAID:
            continue
        milestone = milestones.get(tranche.depends_on) if tranche.depends_on else None
        if agreement.state != AgreementState.SIGNED:
            blockers[tranche.pk] = _(
                "Tranches are paid on a signed agreement (status: %(state)s)."
            ) % {"state": agreement.get_state_display()}
        elif milestone is not None and milestone.decision != MilestoneDecision.APPROVED:
            blockers[tranche.pk] = _(
                "This tranche is not payable yet: it depends on the %(meeting)s, which is "
                "not approved (%(decision)s)."
            ) % {
                "meeting": milestone.get_kind_display().lower(),
                "decision": milestone.get_decision_display().lower(),
            }
        elif first_unpaid is not None:
            blockers[tranche.pk] = _("The tranches are paid in order: pay “%(label)s” first.") % {
                "label": first_unpaid.label
            }
        elif tranche.state != TrancheState.PAYABLE:
            blockers[tranche.pk] = _("This tranche is not payable yet.")
        if first_unpaid is None:
            first_unpaid = tranche
    return blockers


def milestone_list(*, user: Any, agreement: Agreement) -> QuerySet[Milestone]:
    """The three meetings of an agreement ``user`` may see, in date order."""
    if not user_can(user, "agreements.agreement_view", agreement):
        return Milestone.objects.none()
    return agreement.milestones.order_by("planned_on", "pk")


# --- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    """What an instructor must prepare or chase, as of ``on``."""

    on: datetime.date
    upcoming: tuple[Milestone, ...] = ()
    """Meetings not held yet, planned within the window."""
    overdue: tuple[Milestone, ...] = ()
    """Meetings not held yet whose planned date has passed."""
    reports_due: tuple[Milestone, ...] = ()
    """Meetings held whose report (minutes, indicator values, decision) is not approved yet."""
    renewals: tuple[PremisesAgreement, ...] = field(default=())
    """Premises agreements whose renewal date is within their reminder notice (or past)."""

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.overdue or self.reports_due or self.renewals)


def _milestones_of_instructor(user: Any) -> QuerySet[Milestone]:
    """Meetings to hold of the agreements ``user`` instructs (or nobody is assigned to)."""
    mine = Q(agreement__application__instructors=user) | Q(
        agreement__application__instructors__isnull=True
    )
    return (
        Milestone.objects.to_hold()
        .filter(mine)
        .select_related("agreement", "agreement__application")
        .distinct()
        .order_by("planned_on", "pk")
    )


def premises_renewals_due(*, on: datetime.date, where: Q | None = None) -> list[PremisesAgreement]:
    """Premises agreements whose renewal date is within its reminder notice of ``on`` or past
    (of those matching ``where``: a user's regions)."""
    candidates = PremisesAgreement.objects.filter(
        where or Q(), renewal_on__isnull=False
    ).select_related("place", "authority")
    return [
        p
        for p in candidates.order_by("renewal_on", "pk")
        if rules.renewal_reminder_on(p.renewal_on, p.renewal_notice_days) <= on
        and p.renewal_on >= on - datetime.timedelta(days=REMINDER_WINDOW_DAYS)
    ]


def reminders_for(
    *, user: Any, on: datetime.date | None = None, within_days: int = REMINDER_WINDOW_DAYS
) -> Reminders:
    """Upcoming and overdue meetings, reports due and premises renewals of one instructor."""
    on = on or clock.today()
    if not user_can(user, "agreements.reminders_view"):
        return Reminders(on=on)
    milestones = list(
        _milestones_of_instructor(user).filter(
            region_q(user, "agreement__application__call__region_code")
        )
    )
    horizon = on + datetime.timedelta(days=within_days)
    not_held = [m for m in milestones if m.held_on is None]
    return Reminders(
        on=on,
        upcoming=tuple(m for m in not_held if on <= m.planned_on <= horizon),
        overdue=tuple(m for m in not_held if m.is_overdue_on(on)),
        reports_due=tuple(
            m
            for m in milestones
            if m.held_on is not None and m.decision != MilestoneDecision.APPROVED
        ),
        renewals=tuple(premises_renewals_due(on=on, where=region_q(user, "region_code"))),
    )


# --- premises agreements ---------------------------------------------------------------------


def premises_visible_qs(*, user: Any) -> QuerySet[PremisesAgreement]:
    """All for instructors; a local authority's own premises agreements for its members."""
    premises = PremisesAgreement.objects.select_related("place", "authority")
    if _is_instructor(user) or (_active(user) and has_role(user, Role.NATIONAL_READER)):
        return premises.filter(region_q(user, "region_code"))
    if _active(user) and user.organisation_id and Role.AUTHORITY in user_roles(user):
        return premises.filter(region_q(user, "region_code"), authority_id=user.organisation_id)
    return premises.none()


def premises_list(*, user: Any) -> QuerySet[PremisesAgreement]:
    return premises_visible_qs(user=user).order_by("-starts_on", "pk")


def premises_get(*, user: Any, pk: int) -> PremisesAgreement | None:
    """One premises agreement if ``user`` may see it."""
    return premises_visible_qs(user=user).filter(pk=pk).first()


def user_may_agree_for_authority(user: Any, authority: Any) -> bool:
    """Object rule of ``agreements.premises_from_match``: staff, or a member of ``authority``."""
    if _is_instructor(user):
        return True
    return bool(
        _active(user)
        and user.organisation_id
        and user.organisation_id == getattr(authority, "pk", None)
        and Role.AUTHORITY in user_roles(user)
    )


def user_may_view_premises_agreement(user: Any, premises: PremisesAgreement) -> bool:
    """Object rule of ``agreements.premises_view``."""
    return premises_visible_qs(user=user).filter(pk=premises.pk).exists()


# --- accompaniment journal and pipeline --------------------------------------------------------


def journal_list(*, user: Any, stage: str = "", departement: str = "") -> QuerySet[JournalEntry]:
    """Journal entries (instructors and the regional network), newest first."""
    if not user_can(user, "agreements.journal_view"):
        return JournalEntry.objects.none()
    entries = JournalEntry.objects.filter(region_q(user, "region_code")).select_related(
        "commune", "place", "application", "organisation", "author"
    )
    if stage:
        entries = entries.filter(stage=stage)
    if departement:
        entries = entries.filter(commune__departement_id=departement)
    return entries.order_by("-happened_on", "-pk")


@dataclass(frozen=True)
class PipelineRow:
    stage: str
    departement: str
    """Département code ("" when unknown)."""
    count: int


@dataclass(frozen=True)
class PipelineProject:
    """One accompanied project: its name, current stage, département and latest step."""

    label: str
    stage: str
    departement: str
    last_on: datetime.date
    entries: int

    @property
    def stage_label(self) -> str:
        return str(ProjectStage(self.stage).label)


@dataclass(frozen=True)
class Pipeline:
    rows: tuple[PipelineRow, ...]
    by_stage: dict[str, int]
    projects: tuple[PipelineProject, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())

    @property
    def emerging(self) -> int:
        """Projects still in the making (neither funded nor abandoned)."""
        return sum(
            n
            for stage, n in self.by_stage.items()
            if stage not in {ProjectStage.FUNDED, ProjectStage.ABANDONED}
        )


def _entry_departement(entry: JournalEntry) -> str:
    if entry.commune_id:
        return entry.commune.departement_id
    if entry.application_id and entry.application.commune_id:
        return entry.application.commune.departement_id
    if entry.place_id:
        return entry.place.commune.departement_id
    return ""


def pipeline(*, user: Any, departement: str | None = None) -> Pipeline:
    """Projects accompanied, counted by their current stage and département.

    A project is its application, else its place, else its label; its stage is the stage of its
    latest journal entry, its département that of its latest entry saying where it is.
    """
    if not user_can(user, "agreements.pipeline_view"):
        return Pipeline(rows=(), by_stage={})
    entries = (
        JournalEntry.objects.filter(region_q(user, "region_code"))
        .select_related("commune", "application__commune", "place__commune")
        .order_by("happened_on", "pk")
    )
    stage_of: dict[tuple[str, str], str] = {}
    dep_of: dict[tuple[str, str], str] = {}
    label_of: dict[tuple[str, str], str] = {}
    last_of: dict[tuple[str, str], datetime.date] = {}
    entries_of: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        key = entry.project_key
        stage_of[key] = entry.stage
        label_of[key] = entry.project_key_label
        last_of[key] = entry.happened_on
        entries_of[key] += 1
        dep = _entry_departement(entry)
        if dep:
            dep_of[key] = dep
    counts: Counter[tuple[str, str]] = Counter()
    projects = []
    for key, stage in stage_of.items():
        dep = dep_of.get(key, "")
        if departement is not None and dep != departement:
            continue
        counts[(stage, dep)] += 1
        projects.append(
            PipelineProject(
                label=label_of[key],
                stage=stage,
                departement=dep,
                last_on=last_of[key],
                entries=entries_of[key],
            )
        )
    order = {s: i for i, s in enumerate(ProjectStage.values)}
    projects.sort(key=lambda p: (order[p.stage], -p.last_on.toordinal(), p.label.lower()))
    rows = tuple(
        PipelineRow(stage=stage, departement=dep, count=n)
        for (stage, dep), n in sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    )
    by_stage: dict[str, int] = dict.fromkeys(ProjectStage.values, 0)
    for row in rows:
        by_stage[row.stage] += row.count
    return Pipeline(rows=rows, by_stage=by_stage, projects=tuple(projects))


def milestone_actions(*, user: Any, agreement: Agreement, on: datetime.date) -> list[Milestone]:
    """The agreement's meetings in order, each with what ``user`` may do with it on ``on``:

    ``can_record`` (a signed agreement, the meeting not approved, the previous ones approved —
    the order ``services.milestone_record`` enforces), ``can_reschedule`` (not held, agreement
    still open) and ``overdue`` (signed, planned before ``on``, not held).
    """
    can_manage = user_can(user, "agreements.agreement_manage", agreement)
    milestones = sorted(
        milestone_list(user=user, agreement=agreement), key=lambda m: MILESTONE_ORDER.index(m.kind)
    )
    approved = {m.kind for m in milestones if m.decision == MilestoneDecision.APPROVED}
    signed = agreement.state == AgreementState.SIGNED
    for index, milestone in enumerate(milestones):
        previous_ok = all(k in approved for k in MILESTONE_ORDER[:index])
        milestone.can_record = (
            can_manage
            and signed
            and milestone.decision != MilestoneDecision.APPROVED
            and previous_ok
        )
        milestone.can_reschedule = (
            can_manage and milestone.held_on is None and agreement.state not in FINAL_STATES
        )
        milestone.overdue = signed and milestone.is_overdue_on(on)
    return milestones


@dataclass(frozen=True)
class PipelineMatrixRow:
    """One département of the pipeline: its projects by stage, in ``ProjectStage`` order."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def pipeline_matrix(pipeline: Pipeline) -> list[PipelineMatrixRow]:
    """The pipeline by département and stage (projects of unknown territory last)."""
    codes = sorted({row.departement for row in pipeline.rows}, key=lambda c: (c == "", c))
    names = Departement.objects.in_bulk([c for c in codes if c])
    counts = {(row.departement, row.stage): row.count for row in pipeline.rows}
    return [
        PipelineMatrixRow(
            label=str(names[code]) if code in names else str(_("Territory unknown")),
            counts=tuple(counts.get((code, stage), 0) for stage in ProjectStage.values),
        )
        for code in codes
    ]
