"""Other public lists across regions (ADR 0030): calls, the API's open calls, training
sessions and public premises, with ``?region=``."""

import pytest
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory
from tests.places.second_region import two_regions_serve
from tests.premises.conftest import offer_values
from tests.training.factories import SessionFactory
from tierslieux.accounts.models import OrganisationKind
from tierslieux.premises import services as premises_services

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def two_regions(db, settings):
    return two_regions_serve(settings)


def test_calls_page_and_api_per_region(client, two_regions):
    CallFactory(name="AMI aquitain", region_code="75")
    CallFactory(name="AMI rhônalpin", region_code="84")
    page = client.get(reverse("calls:call_list"), {"region": "84"}, **EN).content.decode()
    assert "AMI rhônalpin" in page and "AMI aquitain" not in page
    assert 'class="region-switcher"' in page
    every = client.get(reverse("calls:call_list"), **EN).content.decode()
    assert "AMI rhônalpin" in every and "AMI aquitain" in every

    def api(**params):
        response = client.get("/api/v1/appels/ouverts", params)
        return response.status_code, sorted(c["nom"] for c in response.json()) if (
            response.status_code == 200
        ) else response.json()["errors"]

    assert api(region="75") == (200, ["AMI aquitain"])
    assert api(region="all") == (200, ["AMI aquitain", "AMI rhônalpin"])
    assert api() == (200, ["AMI aquitain", "AMI rhônalpin"])
    assert api(region="11")[0] == 422 and "region" in api(region="11")[1]


def test_training_sessions_per_region(client, two_regions):
    SessionFactory(place=two_regions.grenoble, course__title="Réparer son vélo")
    SessionFactory(place=two_regions.bordeaux, course__title="Souder de l aluminium")
    page = client.get(reverse("training:session_list"), {"region": "84"}, **EN).content.decode()
    assert "Réparer son vélo" in page and "Souder de l aluminium" not in page
    assert 'value="38"' in page and 'value="33"' not in page
    page = client.get(reverse("training:session_list"), {"region": "all"}, **EN).content.decode()
    assert "Réparer son vélo" in page and "Souder de l aluminium" in page


def test_public_premises_per_region(client, two_regions):
    organisation = OrganisationFactory(name="Commune de Guéret", kind=OrganisationKind.COMMUNE)
    # An authority's account acts in one region (ADR 0029): one account per region.
    owners = {
        region: UserFactory(authority=True, organisation=organisation, region_code=region)
        for region in ("75", "84")
    }
    for title, code, region in (
        ("École de Lyon", "69123", "84"),
        ("École de Guéret", "23096", "75"),
    ):
        owner = owners[region]
        offer = premises_services.premises_offer_create(
            values=offer_values(code, title=title), by=owner
        )
        premises_services.premises_offer_transition(offer=offer, to="published", by=owner)
    page = client.get(reverse("premises:offer_list"), {"region": "84"}, **EN).content.decode()
    assert "École de Lyon" in page and "École de Guéret" not in page
    assert 'class="region-switcher"' in page
    page = client.get(reverse("premises:offer_list"), {"region": "75"}, **EN).content.decode()
    assert "École de Lyon" not in page and "École de Guéret" in page


def test_funded_projects_page_and_api_per_region(client, two_regions):
    ApplicationFactory(accepted=True, title="Projet aquitain", call=CallFactory(region_code="75"))
    ApplicationFactory(
        accepted=True,
        title="Projet rhônalpin",
        commune=two_regions.lyon.commune,
        call=CallFactory(region_code="84"),
    )
    page = client.get(reverse("calls:funded_list"), {"region": "84"}, **EN).content.decode()
    assert "Projet rhônalpin" in page and "Projet aquitain" not in page
    assert 'value="69"' in page and 'value="24"' not in page
    page = client.get(reverse("calls:funded_list"), **EN).content.decode()
    assert "Projet rhônalpin" in page and "Projet aquitain" in page
    body = client.get("/api/v1/projets-finances", {"region": "75"}).json()
    assert [p["nom"] for p in body["items"]] == ["Projet aquitain"]
    assert client.get("/api/v1/projets-finances", {"region": "53"}).status_code == 422
