"""'Near me': resolving what the visitor typed, ranking places by travel time, the page."""

import datetime
import re

import pytest
from django.urls import reverse
from numpy.testing import assert_allclose

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.places import nearby
from tierslieux.territory.analytics.travel import StraightLineModel, straight_line_minutes

# Tests that read the database say so one by one: the others check pure rules.

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/tiers-lieux/pres-de-chez-moi/"


# --- commune_resolve -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("33000", "33063"),  # a postcode of one commune: Bordeaux
        ("Biarritz", "64122"),
        ("biarritz ", "64122"),
        ("Pau", "64445"),  # the exact name wins over Pauillac, Paulhiac...
        ("PAU", "64445"),
        ("33063", "33063"),  # an INSEE code
    ],
)
def test_resolve_to_one_commune(query, expected):
    choice = nearby.commune_resolve(query=query)
    assert choice.commune is not None
    assert choice.commune.code == expected


@pytest.mark.django_db
def test_a_shared_postcode_is_ambiguous():
    # 64200 is the postcode of Biarritz, Arcangues and Bassussarry, and Doazon's INSEE code.
    choice = nearby.commune_resolve(query="64200")
    assert choice.is_ambiguous
    assert {c.code for c in choice.candidates} >= {"64122", "64038", "64100", "64200"}


@pytest.mark.django_db
def test_homonyms_are_ambiguous():
    choice = nearby.commune_resolve(query="Abzac")
    assert choice.is_ambiguous
    assert {c.departement_id for c in choice.candidates} == {"16", "33"}


@pytest.mark.django_db
def test_unknown_text():
    choice = nearby.commune_resolve(query="Atlantide")
    assert choice.is_unknown
    assert choice.query == "Atlantide"


@pytest.mark.django_db
def test_a_picked_code_wins_while_the_text_still_names_it():
    assert nearby.commune_resolve(query="Biarritz", code="64122").commune.code == "64122"
    assert nearby.commune_resolve(query="64200", code="64122").commune.code == "64122"
    assert nearby.commune_resolve(query="", code="64122").commune.code == "64122"
    # The visitor typed another commune after picking (JavaScript off): the text wins.
    assert nearby.commune_resolve(query="Pau", code="64122").commune.code == "64445"
    # A code that does not exist is ignored.
    assert nearby.commune_resolve(query="Bordeaux", code="99999").commune.code == "33063"


# --- places_near ---------------------------------------------------------------------------


@pytest.fixture
def coast():
    """Places around Biarritz (invented), and some the public must not be offered."""
    return {
        "biarritz": PlaceFactory(name="Cowork Biarritz", commune=commune("64122")),
        "bayonne": PlaceFactory(name="Fablab Bayonne", commune=commune("64102")),
        "pau": PlaceFactory(name="Tiers-lieu Pau", commune=commune("64445")),
        "bordeaux": PlaceFactory(name="Tiers-lieu Bordeaux"),
        "unpublished": PlaceFactory(
            name="Brouillon Anglet", commune=commune("64024"), unpublished=True
        ),
        "project": PlaceFactory(name="Projet Anglet", commune=commune("64024"), project=True),
        "closed": PlaceFactory(
            name="Fermé Anglet",
            commune=commune("64024"),
            closed=True,
            closed_on=datetime.date(2024, 1, 1),
        ),
        "not_yet": PlaceFactory(
            name="Bientôt Anglet",
            commune=commune("64024"),
            opened_on=datetime.date.today() + datetime.timedelta(days=30),
        ),
    }


@pytest.mark.django_db
def test_places_near_sorts_by_time_and_splits_at_the_threshold(coast):
    biarritz = commune("64122")
    results = nearby.places_near(commune=biarritz)
    assert results.threshold_minutes == 20
    assert [r.place.name for r in results.within] == ["Cowork Biarritz", "Fablab Bayonne"]
    assert [r.place.name for r in results.further] == ["Tiers-lieu Pau", "Tiers-lieu Bordeaux"]
    assert results.further_total == 2
    # Times come from the straight-line model: 1.3 * great-circle km at 60 km/h.
    places = [r.place for r in results.within + results.further]
    expected = straight_line_minutes(
        [biarritz.lon], [biarritz.lat], [p.lon for p in places], [p.lat for p in places]
    )[0]
    assert_allclose([r.minutes for r in results.within + results.further], expected)
    assert results.within[0].minutes == 0.0
    assert 5 < results.within[1].minutes < 10  # Bayonne's town hall is about 5 km away
    assert results.within[1].minutes_rounded == int(results.within[1].minutes) + 1


@pytest.mark.django_db
def test_threshold_and_model_are_parameters(coast):
    pau = commune("64445")
    results = nearby.places_near(commune=pau, threshold_minutes=150)
    assert [r.place.name for r in results.within] == [
        "Tiers-lieu Pau",
        "Fablab Bayonne",
        "Cowork Biarritz",
    ]
    slow = nearby.places_near(commune=pau, threshold_minutes=150, model=StraightLineModel(2.0, 30))
    assert [r.place.name for r in slow.within] == ["Tiers-lieu Pau"]


@pytest.mark.django_db
def test_further_list_is_capped(coast, monkeypatch):
    monkeypatch.setattr(nearby, "FURTHER_LIMIT", 1)
    results = nearby.places_near(commune=commune("64122"))
    assert [r.place.name for r in results.further] == ["Tiers-lieu Pau"]
    assert results.further_total == 2


@pytest.mark.django_db
def test_no_place_at_all():
    results = nearby.places_near(commune=commune("64122"))
    assert results.within == [] and results.further == []


# --- the page ------------------------------------------------------------------------------


def near(client, **params):
    response = client.get(URL, params, **EN)
    assert response.status_code == 200
    return response.content.decode()


def input_value(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html, re.S)[1]


def test_url_name():
    assert reverse("places:place_near") == URL


@pytest.mark.django_db
def test_empty_page_shows_the_form(client):
    html = near(client)
    assert '<label for="near-q">Commune or postcode</label>' in html
    assert '<label for="near-minutes">' in html
    assert 'id="near-status"' in html and 'role="status"' in html
    assert "approximation" in html
    assert "1.3" in html and "60 km/h" in html
    assert '<script id="near-config" type="application/json">' in html
    assert "/static/js/near.js" in html
    assert "Within" not in html


@pytest.mark.django_db
def test_near_with_a_postcode(client, coast):
    html = near(client, q="33000")
    assert "Within 20 minutes" in html
    assert "Further away" in html
    assert html.index("Tiers-lieu Bordeaux") < html.index("Tiers-lieu Pau")
    assert input_value(html, "q") == "33000"
    assert input_value(html, "code") == "33063"


@pytest.mark.django_db
def test_near_with_a_name_splits_within_and_further(client, coast):
    html = near(client, q="Biarritz")
    within = html[html.index('id="near-within-title"') : html.index('id="near-further-title"')]
    further = html[html.index('id="near-further-title"') :]
    assert "Cowork Biarritz" in within and "Fablab Bayonne" in within
    assert "Tiers-lieu Pau" in further and "Tiers-lieu Pau" not in within
    assert within.index("Cowork Biarritz") < within.index("Fablab Bayonne")
    assert "2 open tiers-lieux within 20 minutes of Biarritz." in html
    for hidden in ["Brouillon", "Projet Anglet", "Fermé", "Bientôt"]:
        assert hidden not in html
    assert reverse("places:place_detail", args=[coast["bayonne"].pk]) in html


@pytest.mark.django_db
def test_ambiguous_postcode_lists_the_communes_to_pick(client, coast):
    html = near(client, q="64200")
    assert "Several communes match “64200”: choose yours." in html
    assert input_value(html, "q") == "64200"
    assert f"{URL}?q=Biarritz&amp;code=64122&amp;minutes=20" in html
    assert "Within" not in html
    # Picking the candidate gives the results.
    html = near(client, q="Biarritz", code="64122", minutes="20")
    assert "Cowork Biarritz" in html


@pytest.mark.django_db
def test_ambiguous_name(client):
    html = near(client, q="Abzac")
    assert "Several communes match “Abzac”" in html
    assert html.count("code=") >= 2


@pytest.mark.django_db
def test_unknown_commune_keeps_the_text_and_says_why(client, coast):
    html = near(client, q="Atlantide-sur-Mer")
    assert input_value(html, "q") == "Atlantide-sur-Mer"
    assert re.search(r'id="near-q"[^>]*aria-invalid="true"', html, re.S)
    assert (
        "No commune of Nouvelle-Aquitaine matches “Atlantide-sur-Mer”. Type the name of a "
        "commune or a five-digit postcode." in html
    )
    assert "Within" not in html


@pytest.mark.django_db
def test_unknown_commune_in_french_by_default(client):
    html = client.get(URL, {"q": "Atlantide"}).content.decode()
    assert '<html lang="fr">' in html
    assert "Atlantide" in html and "near-q-error" in html


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", ["4", "121", "vingt", "-5"])
def test_minutes_are_validated(client, coast, minutes):
    html = near(client, q="Biarritz", minutes=minutes)
    assert re.search(r'id="near-minutes"[^>]*aria-invalid="true"', html, re.S)
    assert input_value(html, "minutes") == minutes
    assert input_value(html, "q") == "Biarritz"
    assert "Cowork Biarritz" not in html


@pytest.mark.django_db
def test_minutes_change_the_threshold(client, coast):
    # From Pau's town hall: Bayonne's is at 119.5 minutes, Biarritz's at 127.7.
    html = near(client, q="Pau", minutes="120")
    assert "Within 120 minutes" in html
    within = html[html.index('id="near-within-title"') : html.index('id="near-further-title"')]
    assert "Fablab Bayonne" in within and "Cowork Biarritz" not in within
    assert "about 120 min" in within and "about 128 min" in html


@pytest.mark.django_db
def test_htmx_gets_the_results_fragment_with_out_of_band_status(client, coast):
    response = client.get(URL, {"q": "Biarritz"}, HTTP_HX_REQUEST="true", **EN)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="near-status" hx-swap-oob="innerHTML"' in html
    assert "2 open tiers-lieux within 20 minutes of Biarritz." in html
    assert 'id="near-q-error" class="field-errors" hx-swap-oob="true"></p>' in html
    error = client.get(URL, {"q": "Atlantide"}, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "“Atlantide”" in error and 'hx-swap-oob="true">No commune' in error


@pytest.mark.django_db
@pytest.mark.parametrize("trait", [None, "holder", "instructor"])
def test_every_role_may_search(client, coast, trait):
    if trait:
        client.force_login(UserFactory(**{trait: True}))
    html = near(client, q="Biarritz")
    assert "Cowork Biarritz" in html
    # Staff too are offered published, open places only: it is the public's network.
    assert "Brouillon Anglet" not in html
