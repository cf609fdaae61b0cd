"""The public map: its page, the places GeoJSON per role and filter, the outline layers."""

import gzip
import json
import re
from html import unescape as html_unescape

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.places.models import PlaceKind
from tierslieux.territory.models import Commune

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def places():
    return {
        "bordeaux": PlaceFactory(name="La Fabrique bordelaise"),
        "biarritz": PlaceFactory(
            name="Atelier de la côte", commune=commune("64122"), kinds=[PlaceKind.FABLAB]
        ),
        "hidden": PlaceFactory(name="Lieu pas encore publié", unpublished=True),
    }


def geojson(client, **params):
    response = client.get(reverse("places:places_geojson"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def names(collection) -> set[str]:
    return {f["properties"]["name"] for f in collection["features"]}


def test_anonymous_sees_only_published_places(client, places):
    data = geojson(client)
    assert data["type"] == "FeatureCollection"
    assert names(data) == {"La Fabrique bordelaise", "Atelier de la côte"}


def test_feature_carries_what_the_popup_shows(client, places):
    place = places["biarritz"]
    (feature,) = [f for f in geojson(client)["features"] if f["id"] == place.pk]
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [round(place.lon, 5), round(place.lat, 5)],
    }
    props = feature["properties"]
    assert props["id"] == place.pk
    assert props["commune"] == "Biarritz"
    assert props["departement"] == "64"
    assert props["kinds"] == ["Fablab"]
    assert props["state"] == "open"
    assert props["url"] == reverse("places:place_detail", args=[place.pk])


@pytest.mark.parametrize(
    ("trait", "sees_unpublished"),
    [
        ("holder", False),
        ("authority", False),
        ("reader", False),
        ("instructor", True),
        ("network", True),
    ],
)
def test_directory_staff_also_see_unpublished_places(client, places, trait, sees_unpublished):
    client.force_login(UserFactory(**{trait: True}))
    assert ("Lieu pas encore publié" in names(geojson(client))) is sees_unpublished


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"departement": "64"}, {"Atelier de la côte"}),
        ({"kind": "fablab"}, {"Atelier de la côte"}),
        ({"q": "fabrique"}, {"La Fabrique bordelaise"}),
        ({"commune": "33063"}, {"La Fabrique bordelaise"}),
        ({"state": "project"}, set()),
    ],
)
def test_the_directory_filters_apply(client, places, params, expected):
    assert names(geojson(client, **params)) == expected


def test_map_page_is_accessible_and_ships_its_own_leaflet(client, places):
    response = client.get(reverse("places:place_map"), {"departement": "64"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    # The map container is labelled, the JS lives in a static file, its config in json_script.
    assert re.search(r'id="place-map"[^>]*aria-label="[^"]+"', html, re.S)
    assert '<script id="map-config" type="application/json">' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "/static/js/map.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    # Scripts: the JSON config and the three static files, nothing inline.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' id="map-config" type="application/json"']
    # The accessible alternative: the same places as a table, and the directory link.
    assert "Atelier de la côte" in html
    assert "La Fabrique bordelaise" not in html
    assert reverse("places:place_list") + "?departement=64" in html
    assert "CGET / ANCT" in html and "IGN / Insee" in html


def test_map_config_points_at_the_filtered_feeds_and_has_no_tiles_by_default(client, places):
    response = client.get(reverse("places:place_map"), {"departement": "64", "kind": "fablab"})
    config = json.loads(
        re.search(r'<script id="map-config"[^>]*>(.*?)</script>', response.content.decode(), re.S)[
            1
        ]
    )
    assert config["placesUrl"] == reverse("places:places_geojson") + "?departement=64&kind=fablab"
    assert config["departementsUrl"].endswith("?level=departement")
    assert config["communesUrl"].endswith("?level=commune&departement=64")
    assert config["tileUrl"] == ""


def test_tiles_only_when_configured(client, settings):
    settings.MAP_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    html = client.get(reverse("places:place_map")).content.decode()
    assert "https://tile.example.org/{z}/{x}/{y}.png" in html
    assert "© OpenStreetMap contributors" in html


def test_map_page_lists_unpublished_places_for_staff_only(client, places):
    url = reverse("places:place_map")
    assert "Lieu pas encore publié" not in client.get(url).content.decode()
    client.force_login(UserFactory(network=True))
    assert "Lieu pas encore publié" in client.get(url).content.decode()


def outlines(client, gzip_ok=False, **params):
    extra = {"HTTP_ACCEPT_ENCODING": "gzip"} if gzip_ok else {}
    return client.get(reverse("places:outlines_geojson"), params, **extra)


def all_coordinates(geometry):
    coords = geometry["coordinates"]
    while isinstance(coords[0][0], list):
        coords = [c for part in coords for c in part]
    return coords


def test_departement_outlines_are_the_12_departements(client):
    response = outlines(client, level="departement")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    codes = [f["properties"]["code"] for f in data["features"]]
    assert codes == ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]
    gironde = next(f for f in data["features"] if f["properties"]["code"] == "33")
    assert gironde["properties"]["name"] == "Gironde"
    for feature in data["features"]:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for lon, lat in all_coordinates(feature["geometry"]):
            assert round(lon, 4) == lon and round(lat, 4) == lat
            assert -2.0 < lon < 2.7 and 42.7 < lat < 47.2
    # Measured: about 190 kB (55 kB gzipped); keep it light for a first paint.
    assert len(response.content) < 300_000


def test_departement_outlines_keep_the_enclaves_but_drop_the_slivers(client):
    data = json.loads(outlines(client, level="departement").content)
    pyrenees = next(f for f in data["features"] if f["properties"]["code"] == "64")
    assert pyrenees["geometry"]["type"] == "Polygon"
    # The Hautes-Pyrénées enclaves inside the Pyrénées-Atlantiques remain as holes.
    assert 1 <= len(pyrenees["geometry"]["coordinates"]) - 1 <= 5


def test_commune_outlines_of_one_departement(client):
    response = outlines(client, level="commune", departement="64")
    data = json.loads(response.content)
    assert len(data["features"]) == Commune.objects.filter(departement_id="64").count()
    biarritz = next(f for f in data["features"] if f["properties"]["code"] == "64122")
    assert biarritz["properties"]["name"] == "Biarritz"


def test_outlines_are_gzipped_and_cacheable(client):
    response = outlines(client, gzip_ok=True, level="departement")
    assert response["Content-Encoding"] == "gzip"
    assert "max-age" in response["Cache-Control"]
    data = json.loads(gzip.decompress(response.content))
    assert len(data["features"]) == 12


@pytest.mark.parametrize(
    "params", [{"level": "region"}, {"level": "commune", "departement": "6'4"}]
)
def test_outlines_refuse_unknown_parameters(client, params):
    assert outlines(client, **params).status_code == 400


def test_map_endpoints_refuse_posts(client):
    assert client.post(reverse("places:places_geojson")).status_code == 405
    assert client.post(reverse("places:place_map")).status_code == 405


# --- town names of the offline base layer --------------------------------------------------


def test_town_names_are_every_commune_largest_first(client):
    response = client.get(reverse("places:towns_json"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age" in response["Cache-Control"]
    data = json.loads(gzip.decompress(response.content))
    assert data["fields"] == ["name", "population", "lon", "lat"]
    towns = data["towns"]
    assert len(towns) == Commune.objects.count() == 4293
    assert towns[0][:2] == ["Bordeaux", Commune.objects.get(code="33063").population]
    populations = [t[1] for t in towns]
    assert populations == sorted(populations, reverse=True)
    bressuire = next(t for t in towns if t[0] == "Bressuire")
    assert bressuire[2:] == [
        round(Commune.objects.get(code="79049").lon, 4),
        round(Commune.objects.get(code="79049").lat, 4),
    ]


def test_map_page_and_mesh_map_draw_the_town_names(client):
    html = client.get(reverse("places:place_map")).content.decode()
    config = json.loads(re.search(r'<script id="map-config"[^>]*>(.*?)</script>', html, re.S)[1])
    assert config["townsUrl"] == reverse("places:towns_json")
    assert "js/basemap.js" in html
    html = client.get(reverse("territory:territory_detail")).content.decode()
    assert "js/basemap.js" in html


# --- the small map of a place's page -------------------------------------------------------


def test_place_page_has_a_small_offline_map(client):
    place = PlaceFactory(
        name="Le Bocage numérique", commune=commune("79049"), location_precision="commune"
    )
    html = client.get(reverse("places:place_detail", args=[place.pk]), **EN).content.decode()
    container = re.search(r'<div id="place-map"[^>]*>', html, re.S)[0]
    assert f'data-lat="{place.lat:.6f}"' in container
    assert f'data-lon="{place.lon:.6f}"' in container
    assert 'data-name="Le Bocage numérique"' in container
    assert f'data-towns-url="{reverse("places:towns_json")}"' in container
    assert "?level=departement" in container
    # The commune lines of the départements within 25 km: only Deux-Sèvres around Bressuire
    # (Vendée and Maine-et-Loire are not in the region's data, Vienne is further).
    communes_urls = html_unescape(re.search(r'data-communes-urls="([^"]*)"', container)[1])
    assert communes_urls.split() == [
        reverse("places:outlines_geojson") + "?level=commune&departement=79"
    ]
    assert 'data-tile-url=""' in container  # no tiles unless MAP_TILE_URL is set
    assert "vendor/leaflet/leaflet.js" in html and "js/place-map.js" in html
    # The precision in words; the coordinates as a note.
    assert "Located at the town hall of Bressuire" in html
    assert "Coordinates: latitude" in html
    assert "<script>" not in html and " onclick=" not in html


def test_a_place_located_at_its_address_says_so(client):
    place = PlaceFactory(location_precision="address")
    html = client.get(reverse("places:place_detail", args=[place.pk]), **EN).content.decode()
    assert "Located at the address." in html
    assert 'data-precision="address"' in html


def test_place_map_uses_tiles_when_configured(client, settings):
    settings.MAP_TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"
    place = PlaceFactory()
    html = client.get(reverse("places:place_detail", args=[place.pk])).content.decode()
    assert 'data-tile-url="https://tile.example.org/{z}/{x}/{y}.png"' in html
