"""Names, texts and small helpers of the demo records: project names, expenses, reasons,
indicators, French "de" before a commune, valid SIRETs, days."""

from __future__ import annotations

import datetime
import random

from tierslieux.agreements.models import JournalKind
from tierslieux.calls import rules as call_rules

PROJECT_NAMES = (
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
EXPENSES = (
    ("Travaux d'aménagement des locaux", 0.45),
    ("Mobilier et équipement informatique", 0.2),
    ("Équipement de l'atelier", 0.12),
    ("Animation et ingénierie de projet (première année)", 0.18),
    ("Communication et lancement", 0.05),
)
REJECTION_REASONS = (
    "Modèle économique insuffisamment consolidé à ce stade.",
    "Collectif d'usagers encore trop restreint pour porter le lieu.",
    "Offre de services peu différenciée de l'existant sur le territoire.",
    "Plan de financement non sécurisé : cofinancements non confirmés.",
    "Projet à retravailler avec le réseau régional avant un nouveau dépôt.",
)
QUANTITATIVE = (
    ("Usagers par semaine", "personnes", (0, 8), (30, 90)),
    ("Postes de travail ouverts", "postes", (0, 4), (8, 24)),
    ("Événements et ateliers par an", "événements", (0, 6), (20, 60)),
    ("Emplois hébergés", "personnes", (0, 3), (5, 20)),
    ("Adhérents de l'association", "adhérents", (5, 30), (60, 200)),
)
QUALITATIVE = (
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


def de(name: str) -> str:
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


def new_siret(rng: random.Random, taken: set[str]) -> str:
    """A SIRET passing the checks of the calls (SIREN key and SIRET key), not yet taken."""
    while True:
        siren = _luhn_complete(f"{rng.randrange(10**7, 10**8):08d}")
        if siren.startswith(call_rules.LA_POSTE_SIREN[:8]):
            continue
        siret = _luhn_complete(siren + f"{rng.randrange(1, 1000):04d}")
        if call_rules.siret_is_valid(siret) and siret not in taken:
            taken.add(siret)
            return siret


def date_of(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


JOURNAL_NOTES = {
    JournalKind.CONTACT: "Premier contact : des habitants souhaitent ouvrir un lieu (démo).",
    JournalKind.VISIT: "Visite des locaux envisagés avec le collectif (démo).",
    JournalKind.MEDIATION: "Médiation avec la mairie sur la mise à disposition des locaux (démo).",
    JournalKind.REFERRAL: "Orientation vers un accompagnement au modèle économique (démo).",
    JournalKind.GOVERNANCE_ALERT: "Tensions dans la gouvernance du collectif (démo).",
}
