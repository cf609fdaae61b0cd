"""The national view of the mesh page (``?region=``) and its downloads."""

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.places.factories import PlaceFactory, commune
from tierslieux.territory.models import Commune, Departement, PopulationCell
from tierslieux.territory.national import RULE

pytestmark = pytest.mark.django_db
PAGE = "territory:territory_detail"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_regions(settings, border):
    settings.TERRITORY_REGIONS = ("75", "84")
    return border


def _get(client, url, status=200):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, url
    return response


def _row_codes(body: str, table: str) -> list[str]:
    section = body.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-code="([^"]+)"', section)


def test_the_default_deployment_compares_its_one_region(client):
    PlaceFactory(commune=commune("33063"))
    body = _get(client, reverse(PAGE) + "?region=all").content.decode()
    assert "A place serves the inhabitants within reach on both sides of a regional border" in body
    assert _row_codes(body, "national-regions") == ["75"]
    assert len(_row_codes(body, "national-departements")) == 12
    # Nouvelle-Aquitaine's neighbours are not loaded: the page says the border is not counted.
    assert "Centre-Val de Loire" not in body or "not loaded" in body
    assert "the border effect with them is not counted" in body
    for kind in ("regions", "departements"):
        for fmt in ("csv", "geojson"):
            url = reverse("territory:national_download", kwargs={"kind": kind, "format": fmt})
            assert f'href="{url}?region=all"' in body
    assert 'id="national-config"' in body and "national-map.js" in body
    # The regional page offers no comparison when the deployment serves one region.
    assert "?region=all" not in _get(client, reverse(PAGE)).content.decode()


def test_regions_not_served_or_unknown_are_not_found(client):
    _get(client, reverse(PAGE) + "?region=84", status=404)
    _get(client, reverse(PAGE) + "?region=99", status=404)
    _get(client, reverse(PAGE) + "?region=" + "7" * 5000, status=404)


def test_two_regions_compared_across_the_border_and_sorted(client, two_regions):
    body = _get(client, reverse(PAGE) + "?region=all").content.decode()
    assert _row_codes(body, "national-regions") == ["75", "84"]
    assert _row_codes(body, "national-departements")[0] == "15"
    # Sorted by share within 20 minutes, highest first: Cantal (60 %) before Corrèze.
    body = _get(
        client, reverse(PAGE) + "?region=all&sort=share_covered&order=desc"
    ).content.decode()
    assert _row_codes(body, "national-regions") == ["84", "75"]
    codes = _row_codes(body, "national-departements")
    assert codes[:2] == ["15", "19"]  # Corrèze: Bort-les-Orgues is served from Cantal
    assert 'aria-sort="descending"' in body
    # The mesh page now links to the comparison.
    regional = _get(client, reverse(PAGE)).content.decode()
    assert "?region=all" in regional and "?region=84" in regional
    # One region of the two.
    body = _get(client, reverse(PAGE) + "?region=84").content.decode()
    assert _row_codes(body, "national-regions") == ["84"]


def test_csv_neutralises_formulas_and_geojson_states_the_rule(client, two_regions):
    Departement.objects.filter(code="15").update(name='=HYPERLINK("http://x")')
    url = reverse("territory:national_download", kwargs={"kind": "departements", "format": "csv"})
    response = _get(client, url + "?region=all")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    cantal = next(r for r in rows if r["code"] == "15")
    assert cantal["nom"].startswith("'=HYPERLINK")
    assert (cantal["habitants"], cantal["habitants_couverts"]) == ("1000", "600")
    assert cantal["part_couverte"] == "0.6" and cantal["tiers_lieux"] == "1"
    url = reverse("territory:national_download", kwargs={"kind": "regions", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(_get(client, url + "?region=all").content.decode())))
    assert [r["code"] for r in rows] == ["", "75", "84"]
    assert rows[1]["regions_voisines_non_chargees"] == "24 52 76"
    assert rows[1]["montant_engage_euros"] == ""  # no call: blank
    url = reverse("territory:national_download", kwargs={"kind": "regions", "format": "geojson"})
    data = json.loads(_get(client, url + "?region=all").content)
    assert data["rule"] == RULE and data["features"][1]["properties"]["code"] == "75"
    assert data["features"][1]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    url = reverse(
        "territory:national_download", kwargs={"kind": "departements", "format": "geojson"}
    )
    data = json.loads(_get(client, url + "?region=84").content)
    assert [f["properties"]["code"] for f in data["features"]] == ["15"]
    bad = reverse("territory:national_download", kwargs={"kind": "communes", "format": "csv"})
    _get(client, bad + "?region=all", status=404)


def test_money_committed_where_the_region_runs_calls(client, two_regions):
    from tests.calls.factories import ApplicationFactory, CallFactory

    call = CallFactory(region_code="84")
    ApplicationFactory(call=call, accepted=True)
    body = _get(client, reverse(PAGE) + "?region=all").content.decode()
    regions = body.split('id="national-regions"', 1)[1].split("</table>", 1)[0]
    na_row = regions.split('data-code="75"', 1)[1].split("</tr>", 1)[0]
    ara_row = regions.split('data-code="84"', 1)[1].split("</tr>", 1)[0]
    assert "€" not in na_row
    assert "€" in ara_row


def test_overseas_demand_is_counted_at_town_hall_points(client, settings):
    settings.TERRITORY_REGIONS = ("01", "75")
    guadeloupe = Departement.objects.get(code="971")
    Commune.objects.create(
        code="97105",
        name="Basse-Terre",
        departement=guadeloupe,
        population=10_000,
        population_2021=10_000,
        density_level=2,
        lon=-61.7261,
        lat=15.9985,
        geometry={"type": "Point", "coordinates": [-61.7261, 15.9985]},
    )
    PlaceFactory(commune=commune("97105"))
    assert not PopulationCell.objects.filter(commune_id="97105").exists()
    body = _get(client, reverse(PAGE) + "?region=01").content.decode()
    assert _row_codes(body, "national-regions") == ["01"]
    row = body.split('data-code="01"', 1)[1].split("</tr>", 1)[0]
    assert "demand counted at town-hall points" in row
    assert "10,000" in row and "100.0" in row  # every inhabitant within reach of the place


def test_the_dashboard_compares_the_regions_when_several_are_served(client, settings, border):
    dashboard = "/tableau-de-bord/"
    assert 'id="national-comparison"' not in _get(client, dashboard).content.decode()
    settings.TERRITORY_REGIONS = ("75", "84")
    body = _get(client, dashboard).content.decode()
    table = body.split('id="national-comparison"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<tr data-code="([^"]+)"', table) == ["75", "84"]
    assert f'href="{reverse(PAGE)}?region=all"' in body
    assert "on both sides of a regional border" in body


def test_all_compares_the_served_regions_that_are_loaded(client, settings):
    """Served but not loaded: ``all`` leaves it out (and says its border is not counted), a
    link naming it is not found."""
    settings.TERRITORY_REGIONS = ("75", "84")
    body = _get(client, reverse(PAGE) + "?region=all").content.decode()
    assert _row_codes(body, "national-regions") == ["75"]
    assert "Auvergne-Rhône-Alpes" in body and "not loaded" in body
    _get(client, reverse(PAGE) + "?region=84", status=404)
    # The mesh page links to the comparison and to the loaded regions only.
    regional = _get(client, reverse(PAGE)).content.decode()
    assert "?region=all" in regional and "?region=75" in regional
    assert "?region=84" not in regional
