"""The mesh adapter and the `coverage` / `recommend` commands, on the real territory."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.places.factories import PlaceFactory, commune
from tierslieux.territory.mesh import MeshParams, mesh_recommend, mesh_report, site_marginal_gain

# Tests that read the database say so one by one: the others check pure rules.
MONACO = Path(__file__).parent.parent / "data" / "osm" / "monaco.osm.pbf"


@pytest.fixture
def places():
    """Three open places (invented), in Bordeaux, Limoges and Pau; one closed, one unpublished."""
    PlaceFactory(commune=commune("33063"))
    PlaceFactory(commune=commune("87085"))
    PlaceFactory(commune=commune("64445"))
    PlaceFactory(commune=commune("86194"), closed=True)
    PlaceFactory(commune=commune("19272"), unpublished=True)


@pytest.mark.django_db
def test_report_on_the_grid_adds_up(places):
    report = mesh_report(MeshParams.from_settings())
    assert report.places == 3
    assert report.population == 6_039_350
    assert 0 < report.population_covered < report.population
    assert sum(r.population for r in report.departements) == report.population
    assert sum(r.population_covered for r in report.departements) == report.population_covered
    assert report.rural.population + report.urban.population == report.population
    assert len(report.communes) == 4293
    assert {r.code for r in report.departements if r.places} == {"33", "64", "87"}
    bordeaux = next(r for r in report.communes if r.code == "33063")
    assert bordeaux.share_covered == 1.0 and not bordeaux.is_white_zone
    zones = report.white_zones
    assert zones and all(z.share_covered < 0.5 for z in zones)
    uncovered = [z.population - z.population_covered for z in zones]
    assert uncovered == sorted(uncovered, reverse=True)
    assert report.inhabitants_per_place == report.population / 3


@pytest.mark.django_db
def test_a_higher_threshold_never_lowers_coverage(places):
    low = mesh_report(MeshParams.from_settings(minutes=15, demand="communes"))
    high = mesh_report(MeshParams.from_settings(minutes=30, demand="communes"))
    assert high.population_covered >= low.population_covered
    assert low.population == 6_150_451  # commune demand uses the Etalab populations


@pytest.mark.django_db
@pytest.mark.slow  # an exact MILP on the whole region
def test_recommend_greedy_and_exact(places):
    params = MeshParams.from_settings(demand="communes")
    greedy = mesh_recommend(params, new=3)
    exact = mesh_recommend(params, new=3, exact=True, time_limit_s=60)
    assert len(greedy.sites) == len(exact.sites) == 3
    assert greedy.covered_after > greedy.covered_before
    assert exact.covered_after >= greedy.covered_after
    assert exact.status == "optimal" and exact.gap == pytest.approx(0, abs=1e-4)
    gains = [s.new_inhabitants for s in greedy.sites]
    assert gains == sorted(gains, reverse=True)
    assert greedy.covered_after - greedy.covered_before == pytest.approx(sum(gains), abs=3)
    # The marginal gain of the first recommended site alone is its first-step gain.
    first = greedy.sites[0]
    assert site_marginal_gain(params, lon=first.lon, lat=first.lat) == first.new_inhabitants


@pytest.mark.django_db
def test_cover_everyone(places):
    result = mesh_recommend(MeshParams.from_settings(demand="communes", minutes=45), new=None)
    assert result.covered_after + result.uncoverable == result.population


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="between 1 and 180"):
        mesh_report(MeshParams.from_settings(minutes=0.5))
    with pytest.raises(ValueError, match="OpenStreetMap"):
        mesh_report(MeshParams.from_settings(model="road"))


@pytest.mark.django_db
def test_coverage_command_text_and_json(places):
    out = StringIO()
    call_command("coverage", "--demand", "communes", stdout=out)
    assert "Gironde (33)" in out.getvalue()
    out = StringIO()
    call_command("coverage", "--json", "--minutes", "30", "--speed-kmh", "50", stdout=out)
    data = json.loads(out.getvalue())
    assert data["params"]["minutes"] == 30 and data["params"]["speed_kmh"] == 50
    assert data["population"] == 6_039_350
    assert len(data["departements"]) == 12


@pytest.mark.django_db
def test_coverage_without_place_does_not_blame_the_road_network():
    """Straight-line model, no open place: nobody is covered, and the command says so instead of
    warning that "the road network does not cover the territory" (issue 17)."""
    out = StringIO()
    call_command("coverage", "--demand", "communes", stdout=out)
    text = out.getvalue()
    assert "road network" not in text
    assert "No open place" in text
    assert "Open places: 0" in text


@pytest.mark.django_db
def test_recommend_command(places):
    out = StringIO()
    call_command("recommend", "--new", "2", "--demand", "communes", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["sites"]) == 2
    assert data["share_after"] > data["share_before"]
    with pytest.raises(CommandError):
        call_command("recommend", "--new", "0")


@pytest.mark.django_db
def test_road_model_on_the_monaco_extract_runs_and_says_it_does_not_cover(
    places, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command(
        "coverage", "--model", "road", "--osm", str(MONACO), "--demand", "communes", stdout=out
    )
    assert "does not cover the territory" in out.getvalue()
    assert list((tmp_path / "road-graphs").glob("*.npz"))  # the built graph is cached on disk


@pytest.mark.django_db
def test_road_model_first_read_is_announced_with_its_progress(tmp_path, settings):
    """A first read says how long it should take and shows progress on stderr (JSON on stdout
    stays valid); the second run reads the cache and says nothing."""
    settings.VAR_DIR = tmp_path
    args = ("coverage", "--model", "road", "--osm", str(MONACO), "--demand", "communes", "--json")
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    assert "First read of" in err.getvalue()
    assert "100%" in err.getvalue()
    assert json.loads(out.getvalue())["params"]["model"] == "road"
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    json.loads(out.getvalue())
