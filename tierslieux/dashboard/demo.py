"""Demo records: ten years of a regional tiers-lieux policy, replayed through the services.

``demo_records_generate`` makes up the records an evaluation needs (calls, applications and
their instruction, decisions, conventions with their three meetings and payment tranches, the
places the funded projects open and the few that close, the yearly surveys of places, the yearly
support to the regional network, the accompaniment journal and premises lent by communes) over
the real territory and the real places, so that the dashboard shows meaningful figures after
``make run``. Every figure of the dashboard is then recomputed from these records. Then, so that
the instruction pages have work in progress, about ten applications of the current year on the
open demo call of the year (``ensure_demo_call``'s, or one made the same way), at every step of
the workflow up to two accepted ones still without their convention (``CURRENT_YEAR_STATES``).

How the records obey the product's rules: calls, applications, decisions, agreements, meetings
and payments are made by the same services as the pages (``calls.services``,
``agreements.services``), in simulated time. A *simulated clock* replaces
``django.utils.timezone.now`` while they run, so that each rule checked against "today" (a call
open for applications, a meeting not recorded before it is held, a creation project in a white
zone on the day it is submitted) is checked on the simulated day, and every date a service
stamps (logs, decision and meeting times, ``created_at``) is that day. Nothing is recorded
after the real today: meetings planned later stay pending, tranches unpaid. While replaying,
e-mails are not sent, the audit log is not written, the mesh figures computed at submission
are looked up in a table computed once with the same analytics (one pass over the grid
instead of one per application), and ``full_clean`` leaves the check and unique constraints
and the foreign keys to the database (which enforces them) instead of querying each.

How they are labelled: calls have ``is_demo``; places have ``source == "demo"`` and names
ending with " (démo)" and are not published; organisations' names end with " (démo)"; users'
usernames start with "demo-" and have no usable password; surveys have ``is_demo`` and titles
"Panorama AAAA (démo)"; other grants have ``is_demo``; journal entries' projects end with
" (démo)". ``demo_records_delete`` removes exactly those records (and what hangs on them).

Determinism: the same seed, years and day give the same records (``random.Random(seed)``,
records read in a fixed order).
"""

from __future__ import annotations

import contextlib
import datetime
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from unittest import mock

import numpy as np
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from tierslieux.accounts.models import Organisation, OrganisationKind, User
from tierslieux.accounts.services import roles_ensure
from tierslieux.agreements import rules as agreement_rules
from tierslieux.agreements import services as agreements
from tierslieux.agreements.models import (
    Agreement,
    IndicatorKind,
    JournalEntry,
    JournalKind,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PremisesAgreement,
    ProjectStage,
    ReferralTo,
)
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls import rules as call_rules
from tierslieux.calls import services as calls
from tierslieux.calls.management.commands import ensure_demo_call
from tierslieux.calls.models import (
    Application,
    Call,
    CallKind,
    CoFinancer,
    Decision,
    OpinionVerdict,
    PartnerKind,
    ProjectReview,
)
from tierslieux.calls.services_workflow import APPLICATION_WORKFLOW
from tierslieux.calls.workflow import ApplicationState, Hook
from tierslieux.core.roles import Role
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.places.models import (
    LegalForm,
    LocationPrecision,
    Occupancy,
    Place,
    PlaceKind,
    PlaceService,
    PlaceSource,
    PlaceState,
)
from tierslieux.territory.models import Commune

DEMO_SUFFIX = " (démo)"
DEMO_USER_PREFIX = "demo-"
DEMO_PLACE_SOURCE = PlaceSource.DEMO
DEMO_REFERENCE_PREFIX = "DÉMO"

DEFAULT_SEED = 2016
DEFAULT_FROM_YEAR = 2016
DEFAULT_TO_YEAR = 2025
SURVEYS_FROM_YEAR = 2019
LOCAL_NETWORK_YEARS = frozenset({2018, 2021, 2024})

# Policy figures the generator aims at (the Région's: about 1 M€ a year of calls and about
# 140 k€ a year to the regional network, ~60 % of applications accepted, ~90 % survival).
CREATION_APPLICATIONS = (14, 20)
DEVELOPMENT_APPLICATIONS = (5, 10)
LOCAL_NETWORK_APPLICATIONS = (3, 5)
ACCEPT_SHARE = {CallKind.CREATION: 0.64, CallKind.DEVELOPMENT: 0.66, CallKind.LOCAL_NETWORK: 0.6}
CLOSURE_SHARE = 0.09
CHANGES_REQUESTED_SHARE = 0.12
WITHDRAWN_SHARE = 0.05
NETWORK_GRANT_EUROS = (95_000, 150_000)

# The current year's slice: work in progress on the open demo call of the year (the one
# ``ensure_demo_call`` makes, or one made the same way): one application per entry, in order.
CURRENT_YEAR_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.CHANGES_REQUESTED,
    ApplicationState.PROPOSED,
    ApplicationState.ACCEPTED,
    ApplicationState.ACCEPTED,
)
# When there is none, it is made as ``ensure_demo_call`` makes it (same name, window, envelope
# and description).
CURRENT_CALL_NAME = ensure_demo_call.DEMO_NAME
CURRENT_CALL_OPENED_DAYS_AGO = ensure_demo_call.OPENED_DAYS_AGO
CURRENT_CALL_CLOSES_IN_DAYS = ensure_demo_call.CLOSES_IN_DAYS
CURRENT_CALL_BUDGET_CENTS = ensure_demo_call.BUDGET_CENTS
CURRENT_CALL_DESCRIPTION = ensure_demo_call.DESCRIPTION


# --- summary ---------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    """What the generator made (counts, and money in cents)."""

    calls: int = 0
    applications: int = 0
    states: Counter = field(default_factory=Counter)
    committed_cents: int = 0
    agreements: int = 0
    meetings_held: int = 0
    meetings_pending_overdue: int = 0
    tranches_paid: int = 0
    paid_cents: int = 0
    places_created: int = 0
    places_open: int = 0
    places_closed: int = 0
    organisations: int = 0
    users: int = 0
    surveys: int = 0
    invitations: int = 0
    responses: int = 0
    other_grants: int = 0
    other_grants_cents: int = 0
    journal_entries: int = 0
    premises_agreements: int = 0
    years: tuple[int, int] = (0, 0)
    today: datetime.date | None = None
    current_call: str = ""
    current_call_reused: bool = False
    current_states: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """The summary as lines for the command's output."""
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return [
            f"Demo records for {self.years[0]}-{self.years[1]} (simulated up to {self.today}):",
            f"  calls {self.calls}; applications {self.applications} ({states})",
            f"  committed by the calls {_euros(self.committed_cents)}; "
            f"other grants {self.other_grants} for {_euros(self.other_grants_cents)}; "
            f"total {_euros(self.committed_cents + self.other_grants_cents)}",
            f"  agreements {self.agreements}; meetings held {self.meetings_held}, "
            f"overdue (not held) {self.meetings_pending_overdue}; "
            f"tranches paid {self.tranches_paid} for {_euros(self.paid_cents)}",
            f"  demo places {self.places_created} (open {self.places_open}, "
            f"closed {self.places_closed}, unpublished)",
            f"  organisations {self.organisations}; users {self.users}",
            f"  surveys {self.surveys}: invitations {self.invitations}, answers {self.responses}",
            f"  journal entries {self.journal_entries}; premises agreements "
            f"{self.premises_agreements}",
            *self._current_lines(),
        ]

    def _current_lines(self) -> list[str]:
        if not self.current_call:
            return []
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.current_states.items()))
        how = "existing call" if self.current_call_reused else "call created"
        awaiting = self.current_states[ApplicationState.ACCEPTED]
        return [
            f"  current year: {self.current_call} ({how}); applications "
            f"{sum(self.current_states.values())} ({states}); "
            f"{awaiting} accepted awaiting their convention"
        ]


def _euros(cents: int) -> str:
    return f"{cents / 100:,.0f} €".replace(",", " ")


# --- what is demo ----------------------------------------------------------------------------


def _demo_organisations() -> Any:
    return Organisation.objects.filter(name__endswith=DEMO_SUFFIX)


def _demo_users() -> Any:
    return User.objects.filter(username__startswith=DEMO_USER_PREFIX)


def _demo_places() -> Any:
    return Place.objects.filter(source=DEMO_PLACE_SOURCE)


def demo_records_exist() -> bool:
    """True when the generator's records are in the database.

    A demo call alone (``ensure_demo_call`` makes one open call to try the product) does not
    count; demo places, organisations, users, surveys, other grants or a demo call with
    applications do.
    """
    from tierslieux.surveys.models import Survey

    return (
        _demo_places().exists()
        or _demo_organisations().exists()
        or _demo_users().exists()
        or Call.objects.filter(is_demo=True, applications__isnull=False).exists()
        or Survey.objects.filter(is_demo=True).exists()
        or OtherGrant.objects.filter(is_demo=True).exists()
    )


@transaction.atomic
def demo_records_delete() -> dict[str, int]:
    """Delete every demo record and what hangs on it; real records are left untouched.

    Demo: calls with ``is_demo`` (their applications, decisions, agreements, meetings,
    tranches, reviews...), places with source "demo", organisations named "... (démo)", users
    named "demo-...", surveys and other grants with ``is_demo``, journal entries about a demo
    project. Returns the number of rows deleted per model.
    """
    from auditlog.context import disable_auditlog

    from tierslieux.surveys.models import Survey, SurveyInvitation, SurveyResponse

    counts: Counter = Counter()

    def delete(queryset: Any) -> None:
        _total, per_model = queryset.delete()
        counts.update({k: v for k, v in per_model.items() if v})

    demo_calls = Call.objects.filter(is_demo=True)
    demo_apps = Application.objects.filter(call__in=demo_calls)
    places = _demo_places()
    organisations = _demo_organisations()
    with disable_auditlog():
        delete(
            JournalEntry.objects.filter(
                Q(project_label__endswith=DEMO_SUFFIX)
                | Q(application__in=demo_apps)
                | Q(place__in=places)
                | Q(organisation__in=organisations)
            )
        )
        delete(
            PremisesAgreement.objects.filter(
                Q(place__in=places) | Q(authority__in=organisations) | Q(application__in=demo_apps)
            )
        )
        delete(Survey.objects.filter(is_demo=True))
        delete(SurveyResponse.objects.filter(place__in=places))
        delete(SurveyInvitation.objects.filter(place__in=places))
        delete(Agreement.objects.filter(application__in=demo_apps))
        delete(Decision.objects.filter(application__in=demo_apps))
        delete(ProjectReview.objects.filter(call__in=demo_calls))
        delete(demo_apps)
        delete(demo_calls)
        delete(places)
        delete(OtherGrant.objects.filter(is_demo=True))
        delete(organisations)
        delete(_demo_users())
    return dict(sorted(counts.items()))


# --- the replay machinery --------------------------------------------------------------------


class SimulatedClock:
    """A stand-in for ``django.utils.timezone.now``: the day being simulated, at office hours."""

    def __init__(self) -> None:
        self._now = timezone.now()
        self._minute = 0

    def set(self, day: datetime.date) -> None:
        # Successive events of a day get successive minutes, so that logs keep their order.
        self._minute = (self._minute + 1) % 480
        moment = datetime.datetime.combine(day, datetime.time(9 + self._minute // 60))
        moment += datetime.timedelta(minutes=self._minute % 60)
        self._now = timezone.make_aware(moment)

    def __call__(self) -> datetime.datetime:
        return self._now


def _no_check(*args: Any, **kwargs: Any) -> None:
    return None


@contextlib.contextmanager
def _replay(clock: SimulatedClock, gains: dict[tuple[float, float], int]) -> Iterator[None]:
    """Run the services in simulated time, without e-mails or audit log rows, with the mesh
    gains at submission looked up in ``gains`` (computed with the same analytics)."""
    from auditlog.context import disable_auditlog

    from tierslieux.territory import mesh

    original_gain = mesh.site_marginal_gain

    def gain(params: Any, *, lon: float, lat: float) -> int:
        found = gains.get((lon, lat))
        return found if found is not None else original_gain(params, lon=lon, lat=lat)

    with (
        mock.patch.object(timezone, "now", clock),
        # The database enforces the check and unique constraints and the foreign keys: while
        # replaying, ``full_clean`` does not query them again one by one (several queries per
        # saved row); field, model and service rules are still checked.
        mock.patch.object(models.Model, "validate_constraints", _no_check),
        mock.patch.object(models.ForeignKey, "validate", _no_check),
        mock.patch.dict(APPLICATION_WORKFLOW.hooks, {Hook.NOTIFY: _no_check}),
        mock.patch.object(mesh, "site_marginal_gain", gain),
        disable_auditlog(),
    ):
        yield


# --- territory ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Commune:
    index: int
    code: str
    name: str
    departement: str
    lon: float
    lat: float
    population: int
    density_level: int
    postcode: str
    minutes: float
    """Minutes from the town hall to the nearest open, published place (today)."""
    gain: int
    """Inhabitants a place at the town hall would newly bring within the threshold."""


def _territory(threshold: float) -> tuple[list[_Commune], dict[tuple[float, float], int], Any]:
    """The communes with their minutes to the nearest place and their mesh gain."""
    from tierslieux.territory import mesh
    from tierslieux.territory.analytics.location import marginal_gain

    params = mesh.MeshParams.from_settings(minutes=threshold)
    problem, _demand, candidates, _n = mesh._problem(params)
    places = mesh.places_read(on=params.on)
    model = mesh.travel_model(params)
    if len(places.ids):
        minutes = model.minutes_to_nearest(
            candidates.lon, candidates.lat, places.lon, places.lat
        ).minutes
    else:
        minutes = np.full(len(candidates.ids), np.inf)
    rows = {
        c.code: c
        for c in Commune.objects.only(
            "code", "name", "departement_id", "population", "density_level", "postal_codes"
        )
    }
    communes = []
    gains: dict[tuple[float, float], int] = {}
    for j, code in enumerate(candidates.ids.tolist()):
        row = rows[code]
        gain = round(marginal_gain(problem, j))
        lon, lat = float(candidates.lon[j]), float(candidates.lat[j])
        gains[(lon, lat)] = gain
        communes.append(
            _Commune(
                index=j,
                code=code,
                name=row.name,
                departement=row.departement_id,
                lon=lon,
                lat=lat,
                population=row.population,
                density_level=row.density_level,
                postcode=(row.postal_codes or [""])[0],
                minutes=float(minutes[j]),
                gain=gain,
            )
        )
    return communes, gains, model


# --- names and texts ---------------------------------------------------------------------------

_PROJECT_NAMES = (
    "La Fabrique",
    "Le Relais",
    "La Ruche",
    "L'Escale",
    "Le Hangar",
    "La Grange",
    "L'Atelier",
    "La Cantine",
    "Le Quai",
    "La Station",
    "Le Comptoir",
    "La Maison commune",
    "Le Labo",
    "La Filature",
    "L'Établi",
    "La Passerelle",
    "Le Nid",
    "La Forge",
    "Le Bercail",
    "La Gare",
    "Le Préau",
    "La Source",
    "Le Moulin",
    "La Coopérative",
)
_EXPENSES = (
    ("Travaux d'aménagement des locaux", 0.45),
    ("Mobilier et équipement informatique", 0.2),
    ("Équipement de l'atelier", 0.12),
    ("Animation et ingénierie de projet (première année)", 0.18),
    ("Communication et lancement", 0.05),
)
_REJECTION_REASONS = (
    "Modèle économique insuffisamment consolidé à ce stade.",
    "Collectif d'usagers encore trop restreint pour porter le lieu.",
    "Offre de services peu différenciée de l'existant sur le territoire.",
    "Plan de financement non sécurisé : cofinancements non confirmés.",
    "Projet à retravailler avec le réseau régional avant un nouveau dépôt.",
)
_QUANTITATIVE = (
    ("Usagers par semaine", "personnes", (0, 8), (30, 90)),
    ("Postes de travail ouverts", "postes", (0, 4), (8, 24)),
    ("Événements et ateliers par an", "événements", (0, 6), (20, 60)),
    ("Emplois hébergés", "personnes", (0, 3), (5, 20)),
    ("Adhérents de l'association", "adhérents", (5, 30), (60, 200)),
)
_QUALITATIVE = (
    (
        "Gouvernance partagée avec les usagers",
        "Bureau de l'association porteuse seul.",
        "Collège des usagers au conseil d'administration, réunions ouvertes trimestrielles.",
    ),
    (
        "Partenariat avec la commune",
        "Premiers échanges avec la mairie.",
        "Convention de partenariat signée et projets communs avec les écoles.",
    ),
    (
        "Médiation numérique",
        "Aucune permanence.",
        "Deux permanences hebdomadaires d'accompagnement aux démarches en ligne.",
    ),
)


def _de(name: str) -> str:
    """French "de" before a commune's name: "d'Agen", "du Bugue", "des Eyzies", "de Pau"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].lower() in "aeiouyhéèêâîô":
        return "d'" + name
    return "de " + name


def _luhn_complete(digits: str) -> str:
    for d in "0123456789":
        if call_rules.luhn_is_valid(digits + d):
            return digits + d
    raise AssertionError("unreachable")


def _siret(rng: random.Random, taken: set[str]) -> str:
    """A SIRET passing the checks of the calls (SIREN key and SIRET key), not yet taken."""
    while True:
        siren = _luhn_complete(f"{rng.randrange(10**7, 10**8):08d}")
        if siren.startswith(call_rules.LA_POSTE_SIREN[:8]):
            continue
        siret = _luhn_complete(siren + f"{rng.randrange(1, 1000):04d}")
        if call_rules.siret_is_valid(siret) and siret not in taken:
            taken.add(siret)
            return siret


def _day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def _plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


# --- the generator ------------------------------------------------------------------------------


@dataclass
class _Project:
    """A project the generator follows from its application to its place."""

    application: Application
    holder: User
    organisation: Organisation
    commune: _Commune
    name: str
    place: Place | None = None
    closes_on: datetime.date | None = None
    premises_authority: str = ""


class _Generator:
    def __init__(self, *, seed: int, from_year: int, to_year: int, today: datetime.date):
        self.seed = seed
        self.rng = random.Random(seed)
        self.from_year = from_year
        self.to_year = to_year
        self.today = today
        self.clock = SimulatedClock()
        self.summary = DemoSummary(years=(from_year, to_year), today=today)
        self.sirets = set(Organisation.objects.exclude(siret="").values_list("siret", flat=True))
        self.user_count = 0
        self.groups = {group.name: group for group in roles_ensure()}
        self.references = Counter()
        self.creation_projects: list[_Project] = []
        self.developed: set[int] = set()
        self.taken_names: set[str] = set()

    # --- actors ---

    def _user(self, slug: str, roles: list[Role], organisation: Organisation | None) -> User:
        self.user_count += 1
        user = User(username=f"{DEMO_USER_PREFIX}{slug}", organisation=organisation)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.add(*(self.groups[role.value] for role in roles))
        self.summary.users += 1
        return user

    def _organisation(self, name: str, kind: str, siret: str = "") -> Organisation:
        organisation = Organisation(name=name + DEMO_SUFFIX, kind=kind, siret=siret)
        organisation.full_clean()
        organisation.save()
        self.summary.organisations += 1
        return organisation

    def actors(self) -> None:
        self.clock.set(_day(self.from_year, 1, 4))
        region = self._organisation("Région Nouvelle-Aquitaine — service tiers-lieux", "region")
        self.instructor = self._user("instructrice", [Role.INSTRUCTOR], region)
        self.instructor.first_name, self.instructor.last_name = "Camille", "Démo"
        self.instructor.save(update_fields=["first_name", "last_name"])
        self.network = self._organisation("Coopérative régionale des tiers-lieux", "network")
        self.network_user = self._user("reseau", [Role.NETWORK], self.network)

    def holder(self, project_name: str, commune: _Commune) -> tuple[User, Organisation]:
        roll = self.rng.random()
        if roll < 0.6:
            name, kind = f"Association {project_name}", "association"
        elif roll < 0.8:
            name, kind = f"SCIC {project_name}", "company"
        elif roll < 0.9:
            name, kind = f"Commune {_de(commune.name)}", "commune"
        else:
            name, kind = f"SAS {project_name}", "company"
        holder = self._user(f"porteur-{self.user_count + 1:04d}", [Role.HOLDER], None)
        organisation = calls.holder_organisation_register(
            name=name + DEMO_SUFFIX, kind=kind, siret=_siret(self.rng, self.sirets), by=holder
        )
        self.summary.organisations += 1
        holder.refresh_from_db()
        return holder, organisation

    # --- calls ---

    def call(self, kind: str, year: int) -> Call:
        names = {
            CallKind.CREATION: f"AMI Création de tiers-lieux {year}",
            CallKind.DEVELOPMENT: f"AMI Développement de tiers-lieux {year}",
            CallKind.LOCAL_NETWORK: f"AMI Réseaux locaux de tiers-lieux {year}",
        }
        windows = {
            CallKind.CREATION: ((1, 15), (4, 15), 100_000_000),
            CallKind.DEVELOPMENT: ((3, 1), (5, 31), 55_000_000),
            CallKind.LOCAL_NETWORK: ((4, 1), (6, 15), 15_000_000),
        }
        (om, od), (cm, cd), budget = windows[kind]
        opens_on = _day(year, om, od)
        self.clock.set(_plus(opens_on, -20))
        call = calls.call_create(
            name=names[kind] + DEMO_SUFFIX,
            kind=kind,
            year=year,
            opens_on=opens_on,
            closes_on=_day(year, cm, cd),
            budget_cents=budget,
            description=(
                "Appel de démonstration : données inventées pour essayer le produit "
                "(générateur demo_records)."
            ),
            is_demo=True,
            by=self.instructor,
        )
        self.summary.calls += 1
        return call

    def committee_on(self, call: Call) -> datetime.date:
        # The Commission permanente meets about two months after the call closes.
        return _plus(call.closes_on, 60 + self.rng.randrange(0, 21))

    # --- one application, from the draft to the decision ---

    def _plan(self, profile: str, call: Call) -> tuple[list, list, int]:
        rng = self.rng
        if call.kind == CallKind.LOCAL_NETWORK:
            total = rng.randrange(40, 120) * 1000
        elif call.kind == CallKind.DEVELOPMENT:
            total = rng.randrange(80, 300) * 1000
        else:
            total = int(rng.lognormvariate(math.log(125_000), 0.4)) // 1000 * 1000
            total = min(max(total, 60_000), 420_000)
        expenses = []
        for label, share in _EXPENSES:
            expenses.append(calls.ExpenseInput(label, int(total * share) * 100))
        expenses[-1] = calls.ExpenseInput(
            expenses[-1].label, (total * 100) - sum(e.amount_cents for e in expenses[:-1])
        )
        if rng.random() < 0.3:
            expenses.append(
                calls.ExpenseInput(
                    "Frais de fonctionnement courant", rng.randrange(2, 8) * 100_000, False
                )
            )
        total_cents = sum(e.amount_cents for e in expenses)
        eligible = sum(e.amount_cents for e in expenses if e.is_eligible)
        region = call_rules.aid_suggestion(eligible, profile, calls.call_aid_rules(call))
        if rng.random() < 0.2:  # some ask a little less than the maximum
            region = region * rng.randrange(80, 100) // 100 // 100 * 100
        resources = [calls.ResourceInput(CoFinancer.REGION, region, "AMI tiers-lieux", True)]
        rest = total_cents - region
        others = rng.sample(
            [
                (CoFinancer.STATE, "DETR / Fabriques de territoire"),
                (CoFinancer.DEPARTEMENT, "Aide départementale"),
                (CoFinancer.EPCI, "Communauté de communes"),
                (CoFinancer.COMMUNE, "Commune"),
                (CoFinancer.EUROPE, "LEADER"),
                (CoFinancer.FRANCE_ACTIVE, "Prêt d'honneur"),
            ],
            k=rng.randrange(2, 4),
        )
        own = rest * rng.randrange(8, 20) // 100
        share = (rest - own) // len(others)
        for financer, label in others:
            resources.append(
                calls.ResourceInput(financer, share, label, is_secured=rng.random() < 0.6)
            )
        resources.append(
            calls.ResourceInput(
                CoFinancer.OWN_FUNDS, rest - share * len(others), "Fonds propres", True
            )
        )
        return expenses, resources, region

    def _draft(
        self,
        call: Call,
        *,
        commune: _Commune,
        title: str,
        holder: User,
        place: Place | None = None,
        premises_authority: str = "",
        complete: bool = True,
    ) -> Application:
        """A draft on the clock's day: its content, answers to the criteria and financing
        plan (only the first answers and no plan when not ``complete``)."""
        rng = self.rng
        application = calls.application_create(
            call=call,
            title=title + DEMO_SUFFIX,
            by=holder,
            commune=Commune.objects.get(pk=commune.code),
            place=place,
            address="",
            summary=(
                f"Projet de démonstration : {title}, un tiers-lieu ouvert à tous à "
                f"{commune.name}, avec espace de travail partagé et services aux habitants."
            ),
            collective=(
                f"Un collectif de {rng.randrange(6, 30)} habitants, indépendants et "
                f"associations, accompagné par le réseau régional."
            ),
            governance=rng.choice(
                (
                    "Association collégiale avec un collège des usagers.",
                    "SCIC réunissant usagers, salariés et collectivités.",
                    "Association de préfiguration, passage en SCIC envisagé.",
                )
            ),
            service_offer=(
                "Coworking à l'heure, à la journée et au mois ; salle de réunion ; "
                "ateliers et permanences."
            ),
            business_model="Abonnements, location de salles, prestations et formations.",
            premises=f"Locaux de {rng.randrange(80, 400)} m² en centre-bourg.",
            premises_lent_by_authority=bool(premises_authority),
            premises_authority=premises_authority,
            timeline="Ouverture prévue dans l'année suivant la décision.",
            staff_fte=Decimal(rng.choice(("0.5", "0.8", "1.0", "1.5", "2.0"))),
        )
        criteria = list(call.criteria.all())
        for criterion in criteria if complete else criteria[:2]:
            calls.application_answer_set(
                application=application,
                criterion=criterion,
                text=f"Réponse du porteur (démo) au critère « {criterion.name} ».",
                by=holder,
            )
        if not complete:
            return application
        profile = call_rules.profile_for_density_level(commune.density_level)
        expenses, resources, _region = self._plan(profile, call)
        calls.financing_plan_set(
            application=application, expenses=expenses, resources=resources, by=holder
        )
        return application

    def application(
        self,
        call: Call,
        *,
        commune: _Commune,
        title: str,
        holder: User,
        organisation: Organisation,
        accept: bool,
        committee_on: datetime.date,
        place: Place | None = None,
        premises_authority: str = "",
    ) -> Application | None:
        rng = self.rng
        started = _plus(call.opens_on, rng.randrange(0, 40))
        if started > self.today:
            return None
        self.clock.set(started)
        application = self._draft(
            call,
            commune=commune,
            title=title,
            holder=holder,
            place=place,
            premises_authority=premises_authority,
        )
        submitted = min(_plus(started, rng.randrange(10, 45)), call.closes_on)
        if submitted > self.today:
            return application
        self.clock.set(submitted)
        calls.application_submit(application=application, by=holder)
        instructed = _plus(max(submitted, call.closes_on), rng.randrange(3, 15))
        if instructed > self.today:
            return application
        self.clock.set(instructed)
        application = calls.application_transition(
            application=application,
            to=ApplicationState.UNDER_INSTRUCTION,
            by=self.instructor,
        )
        if call.kind == CallKind.CREATION:
            calls.opinion_request(
                application=application,
                organisation=self.network,
                partner_kind=PartnerKind.NETWORK,
                due_on=_plus(committee_on, -21),
                by=self.instructor,
                question="Avis du réseau régional sur le projet (démo).",
            )
        if rng.random() < CHANGES_REQUESTED_SHARE:
            asked = _plus(instructed, rng.randrange(5, 15))
            self.clock.set(asked)
            application = calls.application_transition(
                application=application,
                to=ApplicationState.CHANGES_REQUESTED,
                by=self.instructor,
                reason="Merci de préciser les cofinancements et la gouvernance (démo).",
            )
            self.clock.set(_plus(asked, rng.randrange(7, 20)))
            application = calls.application_submit(
                application=application, by=holder, reason="Plan de financement précisé."
            )
            self.clock.set(_plus(asked, 22))
            application = calls.application_transition(
                application=application,
                to=ApplicationState.UNDER_INSTRUCTION,
                by=self.instructor,
            )
        if rng.random() < WITHDRAWN_SHARE:
            self.clock.set(_plus(instructed, rng.randrange(10, 30)))
            application = calls.application_transition(
                application=application,
                to=ApplicationState.WITHDRAWN,
                by=holder,
                reason="Le collectif reporte son projet (démo).",
            )
            return application
        opinion_day = _plus(committee_on, -rng.randrange(25, 40))
        if opinion_day <= self.today and call.kind == CallKind.CREATION:
            self.clock.set(opinion_day)
            opinion = application.opinions.get()
            calls.opinion_give(
                opinion=opinion,
                verdict=OpinionVerdict.FAVOURABLE
                if accept
                else rng.choice((OpinionVerdict.RESERVED, OpinionVerdict.UNFAVOURABLE)),
                text="Avis du réseau régional (démo).",
                by=self.network_user,
            )
        assessed = _plus(committee_on, -rng.randrange(12, 20))
        if assessed > self.today:
            return application
        self.clock.set(assessed)
        application = calls.application_amount_set(
            application=application, by=self.instructor, profile=None
        )
        application = calls.application_transition(
            application=application, to=ApplicationState.PROPOSED, by=self.instructor
        )
        if committee_on > self.today:
            return application
        self.clock.set(committee_on)
        kind_code = {"creation": "C", "development": "D", "local_network": "R"}[call.kind]
        self.references[(call.year, kind_code)] += 1
        reference = (
            f"{DEMO_REFERENCE_PREFIX}-CP-{call.year}-{kind_code}"
            f"{self.references[(call.year, kind_code)]:03d}"
        )
        if accept:
            try:
                calls.application_decide(
                    application=application,
                    accepted=True,
                    committee_on=committee_on,
                    reference=reference,
                    by=self.instructor,
                )
            except calls.BudgetExceeded:
                accept = False
        if not accept:
            calls.application_decide(
                application=application,
                accepted=False,
                committee_on=committee_on,
                reference=reference,
                reason=rng.choice(_REJECTION_REASONS),
                by=self.instructor,
            )
        application.refresh_from_db()
        return application

    # --- agreement, meetings and payments ---

    def _indicators(self) -> list[agreements.IndicatorInput]:
        rng = self.rng
        n = rng.randint(2, 4)
        n_qual = rng.randint(0, min(1, n - 1))
        chosen = []
        for label, unit, (b0, b1), (t0, t1) in rng.sample(_QUANTITATIVE, n - n_qual):
            chosen.append(
                agreements.IndicatorInput(
                    IndicatorKind.QUANTITATIVE,
                    label,
                    Decimal(rng.randint(b0, b1)),
                    Decimal(rng.randint(t0, t1)),
                    unit,
                )
            )
        for label, baseline, target in rng.sample(_QUALITATIVE, n_qual):
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
        approve_on = _plus(held_on, self.rng.randrange(60, 120)) if adjust else held_on
        rounds.append((approve_on, MilestoneDecision.APPROVED))
        for day, decision in rounds:
            if day > self.today or (stop_on is not None and day >= stop_on):
                return None
            self.clock.set(day)
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
        self.clock.set(day)
        agreements.tranche_pay(
            tranche=tranche, paid_on=day, amount_cents=amount, by=self.instructor
        )
        self.summary.tranches_paid += 1
        self.summary.paid_cents += amount
        return True

    def agreement(self, application: Application, closes_on: datetime.date | None) -> None:
        rng = self.rng
        decision = application.decision
        drafted = _plus(decision.committee_on, rng.randrange(10, 30))
        if drafted > self.today:
            return
        starts_on = _plus(drafted, rng.randrange(20, 50))
        months = 36 if application.call.kind == CallKind.CREATION else 24
        ends_on = _plus(agreement_rules.add_months(starts_on, months), -1)
        self.clock.set(drafted)
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
        self.clock.set(starts_on)
        agreement = agreements.agreement_sign(
            agreement=agreement, signed_on=starts_on, by=self.instructor
        )
        planned = {m.kind: m.planned_on for m in agreement.milestones.all()}
        # The kick-off meeting, then the advance.
        kickoff = self._meeting(
            agreement,
            MilestoneKind.KICKOFF,
            _plus(starts_on, rng.randrange(0, 21)),
            progress=0,
            adjust=False,
            stop_on=closes_on,
        )
        if kickoff is None or not self._pay(
            agreement, 1, _plus(kickoff, rng.randrange(15, 45)), True
        ):
            return self._maybe_terminate(agreement, closes_on)
        # The mid-funding steering committee: some are late, some ask for adjustments.
        midterm_day = _plus(planned[MilestoneKind.MIDTERM], rng.randrange(-15, 45))
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
            agreement, 2, _plus(midterm, rng.randrange(20, 60)), True
        ):
            return self._maybe_terminate(agreement, closes_on)
        final_day = _plus(planned[MilestoneKind.FINAL], rng.randrange(-10, 60))
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
        paid_on = _plus(final, rng.randrange(20, 60))
        if not self._pay(agreement, 3, paid_on, rng.random() < 0.85):
            return None
        closed = _plus(paid_on, rng.randrange(10, 40))
        if closed <= self.today:
            self.clock.set(closed)
            agreements.agreement_transition(
                agreement=agreement, to=AgreementState.CLOSED, by=self.instructor
            )
        return None

    def _maybe_terminate(self, agreement: Agreement, closes_on: datetime.date | None) -> None:
        """A place that closes during its agreement ends it (the tranches left are not paid)."""
        if closes_on is None or closes_on > self.today:
            return
        self.clock.set(closes_on)
        agreements.agreement_transition(
            agreement=agreement,
            to=AgreementState.TERMINATED,
            by=self.instructor,
            reason="Fermeture du tiers-lieu (démo).",
        )

    # --- places ---

    def place(self, project: _Project, committee_on: datetime.date) -> Place:
        rng = self.rng
        commune = project.commune
        opened_on = _plus(committee_on, rng.randrange(180, 366))
        closes_on = None
        if rng.random() < CLOSURE_SHARE:
            closes_on = _plus(committee_on, rng.randrange(2 * 365, 5 * 365))
            closes_on = max(closes_on, _plus(opened_on, 180))
        if opened_on > self.today:
            state, opened, closed = PlaceState.PROJECT, None, None
        elif closes_on is not None and closes_on <= self.today:
            state, opened, closed = PlaceState.CLOSED, opened_on, closes_on
        else:
            state, opened, closed = PlaceState.OPEN, opened_on, None
        kinds = [rng.choices([k.value for k in PlaceKind], weights=[40, 10, 8, 3, 8, 6, 25])[0]]
        if rng.random() < 0.3:
            kinds.append(PlaceKind.COWORKING.value if kinds[0] != "coworking" else "fablab")
        services = (
            sorted(rng.sample([s.value for s in PlaceService], rng.randint(1, 5)))
            if rng.random() < 0.97
            else []
        )
        lent = bool(project.premises_authority)
        place = Place(
            name=project.name + DEMO_SUFFIX,
            description=(
                "Tiers-lieu de démonstration (données inventées) : espace de travail partagé "
                "et services aux habitants."
            ),
            kinds=kinds,
            services=services,
            state=state,
            project_since=committee_on,
            opened_on=opened,
            closed_on=closed,
            address="",
            postcode=commune.postcode,
            city=commune.name,
            commune_id=commune.code,
            lon=commune.lon,
            lat=commune.lat,
            location_precision=LocationPrecision.COMMUNE,
            legal_form=rng.choice(
                [LegalForm.ASSOCIATION] * 5 + [LegalForm.SCIC] * 2 + [LegalForm.COMMUNE]
            ),
            occupancy=Occupancy.LENT_BY_AUTHORITY
            if lent
            else rng.choice((Occupancy.RENTED, Occupancy.OWNER, Occupancy.RENTED)),
            surface_m2=rng.randrange(80, 400, 10),
            workstations=rng.randrange(6, 30),
            staff_fte=Decimal(rng.choice(("0.5", "0.8", "1.0", "1.5", "2.0", "2.5"))),
            fibre_access=rng.random() < 0.8,
            pmr_accessible=rng.random() < 0.85,
            source=DEMO_PLACE_SOURCE,
            source_date=committee_on,
            is_published=False,
        )
        # "demo" is the marker of demo places (see the module docstring); not a source choice.
        place.full_clean()
        place.save()
        # The place this creation project opened: the dashboard follows funded places here.
        Application.objects.filter(pk=project.application.pk).update(place=place)
        project.place = place
        project.closes_on = closes_on
        self.summary.places_created += 1
        self.summary.places_open += state == PlaceState.OPEN
        self.summary.places_closed += state == PlaceState.CLOSED
        return place

    # --- a year of calls ---

    def _count(self, application: Application | None) -> None:
        if application is None:
            return
        self.summary.applications += 1
        self.summary.states[application.state] += 1
        if application.state == ApplicationState.ACCEPTED:
            self.summary.committed_cents += application.decision.granted_cents

    def _free_white_zones(self, communes: list[_Commune], threshold: float) -> list[_Commune]:
        """White-zone communes not within the threshold of a place funded before."""
        funded = np.array(
            [(p.commune.lon, p.commune.lat) for p in self.creation_projects], dtype=np.float64
        ).reshape(-1, 2)
        candidates = [c for c in communes if c.minutes > threshold + 1 and c.gain > 0]
        if not len(funded) or not candidates:
            return candidates
        lon = np.array([c.lon for c in candidates])
        lat = np.array([c.lat for c in candidates])
        minutes = self.model.minutes_to_nearest(lon, lat, funded[:, 0], funded[:, 1]).minutes
        return [c for c, m in zip(candidates, minutes, strict=True) if m > threshold]

    def creation_year(self, year: int, communes: list[_Commune]) -> None:
        rng = self.rng
        call = self.call(CallKind.CREATION, year)
        threshold = float(call.carence_minutes)
        committee_on = self.committee_on(call)
        free = self._free_white_zones(communes, threshold)
        n = min(rng.randint(*CREATION_APPLICATIONS), len(free))
        chosen: list[_Commune] = []
        pool = list(free)
        while len(chosen) < n and pool:
            weights = [math.sqrt(c.gain) for c in pool]
            pick = rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(pick))
        for commune in chosen:
            name = self._project_name(commune)
            holder, organisation = self.holder(name, commune)
            authority = f"Commune {_de(commune.name)}" if rng.random() < 0.3 else ""
            accept = rng.random() < ACCEPT_SHARE[CallKind.CREATION]
            application = self.application(
                call,
                commune=commune,
                title=name,
                holder=holder,
                organisation=organisation,
                accept=accept,
                committee_on=committee_on,
                premises_authority=authority,
            )
            self._count(application)
            if application is None or application.state != ApplicationState.ACCEPTED:
                continue
            project = _Project(application, holder, organisation, commune, name)
            project.premises_authority = authority
            self.creation_projects.append(project)
            self.place(project, committee_on)
            self.agreement(application, project.closes_on)
        self._review(call, committee_on)

    def development_year(self, year: int) -> None:
        rng = self.rng
        opens_on = _day(year, 3, 1)
        eligible = [
            p
            for p in self.creation_projects
            if p.place is not None
            and p.place.opened_on is not None
            and p.closes_on is None
            and p.place.pk not in self.developed
            and call_rules.years_between(p.place.opened_on, opens_on) >= 3
        ]
        if len(eligible) < 2:
            return
        call = self.call(CallKind.DEVELOPMENT, year)
        committee_on = self.committee_on(call)
        n = min(rng.randint(*DEVELOPMENT_APPLICATIONS), len(eligible))
        for project in rng.sample(eligible, n):
            accept = rng.random() < ACCEPT_SHARE[CallKind.DEVELOPMENT]
            application = self.application(
                call,
                commune=project.commune,
                title=f"Développement — {project.name}",
                holder=project.holder,
                organisation=project.organisation,
                accept=accept,
                committee_on=committee_on,
                place=project.place,
            )
            self._count(application)
            if application is not None and application.state == ApplicationState.ACCEPTED:
                self.developed.add(project.place.pk)
                self.agreement(application, project.closes_on)
        self._review(call, committee_on)

    def local_network_year(self, year: int, communes: list[_Commune]) -> None:
        rng = self.rng
        call = self.call(CallKind.LOCAL_NETWORK, year)
        committee_on = self.committee_on(call)
        towns = [c for c in communes if c.population >= 3000]
        for commune in rng.sample(towns, min(rng.randint(*LOCAL_NETWORK_APPLICATIONS), len(towns))):
            name = f"Réseau local des tiers-lieux {_de(commune.name)}"
            holder, organisation = self.holder(name, commune)
            application = self.application(
                call,
                commune=commune,
                title=name,
                holder=holder,
                organisation=organisation,
                accept=rng.random() < ACCEPT_SHARE[CallKind.LOCAL_NETWORK],
                committee_on=committee_on,
            )
            self._count(application)
            if application is not None and application.state == ApplicationState.ACCEPTED:
                self.agreement(application, None)
        self._review(call, committee_on)

    def _review(self, call: Call, committee_on: datetime.date) -> None:
        """The project review with the regional network a few weeks before the committee."""
        held_on = _plus(committee_on, -30)
        discussed = list(
            call.applications.exclude(
                state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
            ).order_by("pk")
        )
        if held_on > self.today or not discussed:
            return
        self.clock.set(held_on)
        review = calls.project_review_create(
            held_on=held_on,
            applications=discussed,
            call=call,
            notes="Revue de projets Région / réseau régional (démo).",
            by=self.instructor,
        )
        for item in review.items.select_related("application__decision").order_by("pk"):
            accepted = item.application.state == ApplicationState.ACCEPTED
            calls.project_review_view_record(
                item=item,
                network_view="Projet suivi par le réseau (démo).",
                recommendation=OpinionVerdict.FAVOURABLE if accepted else OpinionVerdict.RESERVED,
                by=self.network_user,
            )

    def _project_name(self, commune: _Commune) -> str:
        for _attempt in range(50):
            name = f"{self.rng.choice(_PROJECT_NAMES)} {_de(commune.name)}"
            if name not in self.taken_names:
                break
        self.taken_names.add(name)
        return name

    # --- the current year: work in progress on the open demo call ---

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
        opens_on = _plus(self.today, -CURRENT_CALL_OPENED_DAYS_AGO)
        self.clock.set(opens_on)  # in both cases, so that the times that follow are the same
        if call is not None:
            self.summary.current_call_reused = True
            return call
        call = calls.call_create(
            name=CURRENT_CALL_NAME.format(year=year),
            kind=CallKind.CREATION,
            year=year,
            opens_on=opens_on,
            closes_on=_plus(self.today, CURRENT_CALL_CLOSES_IN_DAYS),
            budget_cents=CURRENT_CALL_BUDGET_CENTS,
            description=CURRENT_CALL_DESCRIPTION,
            is_demo=True,
            by=self.instructor,
        )
        self.summary.calls += 1
        return call

    def current_year(self, communes: list[_Commune]) -> None:
        """About ten applications of this year on the open demo call, at every step of the
        workflow (``CURRENT_YEAR_STATES``), dated between the call's opening and today: the
        instruction pages have work, and the two accepted ones await their convention."""
        rng = self.rng
        call = self.current_call()
        self.summary.current_call = call.name
        start = max(call.opens_on, _day(self.today.year, 1, 1))
        span = max((self.today - start).days, 0)

        def on(fraction: float) -> datetime.date:
            """The day at ``fraction`` of the way from the call's opening to today."""
            return _plus(start, round(span * fraction))

        pool = self._free_white_zones(communes, float(call.carence_minutes))
        chosen: list[_Commune] = []
        while len(chosen) < len(CURRENT_YEAR_STATES) and pool:
            chosen.append(pool.pop(rng.randrange(len(pool))))
        criteria = list(call.criteria.all())
        overdue_at = CURRENT_YEAR_STATES.index(ApplicationState.UNDER_INSTRUCTION)
        for n, (commune, target) in enumerate(zip(chosen, CURRENT_YEAR_STATES, strict=False)):
            name = self._project_name(commune)
            holder, _organisation = self.holder(name, commune)
            # Drafts were begun lately; the others in the first days of the call.
            self.clock.set(on(0.6 if target == ApplicationState.DRAFT else 0.05 * (n % 3)))
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
        self.clock.set(on(0.2))
        application = calls.application_submit(application=application, by=holder)
        if target == ApplicationState.SUBMITTED:
            return
        self.clock.set(on(0.35))
        application = calls.application_transition(
            application=application, to=ApplicationState.UNDER_INSTRUCTION, by=self.instructor
        )
        if target == ApplicationState.CHANGES_REQUESTED:
            self.clock.set(on(0.5))
            calls.application_transition(
                application=application,
                to=ApplicationState.CHANGES_REQUESTED,
                by=self.instructor,
                reason="Merci de préciser les cofinancements et la gouvernance (démo).",
            )
            return
        # The regional network's opinion: overdue for one application under instruction, not
        # due yet for the other, given (favourable) before the proposal for the others.
        self.clock.set(on(0.4))
        if target == ApplicationState.UNDER_INSTRUCTION:
            due_on = _plus(self.today, -1 if overdue else 14)
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
        self.clock.set(on(0.5))
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
        self.clock.set(on(0.7))
        calls.opinion_give(
            opinion=opinion,
            verdict=OpinionVerdict.FAVOURABLE,
            text="Avis du réseau régional (démo).",
            by=self.network_user,
        )
        self.clock.set(on(0.85))
        application = calls.application_amount_set(
            application=application, by=self.instructor, profile=None
        )
        application = calls.application_transition(
            application=application, to=ApplicationState.PROPOSED, by=self.instructor
        )
        if target == ApplicationState.PROPOSED:
            return
        committee_on = on(0.95)
        self.clock.set(committee_on)
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
            )

    # --- beyond the calls ---

    def network_grants(self) -> None:
        """The yearly operating grant to the regional network (outside the calls)."""
        rng = self.rng
        for year in range(self.from_year, self.to_year + 1):
            committed_on = _day(year, 3, 20)
            if committed_on > self.today:
                continue
            low, high = NETWORK_GRANT_EUROS
            # The support grew from the emerging network to the cooperative.
            euros = low + (high - low) * min(year - 2016, 5) // 5
            euros = euros // 1000 * 1000 + rng.randrange(-5, 6) * 1000
            paid_on = _day(year, 9, 30)
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
            self.clock.set(committed_on)
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
            starts_on = _plus(place.opened_on, -rng.randrange(0, 60))
            duration = rng.choice((36, 60, 108))
            surface = Decimal(place.surface_m2 or 150)
            reference = rng.randrange(60, 140) * 100  # cents per m² and year
            rent = int(surface * reference * Decimal(rng.randrange(20, 70)) / 100) // 100 * 100
            works = rng.randrange(10, 40) * 1000 * 100 if rng.random() < 0.5 else 0
            self.clock.set(starts_on)
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

    def journal(self, communes: list[_Commune]) -> None:
        """The accompaniment of a dozen emerging projects, across stages and départements."""
        rng = self.rng
        threshold = 20.0
        free = self._free_white_zones(communes, threshold)
        by_dep: dict[str, list[_Commune]] = {}
        for c in free:
            by_dep.setdefault(c.departement, []).append(c)
        stages = [
            ProjectStage.IDEA,
            ProjectStage.EMERGENCE,
            ProjectStage.STRUCTURING,
            ProjectStage.APPLIED,
        ]
        picked = [rng.choice(by_dep[d]) for d in sorted(by_dep)][:12]
        end = min(self.today, _day(self.to_year, 12, 31))
        for i, commune in enumerate(picked):
            label = f"Projet de tiers-lieu {_de(commune.name)}{DEMO_SUFFIX}"
            last_stage = stages[i % len(stages)] if i != 11 else ProjectStage.ABANDONED
            reached = stages[: stages.index(last_stage) + 1] if last_stage in stages else stages[:2]
            day = _plus(end, -rng.randrange(300, 700))
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
                self.clock.set(day)
                agreements.journal_entry_create(
                    by=self.network_user if n % 2 else self.instructor,
                    stage=stage,
                    kind=kind,
                    happened_on=day,
                    referral_to=referral,
                    notes=_JOURNAL_NOTES[kind],
                    project_label=label,
                    commune_id=commune.code,
                )
                self.summary.journal_entries += 1
                day = _plus(day, rng.randrange(40, 150))
                if day > end:
                    break
            if last_stage == ProjectStage.ABANDONED and day <= end:
                self.clock.set(day)
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

    def surveys(self) -> None:
        """The yearly panorama: invitations of the open places and the answers of most."""
        from tierslieux.surveys.models import (
            BusinessModelConfidence,
            GovernanceKind,
            Survey,
            SurveyEvent,
            SurveyInvitation,
            SurveyLog,
            SurveyResponse,
            TurnoverRange,
            token_hash,
        )

        rng = self.rng
        taken_years = set(Survey.objects.values_list("year", flat=True))
        services = [s.value for s in PlaceService]
        profiles: dict[int, tuple] = {}
        for year in range(max(self.from_year, SURVEYS_FROM_YEAR), self.to_year + 1):
            opens_on, closes_on = _day(year, 3, 1), _day(year, 4, 30)
            if year in taken_years or opens_on > self.today:
                continue
            self.clock.set(_plus(opens_on, -7))
            survey = Survey(
                year=year,
                title=f"Panorama {year}{DEMO_SUFFIX}",
                opens_on=opens_on,
                closes_on=closes_on,
                is_demo=True,
                created_by=self.instructor,
            )
            survey.full_clean()
            survey.save()
            SurveyLog.objects.create(survey=survey, event=SurveyEvent.CREATED, by=self.instructor)
            self.summary.surveys += 1
            places = list(
                Place.objects.open_on(opens_on)
                .filter(Q(is_published=True) | Q(source=DEMO_PLACE_SOURCE))
                .order_by("pk")
                .values_list("pk", "source")
            )
            rate = rng.uniform(0.55, 0.70)
            invitations, answered = [], []
            self.clock.set(opens_on)
            for place_id, _source in places:
                invitation = SurveyInvitation(
                    survey=survey,
                    place_id=place_id,
                    email="",  # a demo survey never e-mails anyone
                    token_hash=token_hash(f"demo-{year}-{place_id}-{rng.random()}"),
                    sent_at=timezone.now(),
                )
                invitations.append(invitation)
                if rng.random() < rate and opens_on <= self.today:
                    answered.append(invitation)
            SurveyInvitation.objects.bulk_create(invitations)
            self.summary.invitations += len(invitations)
            responses = []
            for invitation in answered:
                profile = profiles.setdefault(invitation.place_id, self._place_profile())
                governance, size, services_base = profile
                submitted = _plus(opens_on, rng.randrange(1, 58))
                if submitted > self.today:
                    continue
                moment = timezone.make_aware(
                    datetime.datetime.combine(submitted, datetime.time(rng.randrange(8, 20)))
                )
                users = max(3, int(size * rng.uniform(0.8, 1.25) * (1 + 0.04 * (year - 2019))))
                offered = set(services_base)
                if rng.random() < 0.3:
                    offered.add(rng.choice(services))
                responses.append(
                    SurveyResponse(
                        survey=survey,
                        place_id=invitation.place_id,
                        invitation=invitation,
                        submitted_at=moment,
                        users_per_week=users,
                        jobs_hosted=max(1, int(users / rng.uniform(4, 9))),
                        turnover_range=_turnover(users, TurnoverRange),
                        business_model_confidence=rng.choices(
                            [c.value for c in BusinessModelConfidence], weights=[14, 30, 40, 16]
                        )[0],
                        services=sorted(offered) if rng.random() < 0.98 else [],
                        governance=governance
                        if governance in GovernanceKind.values
                        else GovernanceKind.OTHER,
                        comments="",
                    )
                )
                invitation.responded_at = moment
            SurveyResponse.objects.bulk_create(responses)
            SurveyInvitation.objects.bulk_update(
                [i for i in answered if i.responded_at], ["responded_at"]
            )
            self.summary.responses += len(responses)

    def _place_profile(self) -> tuple[str, int, tuple[str, ...]]:
        rng = self.rng
        governance = rng.choices(
            ["association", "scic", "company", "local_authority", "informal", "other"],
            weights=[55, 12, 15, 12, 4, 2],
        )[0]
        size = int(rng.lognormvariate(math.log(35), 0.6))
        services = tuple(sorted(rng.sample([s.value for s in PlaceService], rng.randint(1, 5))))
        return governance, size, services

    # --- everything ---

    def run(self) -> DemoSummary:
        from tierslieux.calls.models import Call as CallModel

        threshold = float(CallModel._meta.get_field("carence_minutes").default)
        communes, gains, self.model = _territory(threshold)
        with _replay(self.clock, gains):
            self.actors()
            for year in range(self.from_year, self.to_year + 1):
                if _day(year, 1, 15) > self.today:
                    break
                self.creation_year(year, communes)
                self.development_year(year)
                if year in LOCAL_NETWORK_YEARS:
                    self.local_network_year(year, communes)
            self.network_grants()
            self.premises()
            self.journal(communes)
            self.surveys()
            # Drawn from a random stream of its own: the records above do not change with it.
            self.rng = random.Random(f"{self.seed}-current-year")
            self.current_year(communes)
        self.summary.meetings_pending_overdue = Milestone.objects.filter(
            agreement__application__call__is_demo=True,
            agreement__state=AgreementState.SIGNED,
            held_on__isnull=True,
            planned_on__lt=self.today,
        ).count()
        return self.summary


_JOURNAL_NOTES = {
    JournalKind.CONTACT: "Premier contact : des habitants souhaitent ouvrir un lieu (démo).",
    JournalKind.VISIT: "Visite des locaux envisagés avec le collectif (démo).",
    JournalKind.MEDIATION: "Médiation avec la mairie sur la mise à disposition des locaux (démo).",
    JournalKind.REFERRAL: "Orientation vers un accompagnement au modèle économique (démo).",
    JournalKind.GOVERNANCE_ALERT: "Tensions dans la gouvernance du collectif (démo).",
}


def _turnover(users_per_week: int, choices: Any) -> str:
    if users_per_week < 10:
        return choices.LT_10K
    if users_per_week < 30:
        return choices.FROM_10K_TO_50K
    if users_per_week < 80:
        return choices.FROM_50K_TO_150K
    if users_per_week < 200:
        return choices.FROM_150K_TO_500K
    return choices.GT_500K


@transaction.atomic
def demo_records_generate(
    *,
    seed: int = DEFAULT_SEED,
    from_year: int = DEFAULT_FROM_YEAR,
    to_year: int = DEFAULT_TO_YEAR,
    today: datetime.date | None = None,
) -> DemoSummary:
    """Make the demo records for ``from_year``..``to_year`` (nothing after ``today``).

    Deterministic for a given seed, years and day. The caller checks ``demo_records_exist``
    first (the command does): a second run over existing demo records fails (the demo users
    exist) and, being one transaction, leaves them as they were.
    """
    today = today or timezone.localdate()
    if from_year > to_year:
        raise ValueError("from_year must not be after to_year")
    generator = _Generator(
        seed=seed, from_year=from_year, to_year=min(to_year, today.year), today=today
    )
    return generator.run()


__all__ = [
    "DEMO_PLACE_SOURCE",
    "DEMO_SUFFIX",
    "DEMO_USER_PREFIX",
    "DemoSummary",
    "SimulatedClock",
    "demo_records_delete",
    "demo_records_exist",
    "demo_records_generate",
]
