"""Reading the directory through the API, per role: the public sees published places only."""

import pytest
from django.urls import reverse

from tests.api.conftest import bearer
from tests.places.factories import PlaceFactory, commune
from tierslieux.places.models import PlaceKind, PlaceService, PlaceSource, PlaceState

# Tests that read the database say so one by one: the others check pure rules.

LIST_URL = "/api/places"


def detail_url(pk: int) -> str:
    return f"/api/places/{pk}"


def names(response) -> list[str]:
    return [item["nom"] for item in response.json()["items"]]


@pytest.mark.django_db
def test_urls_are_in_the_api_namespace_under_v1_with_the_old_paths_as_aliases(client):
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"
    assert reverse("api:place_list") == "/api/v1/places"
    assert reverse("api-unversioned:place_list") == LIST_URL == "/api/places"
    PlaceFactory(name="Publié")
    assert client.get("/api/v1/places").json() == client.get(LIST_URL).json()


@pytest.mark.django_db
def test_anonymous_list_shows_published_places_only(client):
    PlaceFactory(name="Publié")
    PlaceFactory(name="Caché", unpublished=True)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert names(response) == ["Publié"]
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_holder_sees_published_places_only(client, holder, holder_token):
    PlaceFactory(name="Publié")
    PlaceFactory(name="Caché", unpublished=True)
    client.force_login(holder)
    assert names(client.get(LIST_URL)) == ["Publié"]
    client.logout()
    assert names(client.get(LIST_URL, headers=bearer(holder_token))) == ["Publié"]


@pytest.mark.django_db
def test_instructor_sees_unpublished_places_by_session_and_by_token(
    client, instructor, instructor_token
):
    PlaceFactory(name="Publié")
    PlaceFactory(name="Caché", unpublished=True)
    assert names(client.get(LIST_URL, headers=bearer(instructor_token))) == ["Caché", "Publié"]
    client.force_login(instructor)
    data = client.get(LIST_URL).json()
    assert {item["nom"]: item["publie"] for item in data["items"]} == {
        "Caché": False,
        "Publié": True,
    }


@pytest.mark.django_db
def test_list_item_has_the_csv_fields(client):
    place = PlaceFactory(
        name="La Fabrique",
        kinds=[PlaceKind.FABLAB, PlaceKind.COWORKING],
        services=[PlaceService.CAFE],
        source=PlaceSource.CGET_2019,
        source_id="CW-1",
        postcode="33000",
        pmr_accessible=True,
    )
    item = client.get(LIST_URL).json()["items"][0]
    assert item["id"] == place.pk
    assert item["types"] == ["fablab", "coworking"]
    assert item["services"] == ["cafe"]
    assert item["statut"] == "open"
    assert item["commune_insee"] == "33063"
    assert item["commune"] == "Bordeaux"
    assert item["departement"] == "33"
    assert item["epci_siren"] == "243300316"
    assert item["acces_pmr"] is True
    assert item["acces_fibre"] is None
    assert item["mode_gestion"] is None
    assert item["attribution"].startswith("CGET / ANCT")
    assert item["publie"] is True


@pytest.mark.django_db
def test_pagination_by_limit_and_offset(client):
    for i in range(5):
        PlaceFactory(name=f"Lieu {i}")
    page = client.get(LIST_URL, {"limit": 2, "offset": 1}).json()
    assert page["count"] == 5
    assert [item["nom"] for item in page["items"]] == ["Lieu 1", "Lieu 2"]
    last = client.get(LIST_URL, {"limit": 2, "offset": 4}).json()
    assert [item["nom"] for item in last["items"]] == ["Lieu 4"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"limit": 201}, {"limit": 0}, {"offset": -1}])
def test_pagination_bounds(client, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 422
    assert set(response.json()["errors"]) <= {"limit", "offset"}


@pytest.mark.django_db
def test_limit_up_to_200(client):
    assert client.get(LIST_URL, {"limit": 200}).status_code == 200


@pytest.mark.django_db
def test_filters(client):
    PlaceFactory(
        name="Atelier de Limoges",
        commune=commune("87085"),
        kinds=[PlaceKind.CRAFT_WORKSHOP],
        services=[PlaceService.TRAINING],
    )
    PlaceFactory(name="Coworking Bordeaux Gare", description="Près de la gare")
    PlaceFactory(name="Projet à Pau", commune=commune("64445"), state=PlaceState.PROJECT)

    def found(**params):
        return sorted(names(client.get(LIST_URL, params)))

    assert found(q="gare") == ["Coworking Bordeaux Gare"]
    assert found(q="LIMOGÈS atelier") == ["Atelier de Limoges"]
    assert found(departement="87") == ["Atelier de Limoges"]
    assert found(epci="243300316") == ["Coworking Bordeaux Gare"]
    assert found(commune="64445") == ["Projet à Pau"]
    assert found(kind="craft_workshop") == ["Atelier de Limoges"]
    assert found(service="training") == ["Atelier de Limoges"]
    assert found(state="project") == ["Projet à Pau"]
    assert found(departement="33", state="project") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [("kind", "castle"), ("state", "sleeping"), ("departement", "x"), ("q", "a\x00b")],
)
def test_invalid_filter_is_422_with_field_message(client, name, value):
    response = client.get(LIST_URL, {name: value})
    assert response.status_code == 422
    assert name in response.json()["errors"]


@pytest.mark.django_db
def test_detail_public(client):
    place = PlaceFactory(name="Publié")
    response = client.get(detail_url(place.pk))
    assert response.status_code == 200
    assert response.json()["nom"] == "Publié"


@pytest.mark.django_db
def test_detail_unpublished_is_404_for_anonymous_and_holder(client, holder, holder_token):
    place = PlaceFactory(unpublished=True)
    assert client.get(detail_url(place.pk)).status_code == 404
    assert client.get(detail_url(place.pk), headers=bearer(holder_token)).status_code == 404
    client.force_login(holder)
    response = client.get(detail_url(place.pk))
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.django_db
def test_detail_unpublished_for_instructor(client, instructor, instructor_token):
    place = PlaceFactory(unpublished=True)
    response = client.get(detail_url(place.pk), headers=bearer(instructor_token))
    assert response.status_code == 200
    assert response.json()["publie"] is False
    client.force_login(instructor)
    assert client.get(detail_url(place.pk)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [0, 2**63, "abc"])
def test_detail_bad_id_is_422(client, pk):
    assert client.get(f"/api/places/{pk}").status_code == 422


@pytest.mark.django_db
def test_detail_unknown_is_404(client):
    assert client.get(detail_url(2**63 - 1)).status_code == 404


@pytest.mark.django_db
def test_invalid_token_on_a_read_is_401_not_the_public_view(client):
    PlaceFactory()
    response = client.get(LIST_URL, headers=bearer("tl_not-a-token"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
