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
        ("sessions map", "/formations/sessions/carte/"),
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
        "network": [
            ("opinions", "/appels/avis/"),
            ("reviews", "/appels/revues/"),
            *_network_partnership_pages(),
        ],
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


def _network_partnership_pages() -> list[tuple[str, str]]:
    """A programme with an objective and a grant, a cohort with a trainee, a resource (ADR
    0033): their pages as the network sees them."""
    import datetime

    from tests.dashboard.factories import OtherGrantFactory
    from tests.network.factories import ObjectiveFactory, ProgrammeFactory, ResourceFactory
    from tests.training.factories import CourseFactory
    from tierslieux.training.models import Cohort, Trainee

    programme = ProgrammeFactory(title="Programme de partenariat")
    ObjectiveFactory(programme=programme)
    OtherGrantFactory(year=2025, programme=programme)
    cohort = Cohort.objects.create(
        course=CourseFactory(certification="Facilitateur", rncp_code="RNCP12345"),
        name="Promotion",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 1),
    )
    Trainee.objects.create(cohort=cohort, name="Alex")
    ResourceFactory()
    return [
        ("programme", programme.get_absolute_url()),
        ("report form", f"/reseau/programmes/{programme.pk}/2025/rapport/"),
        ("cohort", cohort.get_absolute_url()),
        ("resources", "/reseau/ressources/"),
        ("resource form", "/reseau/ressources/nouvelle/"),
    ]
