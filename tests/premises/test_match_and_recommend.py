"""The match of an offer with the mesh, and `recommend --candidates premises`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.places.factories import PlaceFactory, commune
from tests.premises.conftest import offer_values
from tierslieux.premises import services
from tierslieux.premises.models import PremisesOffer
from tierslieux.territory import mesh
from tierslieux.territory.mesh_cache import mesh_report_cached

pytestmark = pytest.mark.django_db


def _published(by, code: str, **overrides) -> PremisesOffer:
    offer = services.premises_offer_create(values=offer_values(code, **overrides), by=by)
    return services.premises_offer_transition(offer=offer, to="published", by=by)


def test_publishing_computes_the_match_equal_to_the_mesh(authority_user):
    offer = _published(authority_user, "23096")
    params = mesh.MeshParams.from_settings()
    assert offer.inhabitants_brought == mesh.site_marginal_gain(
        params, lon=offer.lon, lat=offer.lat
    )
    assert offer.inhabitants_brought > 0
    assert offer.white_zone is True  # no open place anywhere
    assert offer.minutes_to_nearest_place is None
    assert offer.creation_eligible is True


def test_the_match_is_recomputed_when_a_place_opens_there(authority_user, instructor):
    offer = _published(authority_user, "23096")
    PlaceFactory(commune=commune("23096"))
    assert services.premises_offers_match_recompute(by=instructor) == 1
    offer.refresh_from_db()
    params = mesh.MeshParams.from_settings()
    assert (
        offer.inhabitants_brought
        == 0
        == mesh.site_marginal_gain(params, lon=offer.lon, lat=offer.lat)
    )
    assert offer.minutes_to_nearest_place == 0.0
    assert offer.creation_eligible is False
    white = {row.code for row in mesh_report_cached(params).white_zones}
    assert offer.white_zone is ("23096" in white) is False


def test_an_update_of_a_published_offer_recomputes_its_match(authority_user):
    offer = _published(authority_user, "23096")
    bayonne = commune("64102")
    services.premises_offer_update(
        offer=offer,
        values={"commune": bayonne, "lon": bayonne.lon, "lat": bayonne.lat},
        by=authority_user,
    )
    offer.refresh_from_db()
    params = mesh.MeshParams.from_settings()
    assert offer.inhabitants_brought == mesh.site_marginal_gain(
        params, lon=bayonne.lon, lat=bayonne.lat
    )


@pytest.fixture
def offers(authority_user):
    """Hand-made: Guéret twice at the same point, Bayonne far away (published); Bordeaux, the
    most populous, only a draft; Limoges withdrawn. No open place."""
    gueret = _published(authority_user, "23096")
    twin = _published(authority_user, "23096")
    bayonne = _published(authority_user, "64102")
    services.premises_offer_create(values=offer_values("33063"), by=authority_user)
    limoges = services.premises_offer_create(values=offer_values("87085"), by=authority_user)
    services.premises_offer_transition(offer=limoges, to="withdrawn", by=authority_user)
    return gueret, twin, bayonne


def _recommend(*args) -> dict:
    out = StringIO()
    call_command("recommend", "--json", "--candidates", "premises", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("exact", [False, True], ids=["greedy", "exact"])
def test_recommend_picks_among_published_premises_only(offers, exact):
    gueret, twin, bayonne = offers
    data = _recommend("--new", "5", *(["--exact"] if exact else []))
    chosen = [site["candidate"] for site in data["sites"]]
    # The twin adds nobody once Guéret is chosen: two sites, one in each town.
    assert len(chosen) == 2
    assert {site["commune"] for site in data["sites"]} == {"23096", "64102"}
    assert set(chosen) <= {str(gueret.pk), str(twin.pk), str(bayonne.pk)}
    params = mesh.MeshParams.from_settings()
    expected = sum(mesh.site_marginal_gain(params, lon=o.lon, lat=o.lat) for o in (gueret, bayonne))
    assert data["new_inhabitants"] == expected
    assert data["sites"][0]["new_inhabitants"] >= data["sites"][1]["new_inhabitants"]


def test_recommend_with_one_new_place_takes_the_best_published_building(offers):
    gueret, _twin, bayonne = offers
    data = _recommend("--new", "1")
    best = max((gueret, bayonne), key=lambda o: o.inhabitants_brought)
    assert [site["commune"] for site in data["sites"]] == [best.commune_id]
    assert data["new_inhabitants"] == best.inhabitants_brought


def test_recommend_without_published_premises_says_so(authority_user):
    services.premises_offer_create(values=offer_values(), by=authority_user)  # a draft only
    with pytest.raises(CommandError, match="No candidate site"):
        _recommend("--new", "5")


def test_recommend_still_defaults_to_the_communes():
    out = StringIO()
    call_command("recommend", "--json", "--new", "1", "--demand", "communes", stdout=out)
    data = json.loads(out.getvalue())
    assert data["sites"][0]["candidate"] == data["sites"][0]["commune"]


def test_the_recompute_command_follows_the_places(authority_user):
    offer = _published(authority_user, "23096")
    assert offer.inhabitants_brought > 0
    PlaceFactory(commune=commune("23096"))
    out = StringIO()
    call_command("premises_match_recompute", stdout=out)
    assert out.getvalue().strip() == "1 premises offers recomputed"
    offer.refresh_from_db()
    assert offer.inhabitants_brought == 0 and offer.creation_eligible is False


def test_the_scenario_page_recommends_among_the_published_premises(client, offers, instructor):
    """The mesh's scenario form offers the premises as the candidate set (greedy here)."""
    from tierslieux.core.models import TaskProgress

    gueret, _twin, bayonne = offers
    client.force_login(instructor)
    page = client.get(reverse("territory:territory_detail")).content.decode()
    assert 'name="candidates" value="premises"' in page
    data = {
        "minutes": "20",
        "model": "straight",
        "detour_factor": "1.3",
        "speed_kmh": "60",
        "target": "count",
        "new": "2",
        "method": "fast",
        "demand": "grid",
        "candidates": "premises",
    }
    response = client.post(reverse("territory:scenario_run"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    progress = TaskProgress.objects.get()
    result = progress.result
    assert result["candidates"] == "premises"
    chosen = {site["candidate"] for site in result["sites"]}
    assert chosen <= {str(gueret.pk), str(_twin.pk), str(bayonne.pk)}
    assert str(bayonne.pk) in chosen and len(chosen & {str(gueret.pk), str(_twin.pk)}) == 1


def test_an_empty_candidate_set_is_refused_on_the_scenario_page(client, instructor):
    client.force_login(instructor)
    data = {"minutes": "20", "target": "count", "new": "2", "candidates": "premises"}
    response = client.post(
        reverse("territory:scenario_run"), data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert b"This set has no candidate site today" in response.content
    from tierslieux.core.models import TaskProgress

    assert not TaskProgress.objects.exists()
