"""The lists of the directory stay cheap at 3,500 places (issue 11, item 10).

The map data is built once per state of the directory, cached, compressed once and revalidated
with an ETag; no list of the directory (map, API, open data, pages) reads a commune's outline.
"""

import gzip
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.places.selectors import place_list

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MAP_URL = reverse("places:places_geojson")
OUTLINE_COLUMN = '"geometry"'  # territory_commune.geometry, the only column of that name


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_places(count: int) -> None:
    communes = [commune("33063"), commune("64122"), commune("86194"), commune("87085")]
    for i in range(count):
        PlaceFactory(name=f"Lieu de test {i:03d}", commune=communes[i % len(communes)])


def queries_of(client, url: str, **extra) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)  # the queries run while streaming
    return [q["sql"] for q in captured.captured_queries], response


def map_names(response) -> set[str]:
    return {f["properties"]["name"] for f in json.loads(response.content)["features"]}


@pytest.mark.parametrize(
    "url",
    [
        MAP_URL,
        "/api/places",
        "/api/places?limit=200",
        reverse("places:opendata_csv"),
        reverse("places:opendata_geojson"),
        reverse("places:place_list"),
        reverse("places:place_map"),
    ],
)
def test_no_list_of_the_directory_reads_a_commune_outline(client, url):
    make_places(6)
    sqls, _response = queries_of(client, url)
    assert not [sql for sql in sqls if OUTLINE_COLUMN in sql], url


def test_no_detail_reads_a_commune_outline(client):
    place = PlaceFactory()
    for url in (f"/api/places/{place.pk}", reverse("places:place_detail", args=[place.pk])):
        sqls, _response = queries_of(client, url)
        assert not [sql for sql in sqls if OUTLINE_COLUMN in sql], url


@pytest.mark.parametrize("url", [MAP_URL, "/api/places?limit=200"])
def test_queries_do_not_grow_with_the_number_of_places(client, url):
    make_places(3)
    few, _ = queries_of(client, url)
    cache.clear()
    make_places(40)
    many, _ = queries_of(client, url)
    assert len(many) == len(few) <= 3


def test_api_list_query_bound(client, django_assert_max_num_queries):
    make_places(60)
    with django_assert_max_num_queries(2):  # the count and the page
        response = client.get("/api/places?limit=50")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 50


def test_the_map_data_is_served_from_the_cache_until_the_directory_changes(client):
    make_places(5)
    first_sqls, first = queries_of(client, MAP_URL)
    again_sqls, again = queries_of(client, MAP_URL)
    assert again.content == first.content
    # Only the directory's version is read: not a single place row.
    assert len(again_sqls) == 1 and "COUNT(" in again_sqls[0].upper()
    assert len(first_sqls) == 2


def test_the_map_shows_a_renamed_place_at_once(client):
    make_places(3)
    place = PlaceFactory(name="Ancien nom")
    assert "Ancien nom" in map_names(client.get(MAP_URL))
    place.name = "Nouveau nom"
    place.save()
    names = map_names(client.get(MAP_URL))
    assert "Nouveau nom" in names and "Ancien nom" not in names


def test_the_map_drops_a_deleted_or_unpublished_place_at_once(client):
    make_places(3)
    gone = PlaceFactory(name="Lieu supprimé")
    hidden = PlaceFactory(name="Lieu dépublié")
    assert {"Lieu supprimé", "Lieu dépublié"} <= map_names(client.get(MAP_URL))
    gone.delete()
    hidden.is_published = False
    hidden.save()
    assert not {"Lieu supprimé", "Lieu dépublié"} & map_names(client.get(MAP_URL))


def test_staff_and_public_variants_are_cached_apart(client):
    PlaceFactory(name="Publié")
    PlaceFactory(name="Pas encore publié", unpublished=True)
    staff = client.__class__()
    staff.force_login(UserFactory(instructor=True))
    assert map_names(staff.get(MAP_URL)) == {"Publié", "Pas encore publié"}
    response = client.get(MAP_URL)
    assert map_names(response) == {"Publié"}
    assert staff.get(MAP_URL)["Cache-Control"] == "private, no-cache"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]


def test_languages_are_cached_apart(client):
    PlaceFactory(name="Publié")
    english = json.loads(client.get(MAP_URL, **EN).content)["features"][0]["properties"]
    french = json.loads(client.get(MAP_URL).content)["features"][0]["properties"]
    assert english["state_label"] == "Open"
    assert french["state_label"] != english["state_label"]


def test_a_browser_holding_the_current_version_gets_a_304(client):
    make_places(3)
    first = client.get(MAP_URL)
    etag = first["ETag"]
    assert etag
    not_modified = client.get(MAP_URL, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    PlaceFactory(name="Un lieu de plus")
    changed = client.get(MAP_URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Un lieu de plus" in map_names(changed)


def test_the_map_data_is_sent_gzipped_to_who_accepts_it(client):
    make_places(3)
    plain = client.get(MAP_URL)
    zipped = client.get(MAP_URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"]
    assert zipped["ETag"] == plain["ETag"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan wording")
def test_the_directory_order_reads_an_index_instead_of_sorting_every_place():
    make_places(30)
    for user in (AnonymousUser(), UserFactory(instructor=True)):
        plan = place_list(user=user).explain()
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
