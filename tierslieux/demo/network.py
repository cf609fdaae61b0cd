"""The regional network's side of the policy (issue 16): its training catalogue and sessions in
real tiers-lieux with registrations and attendance, a facilitator cohort, the shared
resources, and the partnership programme with its yearly objectives, the yearly grants tied to
it, the network's reports and the steering meetings. Every record is made by the services, on
simulated days (``clock.step``), and labelled demo (``is_demo`` on courses, programmes and
resources; " (démo)" in titles). Drawn from a random stream of its own, so the other demo
records do not change with it."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from tierslieux.dashboard import services as dashboard_services
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.labels import DEMO_SUFFIX
from tierslieux.demo.names import date_of, plus
from tierslieux.network import figures
from tierslieux.network import services as network_services
from tierslieux.network.models import Licence, ObjectiveKind, ResourceKind
from tierslieux.places.models import Place, PlaceSource, PlaceState
from tierslieux.training import services as training
from tierslieux.training import services_cohorts as cohorts
from tierslieux.training.models import Course, SessionFormat
from tierslieux.training.workflow import RegistrationState

FACILITATOR_MODULES = (
    "Accueillir et animer une communauté",
    "Gouvernance partagée et coopération",
    "Modèle économique d'un tiers-lieu",
    "Ancrage territorial et partenariats",
)
FIRST_NAMES = ("Camille", "Dominique", "Alex", "Sacha", "Claude", "Lou", "Maxime", "Noa")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Garcia", "Roux", "Fournier")
TARGETS = {
    ObjectiveKind.PLACES_ACCOMPANIED: 8,
    ObjectiveKind.TRAININGS_DELIVERED: 3,
    ObjectiveKind.TRAINEES: 20,
    ObjectiveKind.CERTIFICATIONS: 6,
    ObjectiveKind.RESOURCES_PRODUCED: 2,
    ObjectiveKind.PROJECT_REVIEWS: 2,
}
RESOURCES = (
    (
        "Guide : ouvrir un tiers-lieu en milieu rural",
        ResourceKind.GUIDE,
        Licence.ETALAB_2,
        "https://example.org/demo/guide-tiers-lieu-rural.pdf",
    ),
    (
        "Modèle de convention de mise à disposition de locaux",
        ResourceKind.MODEL_DOCUMENT,
        Licence.ETALAB_2,
        "https://example.org/demo/modele-convention-locaux.odt",
    ),
    (
        "Modèle de statuts de SCIC",
        ResourceKind.MODEL_DOCUMENT,
        Licence.CC_BY_SA_4,
        "https://example.org/demo/modele-statuts-scic.odt",
    ),
    (
        "Webinaire : la gouvernance partagée",
        ResourceKind.RECORDING,
        Licence.CC_BY_4,
        "https://example.org/demo/webinaire-gouvernance",
    ),
)


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    """``hour`` o'clock on ``day``, in the product's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class NetworkPartnership(GeneratorBase):
    """The catalogue, a cohort, the resources and the programme (after the network's grants
    and the journal, so that the programme ties the grants and counts the journal)."""

    def network_partnership(self) -> None:
        self.net_rng = random.Random(f"{self.seed}-network")
        start = max(self.from_year, self.to_year - 3)
        years = [y for y in range(start, self.to_year + 1) if date_of(y, 1, 10) <= self.today]
        if not years:
            return
        hosts = list(
            Place.objects.filter(is_published=True)
            .exclude(state=PlaceState.CLOSED)
            .exclude(source=PlaceSource.DEMO)
            .order_by("pk")
        )
        facilitator = self._catalogue(years, hosts)
        self._cohort(facilitator, years, hosts)
        self._resources(years)
        self._programme(years)

    # --- catalogue, sessions, registrations ---------------------------------------------------

    def _catalogue(self, years: list[int], hosts: list[Place]) -> Course:
        self.clock.step(date_of(years[0], 1, 5))
        facilitator = training.course_create(
            by=self.network_user,
            data={
                "title": f"Facilitateur·rice de tiers-lieux{DEMO_SUFFIX}",
                "objectives": "Animer un tiers-lieu, sa communauté et sa gouvernance.",
                "audience": "Personnes qui animent ou vont animer un tiers-lieu.",
                "duration_hours": 280,
                "price_cents": 450_000,
                "funding": "OPCO, CPF, France Travail, fonds de formation de la Région.",
                "certification": "Facilitateur·rice de tiers-lieux (titre fictif de démo)",
                "rncp_code": "RNCP00000",
                "trainer": "Coopérative régionale des tiers-lieux (démo)",
                "is_demo": True,
            },
        )
        short = training.course_create(
            by=self.network_user,
            data={
                "title": f"Démarrer un tiers-lieu : les bases{DEMO_SUFFIX}",
                "objectives": "Poser le projet, le collectif et le modèle économique.",
                "audience": "Porteurs et porteuses de projet.",
                "duration_hours": 14,
                "price_cents": 0,
                "trainer": "Coopérative régionale des tiers-lieux (démo)",
                "is_demo": True,
            },
        )
        self.summary.courses += 2
        if hosts:
            for year in years:
                for month in (3, 6, 10):
                    self._session(short, year, month, hosts)
        return facilitator

    def _session(self, course: Course, year: int, month: int, hosts: list[Place]) -> None:
        rng = self.net_rng
        day = date_of(year, month, rng.randrange(5, 25))
        announced = plus(day, -45)
        if announced > self.today:
            return
        self.clock.step(announced)
        session = training.session_create(
            by=self.network_user,
            data={
                "course": course,
                "place": rng.choice(hosts),
                "starts_at": _moment(day, 9),
                "ends_at": _moment(day + datetime.timedelta(days=1), 17),
                "seats": rng.randrange(8, 13),
                "format": rng.choice(list(SessionFormat)),
            },
        )
        self.summary.training_sessions += 1
        registrations = []
        for n in range(rng.randrange(5, 15)):
            on = plus(announced, 1 + n * 2)
            if on >= day or on > self.today:
                break
            self.clock.step(on)
            registration, _token = training.registration_create(
                session=session,
                notify=False,
                data={
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (démo)",
                    "email": f"demo-stagiaire-{session.pk}-{n}@example.invalid",
                    "organisation": "Association de démo",
                    "funding": rng.choice(("OPCO", "Autofinancement", "CPF")),
                },
            )
            registrations.append(registration)
            self.summary.registrations += 1
        after = plus(day, 2)
        if after > self.today:
            return
        self.clock.step(after)
        for registration in registrations:
            if registration.state == RegistrationState.REGISTERED and rng.random() < 0.9:
                training.attendance_record(
                    registration=registration, attended=True, by=self.network_user
                )

    # --- a facilitator cohort ------------------------------------------------------------------

    def _cohort(self, course: Course, years: list[int], hosts: list[Place]) -> None:
        rng = self.net_rng
        for position, title in enumerate(FACILITATOR_MODULES, start=1):
            cohorts.module_create(
                course=course, title=title, position=position, by=self.network_user
            )
        for year in years[:2]:
            starts_on = date_of(year, 1, 15)
            self.clock.step(plus(starts_on, -20))
            cohort = cohorts.cohort_create(
                by=self.network_user,
                data={
                    "course": course,
                    "name": f"Promotion {year} des facilitateurs{DEMO_SUFFIX}",
                    "starts_on": starts_on,
                    "ends_on": date_of(year, 10, 31),
                },
            )
            self.summary.cohorts += 1
            modules = list(course.modules.order_by("position"))
            trainees = []
            for n in range(10):
                name = f"{FIRST_NAMES[n % 8]} {LAST_NAMES[(n + n // 8 * 3 + year) % 8]} (démo)"
                trainees.append(
                    cohorts.trainee_add(
                        cohort=cohort,
                        name=name,
                        place=rng.choice(hosts) if hosts else None,
                        by=self.network_user,
                    )
                )
            certified_on = date_of(year, 11, 15)
            if certified_on > self.today:
                continue
            self.clock.step(certified_on)
            for trainee in trainees:
                done = len(modules) if rng.random() < 0.8 else rng.randrange(1, len(modules))
                certified = done == len(modules)
                cohorts.trainee_progress(
                    trainee=trainee,
                    modules=modules[:done],
                    certified_on=certified_on if certified else None,
                    by=self.network_user,
                )
                self.summary.certified += int(certified)

    # --- resources -----------------------------------------------------------------------------

    def _resources(self, years: list[int]) -> None:
        for i, (title, kind, licence, url) in enumerate(RESOURCES):
            day = date_of(years[min(i // 2, len(years) - 1)], 2 + 3 * i, 10)
            if day > self.today:
                continue
            self.clock.step(day)
            network_services.resource_create(
                by=self.network_user,
                is_demo=True,
                data={
                    "title": f"{title}{DEMO_SUFFIX}",
                    "kind": kind,
                    "licence": licence,
                    "url": url,
                    "description": "Ressource de démonstration (lien fictif).",
                    "published_on": day,
                },
            )
            self.summary.resources += 1

    # --- the partnership programme ---------------------------------------------------------------

    def _programme(self, years: list[int]) -> None:
        rng = self.net_rng
        first = years[0]
        self.clock.step(date_of(first, 1, 10))
        programme = network_services.programme_create(
            by=self.instructor,
            is_demo=True,
            data={
                "title": f"Programme de partenariat {first}-{first + 2}{DEMO_SUFFIX}",
                "partner": self.network,
                "starts_on": date_of(first, 1, 1),
                "ends_on": date_of(first + 2, 12, 31),
                "summary": "Convention pluriannuelle plutôt qu'un marché public (démo).",
            },
        )
        self.summary.programmes += 1
        extension_on = date_of(first + 2, 11, 20)
        if extension_on <= self.today:
            self.clock.step(extension_on)
            network_services.programme_extend(
                programme=programme,
                ends_on=date_of(first + 3, 12, 31),
                decided_on=extension_on,
                reason="Prolongation d'un an par avenant (démo).",
                by=self.instructor,
            )
        for year in programme.years():
            if date_of(year, 1, 10) > self.today:
                continue
            self.clock.step(date_of(year, 1, 10))
            for kind, target in TARGETS.items():
                network_services.objective_set(
                    programme=programme, year=year, kind=kind, target=target, by=self.instructor
                )
        for grant in OtherGrant.objects.filter(
            is_demo=True, line=GrantLine.REGIONAL_NETWORK, year__in=programme.years()
        ).order_by("year", "pk"):
            self.clock.step(max(grant.committed_on, date_of(first, 1, 10)))
            dashboard_services.other_grant_programme_set(
                grant=grant, programme=programme, by=self.instructor
            )
        for year in programme.years():
            report_on, meeting_on = date_of(year + 1, 1, 31), date_of(year, 12, 8)
            if meeting_on <= self.today:
                self.clock.step(meeting_on)
                network_services.meeting_record(
                    programme=programme,
                    year=year,
                    held_on=meeting_on,
                    minutes=(
                        f"Comité de pilotage {year} (démo) : bilan des actions, "
                        "objectifs de l'année suivante, calendrier des formations."
                    ),
                    by=self.instructor,
                )
            if report_on <= self.today:
                self.clock.step(report_on)
                computed = figures.year_figures(year, include_demo=True)
                network_services.report_submit(
                    programme=programme,
                    year=year,
                    narrative=(
                        f"Rapport d'activité {year} du réseau (démo) : formations, "
                        "accompagnements, revues de projets et ressources partagées."
                    ),
                    declared={k: computed[k] + rng.randrange(0, 3) for k in TARGETS},
                    by=self.network_user,
                )
