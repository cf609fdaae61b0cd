"""Reads on calls and applications. Who sees what is decided here, from the user.

- holders see their organisation's applications (drafts included);
- instructors see every application once submitted;
- a partner (network, local authority, State) sees only the applications it is asked to give an
  opinion on; the regional network also sees those listed in a project review;
- the public sees the funded projects (name, commune, amount, year);
- staff and partners see only the files of their region (``User.region_code``), a national
  reader those of every region, read-only; holders their own whatever the region (ADR 0029).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from tierslieux.calls import rules
from tierslieux.calls.models import (
    Application,
    Assessment,
    Attachment,
    Call,
    CallKind,
    CoFinancer,
    Decision,
    Opinion,
    ProjectReview,
    ProjectReviewItem,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import money
from tierslieux.core.permissions import has_role, region_q, user_can, user_roles
from tierslieux.core.roles import Role
from tierslieux.places.models import PlaceState
from tierslieux.territory.models import Departement


def _is_instructor(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or has_role(user, Role.INSTRUCTOR))
    )


def application_visible_qs(*, user: Any) -> QuerySet[Application]:
    """Applications ``user`` may see (see the module docstring)."""
    applications = Application.objects.select_related(
        "call", "organisation", "commune", "commune__departement", "place"
    )
    if user is None or not user.is_authenticated or not user.is_active:
        return applications.none()
    in_region = region_q(user, "call__region_code")
    if _is_instructor(user) or has_role(user, Role.NATIONAL_READER):
        return applications.exclude(state=ApplicationState.DRAFT).filter(in_region)
    roles = user_roles(user)
    org = user.organisation_id
    if org is None:
        return applications.none()
    visible = Q(pk__in=[])
    if Role.HOLDER in roles:
        visible |= Q(organisation_id=org)
    if roles & {Role.NETWORK, Role.AUTHORITY}:
        visible |= Q(opinions__organisation_id=org) & ~Q(state=ApplicationState.DRAFT) & in_region
    if Role.NETWORK in roles:
        visible |= Q(review_items__isnull=False) & ~Q(state=ApplicationState.DRAFT) & in_region
    return applications.filter(visible).distinct()


def application_list(
    *, user: Any, call: Call | None = None, state: str = ""
) -> QuerySet[Application]:
    """The applications ``user`` may see, optionally of one call and in one state."""
    applications = application_visible_qs(user=user)
    if call is not None:
        applications = applications.filter(call=call)
    if state:
        applications = applications.filter(state=state)
    return applications.order_by("-created_at", "pk")


def application_get(*, user: Any, pk: int) -> Application | None:
    """One application if ``user`` may see it."""
    return application_visible_qs(user=user).filter(pk=pk).first()


def user_may_view_application(user: Any, application: Application) -> bool:
    """Object rule of ``calls.application_view`` (same answer as the selectors)."""
    return application_visible_qs(user=user).filter(pk=application.pk).exists()


# --- content of an application ---------------------------------------------------------------


def financing_plan(application: Application) -> rules.PlanBalance:
    """Totals of the application's financing plan."""
    return rules.financing_plan_balance(
        application.expenses.values_list("amount_cents", flat=True),
        application.resources.values_list("amount_cents", flat=True),
    )


def eligible_expenses_cents(application: Application) -> int:
    return application.expenses.filter(is_eligible=True).aggregate(s=Sum("amount_cents"))["s"] or 0


def region_requested_cents(application: Application) -> int:
    """The regional aid the holder asks for: the Région's lines of the financing plan."""
    return (
        application.resources.filter(financer=CoFinancer.REGION).aggregate(s=Sum("amount_cents"))[
            "s"
        ]
        or 0
    )


def call_aid_rules(call: Call) -> dict[str, rules.AidRule]:
    """The call's aid rules as data for ``rules.aid_suggestion``."""
    return {r.profile: rules.AidRule(r.rate, r.cap_cents) for r in call.aid_rules.all()}


def application_missing(application: Application) -> list[str]:
    """What the holder must still provide before submitting (empty when complete)."""
    a = application
    missing: list[str] = []
    text_fields = [
        ("title", _("the name of the project")),
        ("summary", _("a summary of the project")),
        ("collective", _("the collective")),
        ("governance", _("the governance")),
        ("service_offer", _("the service offer")),
        ("business_model", _("the business model")),
        ("premises", _("the premises")),
        ("timeline", _("the timeline")),
    ]
    missing += [label for name, label in text_fields if not getattr(a, name).strip()]
    if a.premises_lent_by_authority is None:
        missing.append(_("whether a local authority lends the premises"))
    elif a.premises_lent_by_authority and not a.premises_authority.strip():
        missing.append(_("the local authority lending the premises"))
    if a.point is None:
        missing.append(_("the location of the project (commune or point)"))
    if a.call.kind == CallKind.DEVELOPMENT and a.place_id is None:
        missing.append(_("the tiers-lieu to develop"))
    answered = set(
        a.answers.exclude(text="").values_list("criterion_id", flat=True)
    )  # blank answers do not count
    for criterion in a.call.criteria.all():
        if criterion.pk not in answered:
            missing.append(_("an answer to the criterion “%(name)s”") % {"name": criterion.name})
    plan = financing_plan(a)
    if plan.expenses_cents == 0:
        missing.append(_("the expenses of the financing plan"))
    if not a.resources.filter(financer=CoFinancer.REGION).exists():
        missing.append(_("the aid requested from the Région in the financing plan"))
    if plan.expenses_cents and not plan.is_balanced:
        missing.append(
            _(
                "a balanced financing plan (expenses %(expenses)s, resources %(resources)s, "
                "difference %(difference)s)"
            )
            % {
                "expenses": money.format_euros(plan.expenses_cents),
                "resources": money.format_euros(plan.resources_cents),
                "difference": money.format_euros(plan.difference_cents),
            }
        )
    if not rules.siret_is_valid(a.organisation.siret):
        missing.append(_("a valid SIRET number for the organisation"))
    return missing


STORED = object()
"""``application_eligibility``'s default: read the mesh figures stored on the application."""


def application_eligibility(
    application: Application, *, on: datetime.date, minutes_to_nearest_place: Any = STORED
) -> rules.Eligibility:
    """The call's eligibility rules applied to the application: with the mesh figures as stored,
    or with ``minutes_to_nearest_place`` just computed (a submission checks before it stores)."""
    call = application.call
    if call.kind == CallKind.CREATION:
        minutes = (
            application.minutes_to_nearest_place
            if minutes_to_nearest_place is STORED
            else minutes_to_nearest_place
        )
        return rules.creation_eligibility(minutes, threshold_minutes=float(call.carence_minutes))
    if call.kind == CallKind.DEVELOPMENT:
        place = application.place
        if place is None:
            return rules.Eligibility((_("The tiers-lieu to develop is missing."),))
        staff = application.staff_fte if application.staff_fte is not None else place.staff_fte
        return rules.development_eligibility(
            is_open=place.state == PlaceState.OPEN,
            opened_on=place.opened_on,
            staff_fte=staff,
            on=on,
            min_years_open=call.min_years_open,
            min_staff_fte=call.min_staff_fte,
        )
    return rules.Eligibility()


def application_timeline(application: Application) -> list[Any]:
    """Status changes and messages, oldest first: what the holder follows."""
    items: list[Any] = [*application.logs.select_related("by"), *application.messages.all()]
    return sorted(items, key=lambda item: getattr(item, "at", None) or item.created_at)


# --- instruction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentRow:
    criterion_id: int
    name: str
    weight: int
    scale_max: int
    score: int | None
    comment: str
    version: int
    """The version an edit must name (0 when nobody has assessed the criterion yet)."""


def assessment_list(*, user: Any, application: Application) -> list[AssessmentRow]:
    """The assessment per criterion, with the version each edit starts from (instructors)."""
    if not user_can(user, "calls.application_instruct"):
        return []
    existing = {a.criterion_id: a for a in Assessment.objects.filter(application=application)}
    rows = []
    for criterion in application.call.criteria.all():
        a = existing.get(criterion.pk)
        rows.append(
            AssessmentRow(
                criterion_id=criterion.pk,
                name=criterion.name,
                weight=criterion.weight,
                scale_max=criterion.scale_max,
                score=a.score if a else None,
                comment=a.comment if a else "",
                version=a.version if a else 0,
            )
        )
    return rows


def application_score(rows: list[AssessmentRow]) -> Decimal | None:
    """Weighted score (0..1) of an assessment, ``None`` until every criterion is scored."""
    return rules.weighted_score(rules.CriterionScore(r.score, r.scale_max, r.weight) for r in rows)


def opinion_list(*, user: Any, application: Application | None = None) -> QuerySet[Opinion]:
    """Opinions of the user's region(s): all for instructors (and national readers), those
    asked of their organisation for partners."""
    opinions = Opinion.objects.select_related("application", "organisation")
    if application is not None:
        opinions = opinions.filter(application=application)
    if _is_instructor(user) or has_role(user, Role.NATIONAL_READER):
        return opinions.filter(region_q(user, "application__call__region_code"))
    if (
        user is not None
        and user.is_authenticated
        and user.organisation_id
        and user_roles(user) & {Role.NETWORK, Role.AUTHORITY}
    ):
        return opinions.filter(
            region_q(user, "application__call__region_code"),
            organisation_id=user.organisation_id,
        )
    return opinions.none()


def attachment_get(*, user: Any, pk: int) -> Attachment | None:
    """An attachment if ``user`` may see its application (pages serve the file after this)."""
    attachment = Attachment.objects.select_related("application").filter(pk=pk).first()
    if attachment is None or not user_may_view_application(user, attachment.application):
        return None
    return attachment


# --- budget and funded projects --------------------------------------------------------------


@dataclass(frozen=True)
class DepartementBudget:
    code: str
    name: str
    ceiling_cents: int | None
    committed_cents: int

    @property
    def remaining_cents(self) -> int | None:
        return None if self.ceiling_cents is None else self.ceiling_cents - self.committed_cents


@dataclass(frozen=True)
class BudgetSummary:
    envelope_cents: int
    committed_cents: int
    proposed_cents: int
    """Amounts proposed to the committee, not yet decided."""
    departements: tuple[DepartementBudget, ...] = ()

    @property
    def remaining_cents(self) -> int:
        return self.envelope_cents - self.committed_cents


def committed_cents(call: Call, *, departement: str | None = None) -> int:
    """Sum of the grants decided in ``call`` (in one département if given)."""
    decisions = Decision.objects.filter(application__call=call, accepted=True)
    if departement is not None:
        decisions = decisions.filter(application__commune__departement_id=departement)
    return decisions.aggregate(s=Sum("granted_cents"))["s"] or 0


def budget_summary(call: Call) -> BudgetSummary:
    """Envelope, committed and remaining for one call, with its ceilings per département."""
    by_dep = dict(
        Decision.objects.filter(application__call=call, accepted=True)
        .values_list("application__commune__departement_id")
        .annotate(s=Sum("granted_cents"))
        .values_list("application__commune__departement_id", "s")
    )
    ceilings = {c.departement_id: c for c in call.ceilings.select_related("departement")}
    codes = sorted(set(ceilings) | {c for c in by_dep if c})
    names = dict(Departement.objects.filter(code__in=codes).values_list("code", "name"))
    proposed = (
        Application.objects.filter(call=call, state=ApplicationState.PROPOSED).aggregate(
            s=Sum("proposed_cents")
        )["s"]
        or 0
    )
    return BudgetSummary(
        envelope_cents=call.budget_cents,
        committed_cents=sum(by_dep.values()),
        proposed_cents=proposed,
        departements=tuple(
            DepartementBudget(
                code=code,
                name=names.get(code, code),
                ceiling_cents=ceilings[code].ceiling_cents if code in ceilings else None,
                committed_cents=by_dep.get(code, 0),
            )
            for code in codes
        ),
    )


def budget_by_year(year: int, *, region_code: str | None = None) -> BudgetSummary:
    """Envelope, committed and remaining over the calls of one budget year (of one region's
    calls when ``region_code`` is given: each region has its own budget)."""
    calls = Call.objects.filter(year=year)
    decisions = Decision.objects.filter(application__call__year=year, accepted=True)
    proposals = Application.objects.filter(call__year=year, state=ApplicationState.PROPOSED)
    if region_code is not None:
        calls = calls.filter(region_code=region_code)
        decisions = decisions.filter(application__call__region_code=region_code)
        proposals = proposals.filter(call__region_code=region_code)
    envelope = calls.aggregate(s=Sum("budget_cents"))["s"] or 0
    committed = decisions.aggregate(s=Sum("granted_cents"))["s"] or 0
    proposed = proposals.aggregate(s=Sum("proposed_cents"))["s"] or 0
    return BudgetSummary(
        envelope_cents=envelope, committed_cents=committed, proposed_cents=proposed
    )


@dataclass(frozen=True)
class FundedProject:
    """What the public sees of a funded project."""

    application_id: int
    name: str
    organisation: str
    commune: str
    commune_code: str
    amount_cents: int
    year: int
    call: str


def funded_projects_list(
    *, year: int | None = None, departement: str = "", min_cents: int = 0, region: str = ""
) -> list[FundedProject]:
    """Accepted applications with their grant: public information (name, commune, amount);
    of the calls of one region when ``region`` is given (its INSEE code)."""
    applications = (
        Application.objects.funded()
        .select_related("call", "commune", "organisation", "decision")
        .order_by("-call__year", "title", "pk")
    )
    if year is not None:
        applications = applications.filter(call__year=year)
    if region:
        applications = applications.filter(call__region_code=region)
    if departement:
        applications = applications.filter(commune__departement_id=departement)
    if min_cents:
        applications = applications.filter(decision__granted_cents__gte=min_cents)
    return [
        FundedProject(
            application_id=a.pk,
            name=a.title,
            organisation=a.organisation.name,
            commune=a.commune.name if a.commune_id else "",
            commune_code=a.commune_id or "",
            amount_cents=a.decision.granted_cents,
            year=a.call.year,
            call=a.call.name,
        )
        for a in applications
    ]


@dataclass(frozen=True)
class CallsByStatus:
    """The calls, grouped as the public sees them on a given day."""

    open: list[Call]
    coming: list[Call]
    past: list[Call]


def call_list_by_status(*, on: datetime.date, region: str = "") -> CallsByStatus:
    """Open calls (closing first), coming calls, and past calls (most recent first); of one
    region when ``region`` is given (its INSEE code), of every region otherwise."""
    calls = Call.objects.order_by("closes_on", "name")
    if region:
        calls = calls.filter(region_code=region)
    return CallsByStatus(
        open=list(calls.open(on)),
        coming=list(calls.filter(opens_on__gt=on)),
        past=list(calls.filter(closes_on__lt=on).order_by("-closes_on", "name")),
    )


def call_get(*, pk: int) -> Call | None:
    """One call with its criteria and aid rules (calls are public)."""
    return Call.objects.prefetch_related("criteria", "aid_rules").filter(pk=pk).first()


def project_review_list(*, user: Any) -> QuerySet[ProjectReview]:
    """Project reviews with the regional network (instructors and the network see them)."""
    if not user_can(user, "calls.review_record_view"):
        return ProjectReview.objects.none()
    return (
        ProjectReview.objects.filter(region_q(user, "region_code"))
        .select_related("call")
        .prefetch_related("items__application")
    )


def project_review_get(*, user: Any, pk: int) -> tuple[ProjectReview, list[ProjectReviewItem]]:
    """One project review and its items; ``ProjectReview.DoesNotExist`` when not visible."""
    review = project_review_list(user=user).get(pk=pk)
    items = list(
        ProjectReviewItem.objects.filter(review=review).select_related(
            "application__organisation", "application__commune", "recorded_by"
        )
    )
    return review, items


def calls_of_year(year: int, *, region_code: str | None = None) -> QuerySet[Call]:
    """The calls of one budget year (of one region if given), by name."""
    calls = Call.objects.filter(year=year)
    if region_code is not None:
        calls = calls.filter(region_code=region_code)
    return calls.order_by("name")


def call_years() -> list[int]:
    """The budget years that have calls, most recent first."""
    return list(Call.objects.order_by("-year").values_list("year", flat=True).distinct())


# --- start pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


def application_counts_by_state(*, user: Any) -> list[StateCount]:
    """How many applications ``user`` may see are in each state (states with none left out)."""
    counts = dict(
        application_visible_qs(user=user)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk", distinct=True))
    )
    return [
        StateCount(state.value, str(state.label), counts[state.value])
        for state in ApplicationState
        if counts.get(state.value)
    ]


def opinion_pending_list(*, user: Any) -> QuerySet[Opinion]:
    """Opinions asked of ``user``'s organisation and not given yet, the soonest due first."""
    if user is None or not user.is_authenticated or not user.organisation_id:
        return Opinion.objects.none()
    return (
        opinion_list(user=user)
        .filter(organisation_id=user.organisation_id, given_at__isnull=True)
        .select_related("application__call")
        .order_by("due_on", "pk")
    )
