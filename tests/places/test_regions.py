"""Public pages of a deployment serving several regions: the switcher, ``?region=`` and the
territorial filters across regions (ADR 0030). Pages rendered in English."""

import json

import pytest
from django.urls import reverse

from tests.places.factories import PlaceFactory
from tests.places.second_region import two_regions_serve

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REGION_84 = {"Atelier lyonnais", "Coworking de Villeurbanne", "Fablab grenoblois"}
REGION_75 = {"Coworking bordelais", "Tiers-lieu limougeaud"}


@pytest.fixture
def two_regions(db, settings):
    return two_regions_serve(settings)


def listed(client, url, params=None) -> set[str]:
    response = client.get(url, params or {}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    return {name for name in REGION_84 | REGION_75 if name in page}


def test_directory_of_one_region_all_of_them_and_the_default(client, two_regions):
    url = reverse("places:place_list")
    assert listed(client, url, {"region": "84"}) == REGION_84
    assert listed(client, url, {"region": "75"}) == REGION_75
    assert listed(client, url, {"region": "all"}) == REGION_84 | REGION_75
    assert listed(client, url) == REGION_84 | REGION_75


def test_filters_by_departement_epci_and_commune_in_another_region(client, two_regions):
    url = reverse("places:place_list")
    assert listed(client, url, {"region": "84", "departement": "38"}) == {"Fablab grenoblois"}
    assert listed(client, url, {"region": "84", "epci": "200046977"}) == {
        "Atelier lyonnais",
        "Coworking de Villeurbanne",
    }
    assert listed(client, url, {"region": "84", "commune": "69266"}) == {
        "Coworking de Villeurbanne"
    }
    assert listed(client, url, {"region": "all", "departement": "87"}) == {"Tiers-lieu limougeaud"}


def test_the_form_offers_the_chosen_regions_departements_only(client, two_regions):
    page = client.get(reverse("places:place_list"), {"region": "84"}, **EN).content.decode()
    assert '<option value="38">Isère (38)</option>' in page
    assert 'value="33"' not in page
    page = client.get(reverse("places:place_list"), {"region": "all"}, **EN).content.decode()
    assert 'value="33"' in page and 'value="38"' in page


def test_a_departement_of_the_other_region_is_a_form_error(client, two_regions):
    response = client.get(reverse("places:place_list"), {"region": "75", "departement": "38"}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["departement"]
    # The list stays within the chosen region.
    assert listed(client, reverse("places:place_list"), {"region": "75", "departement": "38"}) == (
        REGION_75
    )


def test_a_commune_of_the_other_region_is_a_form_error(client, two_regions):
    response = client.get(reverse("places:place_list"), {"region": "75", "commune": "69123"}, **EN)
    assert "Lyon is not in Nouvelle-Aquitaine" in str(response.context["form"].errors["commune"])


@pytest.mark.parametrize("value", ["93", "99", "x" * 50])
def test_a_region_not_served_is_a_clear_form_error(client, two_regions, value):
    response = client.get(reverse("places:place_list"), {"region": value}, **EN)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["region"])
    assert "84 (Auvergne-Rhône-Alpes)" in errors
    if value == "93":
        assert "Provence-Alpes-Côte d'Azur is not served here" in errors


def test_the_switcher_links_keep_the_other_filters_and_drop_the_territory(client, two_regions):
    page = client.get(
        reverse("places:place_list"), {"region": "84", "departement": "38", "kind": "fablab"}, **EN
    ).content.decode()
    assert 'class="region-switcher"' in page
    assert 'href="/tiers-lieux/?kind=fablab&amp;region=75"' in page
    assert 'href="/tiers-lieux/?kind=fablab&amp;region=all"' in page
    assert 'href="/tiers-lieux/?kind=fablab&amp;region=84" aria-current="page"' in page
    assert ">All regions</a>" in page


def test_pagination_keeps_the_region(client, two_regions):
    for n in range(25):
        PlaceFactory(name=f"Lieu rhodanien {n:02}", commune=two_regions.lyon.commune)
    page = client.get(reverse("places:place_list"), {"region": "84"}, **EN).content.decode()
    assert "region=84&amp;page=2" in page or "page=2&amp;region=84" in page


def test_map_page_and_its_data_follow_the_region(client, two_regions):
    response = client.get(reverse("places:place_map"), {"region": "84"}, **EN)
    config = response.context["config"]
    assert "region=84" in config["placesUrl"]
    assert "The tiers-lieux of Auvergne-Rhône-Alpes" in response.content.decode()
    feed = client.get(config["placesUrl"], HTTP_ACCEPT_ENCODING="identity")
    names = {f["properties"]["name"] for f in json.loads(feed.content)["features"]}
    assert names == REGION_84
    every = client.get(reverse("places:places_geojson"), HTTP_ACCEPT_ENCODING="identity")
    assert {f["properties"]["name"] for f in json.loads(every.content)["features"]} == (
        REGION_84 | REGION_75
    )
    page = client.get(reverse("places:place_map"), {"region": "all"}, **EN).content.decode()
    assert "The tiers-lieux of Nouvelle-Aquitaine, Auvergne-Rhône-Alpes" in page


def test_map_data_of_a_region_not_served_is_a_400(client, two_regions):
    response = client.get(reverse("places:places_geojson"), {"region": "11"}, **EN)
    assert response.status_code == 400
    assert "Île-de-France is not served here" in response.content.decode()


def test_open_data_files_follow_the_region(client, two_regions):
    csv = b"".join(
        client.get(reverse("places:opendata_csv"), {"region": "84"}).streaming_content
    ).decode()
    assert "Atelier lyonnais" in csv and "Coworking bordelais" not in csv
    geojson = b"".join(
        client.get(reverse("places:opendata_geojson"), {"region": "75"}).streaming_content
    )
    names = {f["properties"]["nom"] for f in json.loads(geojson)["features"]}
    assert names == REGION_75
    assert client.get(reverse("places:opendata_csv"), {"region": "24"}).status_code == 400


def test_open_data_page_links_the_directory_files_of_the_region(client, two_regions):
    page = client.get(reverse("opendata:dataset_list"), {"region": "84"}, **EN).content.decode()
    assert f"{reverse('places:opendata_csv')}?region=84" in page
    assert 'class="region-switcher"' in page


def test_near_me_offers_the_switcher_and_finds_places_across_the_border(client, two_regions):
    response = client.get(reverse("places:place_near"), {"code": "69266", "region": "84"}, **EN)
    page = response.content.decode()
    assert 'class="region-switcher"' in page
    within = [r.place.name for r in response.context["results"].within]
    assert within[:2] == ["Coworking de Villeurbanne", "Atelier lyonnais"]


def test_one_region_deployment_shows_no_switcher_and_refuses_other_regions(client, settings):
    settings.TERRITORY_REGIONS = ("75",)
    PlaceFactory(name="Coworking bordelais")
    response = client.get(reverse("places:place_list"), **EN)
    page = response.content.decode()
    assert "region-switcher" not in page and 'name="region"' not in page
    assert "Coworking bordelais" in page
    everything = listed(client, reverse("places:place_list"), {"region": "all"})
    assert everything == {"Coworking bordelais"}
    refused = client.get(reverse("places:place_list"), {"region": "84"}, **EN)
    assert "Auvergne-Rhône-Alpes is not served here" in " ".join(
        refused.context["form"].non_field_errors()
    )
    assert client.get(reverse("places:places_geojson"), {"region": "84"}).status_code == 400


def test_reset_links_keep_the_region(client, two_regions):
    page = client.get(
        reverse("places:place_list"), {"region": "84", "kind": "fablab"}, **EN
    ).content.decode()
    assert 'href="/tiers-lieux/?region=84">Reset</a>' in page
    page = client.get(reverse("places:place_map"), {"region": "84", "kind": "fablab"}, **EN)
    assert 'href="/tiers-lieux/carte/?region=84">Clear the filters</a>' in page.content.decode()


def test_htmx_filtering_reloads_the_page_when_the_region_changes(client, two_regions):
    """The directory's form updates the results with HTMX; a new region also changes the form's
    choices and the switcher, so the whole page is reloaded (``HX-Redirect``)."""
    url = reverse("places:place_list")
    htmx = {"HTTP_HX_REQUEST": "true", **EN}
    moved = client.get(
        url,
        {"region": "84"},
        HTTP_HX_CURRENT_URL="http://testserver/tiers-lieux/?region=75",
        **htmx,
    )
    assert moved.status_code == 204
    assert moved["HX-Redirect"] == "/tiers-lieux/?region=84"
    same = client.get(
        url,
        {"region": "84", "kind": "fablab"},
        HTTP_HX_CURRENT_URL="http://testserver/tiers-lieux/?region=84",
        **htmx,
    )
    assert same.status_code == 200 and "HX-Redirect" not in same
    assert 'class="region-switcher"' not in same.content.decode()  # the results fragment
    # Without a region in the current URL, the page showed every region (the default).
    default = client.get(
        url, {"region": "all"}, HTTP_HX_CURRENT_URL="http://testserver/tiers-lieux/", **htmx
    )
    assert default.status_code == 200
