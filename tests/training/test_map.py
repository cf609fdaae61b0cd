"""Upcoming sessions on the map and by département (issue 16, part 1)."""

import datetime

import pytest
from django.urls import reverse

from tests.places.factories import PlaceFactory, commune
from tests.training.factories import CourseFactory, SessionFactory
from tierslieux.core import clock

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_map_feed_gives_one_point_per_host_place_with_its_sessions(client):
    bordeaux = PlaceFactory(name="Lieu de Bordeaux", commune=commune("33063"))
    limoges = PlaceFactory(name="Lieu de Limoges", commune=commune("87085"))
    first = SessionFactory(place=bordeaux, course=CourseFactory(title="Animer"))
    SessionFactory(place=bordeaux, starts_at=first.starts_at + datetime.timedelta(days=3))
    SessionFactory(place=limoges)
    SessionFactory(place=limoges, course=CourseFactory(is_published=False))
    past = clock.now() - datetime.timedelta(days=3)
    SessionFactory(place=limoges, starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    data = client.get(reverse("training:sessions_geojson")).json()
    by_place = {f["properties"]["place"]: f for f in data["features"]}
    assert set(by_place) == {"Lieu de Bordeaux", "Lieu de Limoges"}
    assert len(by_place["Lieu de Bordeaux"]["properties"]["sessions"]) == 2
    assert len(by_place["Lieu de Limoges"]["properties"]["sessions"]) == 1  # upcoming, published
    point = by_place["Lieu de Bordeaux"]["geometry"]["coordinates"]
    assert point == [bordeaux.lon, bordeaux.lat]
    assert by_place["Lieu de Bordeaux"]["properties"]["sessions"][0]["url"] == (
        first.get_absolute_url()
    )
    only_87 = client.get(reverse("training:sessions_geojson"), {"departement": "87"}).json()
    assert [f["properties"]["place"] for f in only_87["features"]] == ["Lieu de Limoges"]


def test_the_map_page_lists_the_same_sessions_and_links_back(client):
    SessionFactory(
        place=PlaceFactory(commune=commune("87085")), course=CourseFactory(title="Animer")
    )
    response = client.get(reverse("training:session_map"), {"departement": "87"}, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="sessions-map"' in html and "Animer" in html
    assert f'data-sessions-url="{reverse("training:sessions_geojson")}?departement=87"' in html
    listing = client.get(reverse("training:session_list"), **EN).content.decode()
    assert reverse("training:session_map") in listing
