"""Reads of the yearly survey: the list of years with their response rate, one survey's rate per
département, the places that have not answered, the aggregated results and the export rows.

Staff pages are for the Région's instructors and the regional network (``MANAGE_ACTION``); the
public questionnaire is reached only through a personal link (``invitation_get_by_token``).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from tierslieux.core.permissions import user_can
from tierslieux.places.models import PlaceService
from tierslieux.surveys.models import (
    UNSURE_CONFIDENCES,
    BusinessModelConfidence,
    GovernanceKind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TurnoverRange,
    token_hash,
)
from tierslieux.territory.models import Departement

# Who runs the survey. TODO(lead): switch to "surveys.survey_manage" once ACTION_ROLES has it
# (instructors and the regional network, the same roles as "places.change" today).
MANAGE_ACTION = "surveys.survey_manage"

# A personal link's token is ``secrets.token_urlsafe(32)`` (43 characters); anything much longer
# is not one of ours and is refused before hashing.
MAX_TOKEN_LENGTH = 100


def user_may_manage_surveys(user: Any) -> bool:
    return user_can(user, MANAGE_ACTION)


def _rate(invited: int, responded: int) -> float | None:
    return responded / invited if invited else None


# --- surveys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        return _rate(self.invited, self.responded)


def survey_list(*, user: Any) -> list[SurveyRow]:
    """Every year's survey with its invited / responded counts (staff only, else empty)."""
    if not user_may_manage_surveys(user):
        return []
    surveys = Survey.objects.annotate(
        n_invited=Count("invitations", distinct=True),
        n_responded=Count(
            "invitations", filter=Q(invitations__response__isnull=False), distinct=True
        ),
    ).order_by("-year")
    return [SurveyRow(s, s.n_invited, s.n_responded) for s in surveys]


def survey_get(*, user: Any, pk: int) -> Survey | None:
    """The survey ``pk`` if ``user`` may manage surveys, else ``None``."""
    if not user_may_manage_surveys(user):
        return None
    return Survey.objects.filter(pk=pk).first()


# --- response rate -------------------------------------------------------------------------


def _departement_code(departement: Departement | str | None) -> str | None:
    if departement is None:
        return None
    return departement.code if isinstance(departement, Departement) else str(departement)


def response_rate(
    survey: Survey, departement: Departement | str | None = None
) -> tuple[int, int, float | None]:
    """``(invited, responded, rate)`` of ``survey``, in a département if given.

    Invited = places asked to answer (an invitation, e-mailed or made by staff to record an
    answer taken by phone); responded = those whose answer is stored; rate = responded /
    invited, ``None`` when no place was invited.
    """
    invitations = SurveyInvitation.objects.filter(survey=survey)
    code = _departement_code(departement)
    if code is not None:
        invitations = invitations.filter(place__commune__departement_id=code)
    invited = invitations.count()
    responded = invitations.filter(response__isnull=False).count()
    return invited, responded, _rate(invited, responded)


@dataclass(frozen=True)
class DepartementRate:
    code: str
    name: str
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        return _rate(self.invited, self.responded)


def response_rate_by_departement(survey: Survey) -> list[DepartementRate]:
    """The response rate of ``survey`` in each département where a place was invited."""
    rows = (
        SurveyInvitation.objects.filter(survey=survey)
        .values("place__commune__departement_id", "place__commune__departement__name")
        .annotate(
            invited=Count("pk"),
            responded=Count("response", filter=Q(response__isnull=False)),
        )
        .order_by("place__commune__departement_id")
    )
    return [
        DepartementRate(
            code=r["place__commune__departement_id"],
            name=r["place__commune__departement__name"],
            invited=r["invited"],
            responded=r["responded"],
        )
        for r in rows
    ]


def non_respondents(survey: Survey) -> QuerySet[SurveyInvitation]:
    """Invitations of ``survey`` still without an answer, by département then place name."""
    return (
        SurveyInvitation.objects.filter(survey=survey, response__isnull=True)
        .select_related("place", "place__commune")
        .order_by("place__commune__departement_id", "place__name")
    )


# --- the personal link ---------------------------------------------------------------------


def invitation_get_by_token(raw_token: str) -> SurveyInvitation | None:
    """The invitation whose current link carries ``raw_token``, or ``None``."""
    if not raw_token or len(raw_token) > MAX_TOKEN_LENGTH:
        return None
    return (
        SurveyInvitation.objects.select_related("survey", "place", "place__commune")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def response_for_invitation(invitation: SurveyInvitation) -> SurveyResponse | None:
    """The answer already stored for the invitation's place and survey, if any."""
    return SurveyResponse.objects.filter(
        survey_id=invitation.survey_id, place_id=invitation.place_id
    ).first()


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    share: float | None
    """``count`` over the number of answers (``None`` without answers)."""


@dataclass(frozen=True)
class SurveyResults:
    responded: int
    mean_users_per_week: float | None
    total_users_per_week: int
    jobs_hosted_total: int
    unsure_count: int
    confidence: list[Share]
    turnover: list[Share]
    governance: list[Share]
    services: list[Share]
    """Share of the answering places offering each service (several per place)."""

    @property
    def unsure_share(self) -> float | None:
        return _rate(self.responded, self.unsure_count)


def _shares(counter: Counter, choices: Iterable[tuple[str, Any]], total: int) -> list[Share]:
    return [
        Share(code=code, label=str(label), count=counter[code], share=_rate(total, counter[code]))
        for code, label in choices
    ]


def survey_results(survey: Survey, departement: Departement | str | None = None) -> SurveyResults:
    """Aggregates of the answers to ``survey`` (in a département if given)."""
    responses = SurveyResponse.objects.filter(survey=survey)
    code = _departement_code(departement)
    if code is not None:
        responses = responses.filter(place__commune__departement_id=code)
    rows = list(
        responses.values_list(
            "users_per_week",
            "jobs_hosted",
            "business_model_confidence",
            "turnover_range",
            "governance",
            "services",
        )
    )
    n = len(rows)
    confidence = Counter(r[2] for r in rows)
    turnover = Counter(r[3] for r in rows)
    governance = Counter(r[4] for r in rows)
    services = Counter(s for r in rows for s in set(r[5] or []))
    total_users = sum(r[0] for r in rows)
    return SurveyResults(
        responded=n,
        mean_users_per_week=total_users / n if n else None,
        total_users_per_week=total_users,
        jobs_hosted_total=sum(r[1] for r in rows),
        unsure_count=sum(confidence[c] for c in UNSURE_CONFIDENCES),
        confidence=_shares(confidence, BusinessModelConfidence.choices, n),
        turnover=_shares(turnover, TurnoverRange.choices, n),
        governance=_shares(governance, GovernanceKind.choices, n),
        services=sorted(
            _shares(services, PlaceService.choices, n), key=lambda s: (-s.count, s.label)
        ),
    )


# --- export --------------------------------------------------------------------------------


def response_export_rows(survey: Survey) -> QuerySet[SurveyResponse]:
    """The answers of ``survey`` with their place, commune and département, by place name."""
    return (
        SurveyResponse.objects.filter(survey=survey)
        .select_related("place", "place__commune", "place__commune__departement", "recorded_by")
        .order_by("place__commune__departement_id", "place__name", "pk")
    )
