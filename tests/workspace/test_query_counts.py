"""No list page makes a query per row (N+1): each page is read with one row, then with twenty,
and the twenty-row read may not cost more queries than the one-row read
(``django_assert_max_num_queries``). A query per row would add nineteen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.agreements.factories import AgreementFactory
from tests.calls.factories import ApplicationFactory, CallFactory, OpinionFactory, holder_user
from tests.places.factories import PlaceFactory, commune
from tests.surveys.factories import InvitationFactory, ResponseFactory, SurveyFactory
from tierslieux.accounts.services import user_invite
from tierslieux.places.models import PlaceProposal

pytestmark = pytest.mark.django_db
ROWS = 20
CODES = ("33063", "87085", "64445", "86194", "17300", "24322", "19272", "40192", "47001", "79191")


def _get(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def assert_rows_cost_no_query(client, url, make, django_assert_max_num_queries, marker=None):
    """``make(i)`` adds the i-th row; the page with ``ROWS`` rows costs what it costs with one."""
    make(0)
    _get(client, url)  # warm the per-process caches (content types, permissions, sessions)
    one = _queries(client, url)
    for i in range(1, ROWS):
        make(i)
    with django_assert_max_num_queries(one):
        response = _get(client, url)
    if marker is not None:
        assert response.content.decode().count(marker) >= ROWS, url
    return response


def _logged_in(client, **role):
    client.force_login(UserFactory(**role))
    return client


def test_the_directory(client, django_assert_max_num_queries):
    def make(i):
        PlaceFactory(name=f"Lieu numéro {i:02}", commune=commune(CODES[i % len(CODES)]))

    assert_rows_cost_no_query(
        client, reverse("places:place_list"), make, django_assert_max_num_queries, "Lieu numéro"
    )


def test_the_proposals(client, django_assert_max_num_queries):
    _logged_in(client, network=True)
    places = []

    def make(i):
        place = PlaceFactory(commune=commune(CODES[i % len(CODES)]))
        places.append(place)
        PlaceProposal.objects.create(
            place=place if i % 2 else None,
            data={"name": f"Proposition {i:02}", "commune": CODES[i % len(CODES)]},
            proposer_name=f"Personne {i}",
            proposer_email=f"p{i}@example.org",
        )

    assert_rows_cost_no_query(
        client, reverse("places:proposal_list"), make, django_assert_max_num_queries, "Personne"
    )


def test_the_calls(client, django_assert_max_num_queries):
    def make(i):
        CallFactory(name=f"Appel numéro {i:02}")

    assert_rows_cost_no_query(
        client, reverse("calls:call_list"), make, django_assert_max_num_queries, "Appel numéro"
    )


def test_the_applications_of_the_instruction(client, django_assert_max_num_queries):
    _logged_in(client, instructor=True)

    def make(i):
        ApplicationFactory(submitted=True, title=f"Dossier numéro {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("calls:application_list"),
        make,
        django_assert_max_num_queries,
        "Dossier numéro",
    )


def test_the_applications_of_a_holder(client, django_assert_max_num_queries):
    holder = holder_user()
    client.force_login(holder)

    def make(i):
        ApplicationFactory(organisation=holder.organisation, title=f"Mon dossier {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("calls:application_mine"),
        make,
        django_assert_max_num_queries,
        "Mon dossier",
    )


def test_the_funded_projects(client, django_assert_max_num_queries):
    def make(i):
        ApplicationFactory(accepted=True, title=f"Projet financé {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("calls:funded_list"),
        make,
        django_assert_max_num_queries,
        "Projet financé",
    )


def test_the_agreements(client, django_assert_max_num_queries):
    _logged_in(client, instructor=True)

    def make(i):
        AgreementFactory(application__title=f"Convention numéro {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("agreements:agreement_list"),
        make,
        django_assert_max_num_queries,
        "Convention numéro",
    )


def test_the_surveys(client, django_assert_max_num_queries):
    _logged_in(client, network=True)

    def make(i):
        survey = SurveyFactory(
            year=2000 + i,
            opens_on=datetime.date(2000 + i, 3, 1),
            closes_on=datetime.date(2000 + i, 4, 1),
        )
        InvitationFactory(survey=survey)
        ResponseFactory(invitation=InvitationFactory(survey=survey))

    assert_rows_cost_no_query(
        client, reverse("surveys:survey_list"), make, django_assert_max_num_queries
    )


def test_the_invitations(client, django_assert_max_num_queries):
    staff = UserFactory(instructor=True)
    client.force_login(staff)

    def make(i):
        user_invite(email=f"invite{i:02}@example.org", role="reader", organisation=None, by=staff)

    assert_rows_cost_no_query(
        client, reverse("accounts:invitation_list"), make, django_assert_max_num_queries, "invite"
    )


def test_the_api_places(client, django_assert_max_num_queries):
    def make(i):
        PlaceFactory(name=f"Lieu API {i:02}", commune=commune(CODES[i % len(CODES)]))

    response = assert_rows_cost_no_query(
        client, reverse("api:place_list"), make, django_assert_max_num_queries
    )
    assert response.json()["count"] == ROWS


def test_the_api_territory_lists(client, django_assert_max_num_queries):
    """The département list and a commune search read a fixed number of queries."""
    for url in (reverse("api:departement_list"), reverse("api:commune_search") + "?q=Sa&limit=50"):
        _get(client, url)
        with django_assert_max_num_queries(3):
            assert len(_get(client, url).json()) >= 12


def test_the_instruction_page_of_an_application(client, django_assert_max_num_queries):
    _logged_in(client, instructor=True)
    application = ApplicationFactory(under_instruction=True)

    def make(i):
        OpinionFactory(
            application=application,
            organisation=OrganisationFactory(kind="departement", name=f"Partenaire {i:02}"),
        )

    assert_rows_cost_no_query(
        client,
        reverse("calls:application_instruct", args=[application.pk]),
        make,
        django_assert_max_num_queries,
    )


def test_the_premises_on_offer(client, django_assert_max_num_queries):
    from tierslieux.premises.models import PremisesOffer

    authority = OrganisationFactory(name="Commune offrant des locaux")

    def make(i):
        place = commune(CODES[i % len(CODES)])
        PremisesOffer.objects.create(
            authority=authority,
            title=f"Bâtiment numéro {i:02}",
            commune=place,
            address="1 place de la Mairie",
            lon=place.lon,
            lat=place.lat,
            surface_m2=100 + i,
            building_state="ready",
            rent_per_m2_month=3,
            contact_name="Service patrimoine",
            contact_email="patrimoine@example.org",
            state="published",
            inhabitants_brought=i,
        )

    assert_rows_cost_no_query(
        _logged_in(client, instructor=True),
        reverse("premises:offer_list"),
        make,
        django_assert_max_num_queries,
        marker="Bâtiment numéro",
    )


def test_the_projects_interested_in_an_offer(client, django_assert_max_num_queries):
    """The offer's page lists the interested projects with their eligibility, and the
    projects near it: rows cost no query."""
    from tests.agreements.factories import JournalEntryFactory
    from tests.calls.factories import ApplicationFactory
    from tierslieux.premises.models import PremisesInterest, PremisesOffer

    authority = OrganisationFactory(name="Commune offrant des locaux")
    place = commune("23096")
    offer = PremisesOffer.objects.create(
        authority=authority,
        title="Bâtiment offert",
        commune=place,
        address="1 place de la Mairie",
        lon=place.lon,
        lat=place.lat,
        surface_m2=100,
        building_state="ready",
        rent_per_m2_month=3,
        contact_name="Service patrimoine",
        contact_email="patrimoine@example.org",
        state="published",
        inhabitants_brought=10,
    )

    def make(i):
        application = ApplicationFactory(title=f"Projet intéressé {i:02}", commune=place)
        PremisesInterest.objects.create(
            offer=offer,
            organisation=application.organisation,
            application=application,
            project_label=application.title,
        )
        entry = JournalEntryFactory(project_label=f"Projet suivi {i:02}", commune=place)
        PremisesInterest.objects.create(
            offer=offer,
            organisation=authority,
            journal_entry=entry,
            project_label=entry.project_label,
        )

    assert_rows_cost_no_query(
        _logged_in(client, instructor=True),
        reverse("premises:offer_detail", args=[offer.pk]),
        make,
        django_assert_max_num_queries,
        marker="Projet intéressé",
    )


def test_the_training_lists(client, django_assert_max_num_queries):
    from tests.training.factories import CourseFactory, SessionFactory

    def make(i):
        course = CourseFactory(title=f"Formation numéro {i:02}")
        SessionFactory(course=course, place=PlaceFactory(commune=commune(CODES[i % len(CODES)])))

    url = reverse("training:course_list")
    assert_rows_cost_no_query(client, url, make, django_assert_max_num_queries, "Formation numéro")
    from tierslieux.training.models import Course, Session

    Session.objects.all().delete()
    Course.objects.all().delete()
    url = reverse("training:session_list")
    assert_rows_cost_no_query(client, url, make, django_assert_max_num_queries, "Formation numéro")


def test_the_national_comparison_of_the_mesh(client, settings, django_assert_max_num_queries):
    """The comparison's queries do not grow with the places or the funded applications, even
    when the totals are computed in the request (cache cleared before each read)."""
    from django.core.cache import cache

    settings.TERRITORY_REGIONS = ("75",)
    url = reverse("territory:territory_detail") + "?region=all&sort=share_covered&order=desc"

    def make(i):
        PlaceFactory(name=f"Lieu numéro {i:02}", commune=commune(CODES[i % len(CODES)]))
        ApplicationFactory(accepted=True)

    make(0)
    cache.clear()
    _get(client, url)
    cache.clear()
    one = _queries(client, url)
    for i in range(1, ROWS):
        make(i)
    cache.clear()
    with django_assert_max_num_queries(one):
        response = _get(client, url)
    assert 'id="national-departements"' in response.content.decode()
    assert response.content.decode().count("<tr data-code=") == 1 + 12


def _two_regions(settings):
    from tests.places.second_region import two_regions_serve

    return two_regions_serve(settings)


def test_the_directory_of_one_region_among_several(client, settings, django_assert_max_num_queries):
    """``?region=84`` of a deployment serving two regions: no query per place either."""
    lyon = _two_regions(settings).lyon.commune

    def make(i):
        PlaceFactory(name=f"Lieu rhodanien {i:02}", commune=lyon)

    for url in (
        reverse("places:place_list") + "?region=84",
        reverse("places:place_list") + "?region=84&departement=69&kind=coworking",
        reverse("api:place_list") + "?region=84&departement=69",
    ):
        PlaceFactory._meta.model.objects.filter(name__startswith="Lieu rhodanien").delete()
        assert_rows_cost_no_query(client, url, make, django_assert_max_num_queries)


def test_the_map_page_and_near_me(client, django_assert_max_num_queries):
    """The map page's table and "near me" list every place: no query per place (the table reads
    its columns with ``values_list``; "near me" reads three columns per place, then builds
    instances only for what it shows). A search (``q``) is never cached: each read is built."""

    def make(i):
        PlaceFactory(name=f"Lieu cartographié {i:02}", commune=commune(CODES[i % len(CODES)]))

    for url, marker in (
        (reverse("places:place_map") + "?q=cartographie", "Lieu cartographié"),
        (reverse("places:place_near") + "?code=33063&minutes=120", None),
    ):
        PlaceFactory._meta.model.objects.filter(name__startswith="Lieu cartographié").delete()
        assert_rows_cost_no_query(client, url, make, django_assert_max_num_queries, marker)


def test_the_network_partnership_lists(client, django_assert_max_num_queries):
    from tests.network.factories import ProgrammeFactory, ResourceFactory
    from tests.training.factories import CourseFactory
    from tierslieux.training.models import Cohort, Trainee

    _logged_in(client, instructor=True)

    def programme(i):
        ProgrammeFactory(title=f"Programme numéro {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("network:programme_list"),
        programme,
        django_assert_max_num_queries,
        "Programme numéro",
    )

    def resource(i):
        ResourceFactory(title=f"Ressource numéro {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("network:resource_list"),
        resource,
        django_assert_max_num_queries,
        "Ressource numéro",
    )

    def cohort(i):
        Cohort.objects.create(
            course=CourseFactory(),
            name=f"Promotion numéro {i:02}",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 2, 1),
        )

    assert_rows_cost_no_query(
        client,
        reverse("training:cohort_list"),
        cohort,
        django_assert_max_num_queries,
        "Promotion numéro",
    )
    one = Cohort.objects.first()

    def trainee(i):
        Trainee.objects.create(
            cohort=one,
            name=f"Stagiaire numéro {i:02}",
            place=PlaceFactory(commune=commune(CODES[i % len(CODES)])),
        )

    assert_rows_cost_no_query(
        client,
        reverse("training:cohort_detail", args=[one.pk]),
        trainee,
        django_assert_max_num_queries,
        "Stagiaire numéro",
    )


def test_the_programme_page_costs_the_same_with_more_years_of_grants(
    client, django_assert_max_num_queries
):
    from tests.dashboard.factories import OtherGrantFactory
    from tests.network.factories import ProgrammeFactory

    _logged_in(client, instructor=True)
    programme = ProgrammeFactory()

    def grant(i):
        OtherGrantFactory(year=2024 + i % 3, programme=programme, label=f"Subvention numéro {i:02}")

    assert_rows_cost_no_query(
        client,
        reverse("network:programme_detail", args=[programme.pk]),
        grant,
        django_assert_max_num_queries,
        "Subvention numéro",
    )
