"""One small world with a record for every main page of every role, built with the factories:
the accessibility and the narrow-screen tests open these pages."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.agreements.factories import (
    AgreementFactory,
    JournalEntryFactory,
    PremisesAgreementFactory,
)
from tests.calls.factories import (
    ApplicationFactory,
    CallFactory,
    OpinionFactory,
    holder_user,
)
from tests.places.factories import PlaceFactory, commune
from tests.surveys.factories import SurveyFactory


@dataclass
class World:
    users: dict
    pages: dict  # role -> list of (name, url)


def build_world() -> World:
    call = CallFactory(name="AMI Tiers-lieux 2026 avec un nom assez long pour un petit écran")
    place = PlaceFactory(
        name="La Fabrique Intercommunautairedesterritoiresruraux de Périgueux",
        website="https://www.exemple-de-tiers-lieu-avec-une-adresse-tres-longue.fr/accueil",
        commune=commune("24322"),
    )
    for code in ("33063", "87085", "86194"):
        PlaceFactory(commune=commune(code))

    holder = holder_user(username="porteuse")
    draft = ApplicationFactory(call=call, organisation=holder.organisation, title="Brouillon")
    submitted = ApplicationFactory(
        call=call, organisation=holder.organisation, under_instruction=True, title="Déposé"
    )
    agreement = AgreementFactory(
        signed=True,
        application=ApplicationFactory(
            call=call, organisation=holder.organisation, accepted=True, title="Financé"
        ),
    )

    instructor = UserFactory(username="instructrice", instructor=True)
    network = UserFactory(
        username="reseau", network=True, organisation=OrganisationFactory(kind="network")
    )
    authority_org = OrganisationFactory(kind="commune", name="Commune de Périgueux")
    authority = UserFactory(username="commune", authority=True, organisation=authority_org)
    reader = UserFactory(username="elue", reader=True)

    OpinionFactory(
        application=submitted,
        organisation=network.organisation,
        question="Le collectif est-il solide ?",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    PremisesAgreementFactory(authority=authority_org, place=place)
    JournalEntryFactory(commune=commune("24322"))
    survey = SurveyFactory()
    milestone = agreement.milestones.order_by("planned_on").first()

    public = [
        ("home", "/"),
        ("directory", "/tiers-lieux/"),
        ("place", f"/tiers-lieux/{place.pk}/"),
        ("map", "/tiers-lieux/carte/"),
        ("near", "/tiers-lieux/pres-de-chez-moi/?q=P%C3%A9rigueux"),
        ("mesh", "/territoire/"),
        ("calls", "/appels/"),
        ("call", f"/appels/{call.pk}/"),
        ("funded", "/appels/projets-finances/"),
        ("dashboard", "/tableau-de-bord/"),
        ("proposal", "/tiers-lieux/proposer/"),
        ("login", "/comptes/connexion/"),
        ("api-docs", "/api/docs"),
    ]
    pages = {
        "public": public,
        "holder": [
            ("my applications", "/appels/mes-dossiers/"),
            ("application form", f"/appels/dossiers/{draft.pk}/modifier/"),
            ("application", f"/appels/dossiers/{submitted.pk}/"),
            ("agreement", f"/conventions/{agreement.pk}/"),
        ],
        "instructor": [
            ("instruction list", "/appels/dossiers/"),
            ("instruction", f"/appels/dossiers/{submitted.pk}/instruction/"),
            ("budget", f"/appels/{call.pk}/budget/"),
            ("agreements", "/conventions/"),
            ("agreement", f"/conventions/{agreement.pk}/"),
            ("meeting", f"/conventions/rendez-vous/{milestone.pk}/"),
            ("journal", "/conventions/accompagnement/"),
            ("pipeline", "/conventions/accompagnement/vivier/"),
            ("reminders", "/conventions/rappels/"),
            ("survey", f"/panorama/{survey.pk}/"),
            ("proposals", "/tiers-lieux/propositions/"),
        ],
        "network": [("opinions", "/appels/avis/"), ("reviews", "/appels/revues/")],
        "authority": [("premises", "/conventions/locaux/")],
        "reader": [("dashboard", "/tableau-de-bord/")],
    }
    users = {
        "holder": holder,
        "instructor": instructor,
        "network": network,
        "authority": authority,
        "reader": reader,
    }
    return World(users=users, pages=pages)
