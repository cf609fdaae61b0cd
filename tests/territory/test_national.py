"""The national view on the database: coverage across a regional border, per region and
département, and `coverage --regions` / `recommend --regions` (JSON parsed back)."""

import csv
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.accounts.factories import UserFactory
from tierslieux.places.services import places_import
from tierslieux.territory import national
from tierslieux.territory.analytics.travel import straight_line_minutes
from tierslieux.territory.loaders import population_grid_read
from tierslieux.territory.mesh import MeshParams
from tierslieux.territory.models import PopulationCell

ROOT = Path(__file__).resolve().parents[2]
CGET = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"


def _brute_force(region: str, lon: float, lat: float, *, departement: str | None = None):
    """(inhabitants, inhabitants within 20 min of the point) of a region's cells, cell by cell."""
    cells = PopulationCell.objects.filter(commune__departement__region_code=region)
    if departement:
        cells = cells.filter(commune__departement_id=departement)
    rows = np.array(list(cells.values_list("lon", "lat", "population")), dtype=float)
    minutes = straight_line_minutes(rows[:, 0], rows[:, 1], [lon], [lat])[:, 0]
    return rows[:, 2].sum(), rows[minutes <= 20.0, 2].sum()


@pytest.mark.django_db
def test_a_place_of_84_covers_cells_of_75_and_each_region_is_summed_once(border):
    _cantal, place = border
    totals = national.national_totals(MeshParams.from_settings())
    assert totals.loaded_regions == ("75", "84")
    assert totals.places == 1
    assert totals.regions["84"] == (1000.0, 600.0)
    population, covered = _brute_force("75", place.lon, place.lat)
    assert totals.regions["75"] == pytest.approx((population, covered))
    assert covered > 1000  # Bort-les-Orgues and its neighbours, across the border
    assert totals.departements["19"] == pytest.approx(
        _brute_force("75", place.lon, place.lat, departement="19")
    )
    assert totals.departements["15"] == (1000.0, 600.0)
    assert totals.places_by_departement == {"15": 1}
    # Areas add up to the whole demand.
    everyone = sum(p for p, _ in totals.regions.values())
    assert everyone == sum(PopulationCell.objects.values_list("population", flat=True))
    assert sum(p for p, _ in totals.departements.values()) == everyone


@pytest.mark.django_db
def test_without_the_place_across_the_border_75_has_nobody_covered(border):
    _cantal, place = border
    place.is_published = False
    place.save()
    totals = national.national_totals(MeshParams.from_settings())
    assert totals.regions["75"][1] == 0 and totals.regions["84"][1] == 0


@pytest.mark.django_db
def test_report_rows_rates_and_border_notes(border):
    totals = national.national_totals(MeshParams.from_settings())
    report = national.national_report(totals, ["84", "75"], funds={"75": 12_345_00})
    assert report.regions == ("75", "84")
    na, ara = report.region_rows
    assert (na.code, na.places, na.inhabitants_per_place) == ("75", 0, None)
    assert na.places_per_100k == 0.0
    assert na.committed_cents == 1_234_500 and ara.committed_cents is None
    assert (ara.places, ara.population, ara.inhabitants_per_place) == (1, 1000, 1000.0)
    assert ara.places_per_100k == 100.0
    assert na.border_not_counted == ("24", "52", "76")
    assert ara.border_not_counted == ("24", "27", "76", "93")
    assert any("Centre-Val de Loire" in note for note in report.notes)
    total = report.total
    assert total.population == na.population + ara.population
    assert total.population_covered == na.population_covered + ara.population_covered
    assert total.committed_cents == 1_234_500
    assert [r.code for r in report.departement_rows] == [
        "15",
        "16",
        "17",
        "19",
        "23",
        "24",
        "33",
        "40",
        "47",
        "64",
        "79",
        "86",
        "87",
    ]
    assert report.departement_rows[0].region == "84"
    assert report.rule == national.RULE
    # One region alone: the same figures as in the pair (computed once, then summed).
    alone = national.national_report(totals, ["75"], funds={})
    assert alone.region_rows[0] == national.national_report(totals, ["75"], funds={}).region_rows[0]
    assert alone.total.population_covered == na.population_covered


@pytest.mark.django_db
def test_coverage_regions_json_parses_back(border):
    out = StringIO()
    call_command("coverage", "--regions", "75,84", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["regions"] == ["75", "84"]
    assert data["rule"] == national.RULE
    assert [r["code"] for r in data["region_rows"]] == ["75", "84"]
    assert data["region_rows"][1]["population_covered"] == 600
    assert data["region_rows"][0]["population_covered"] > 1000
    assert data["total"]["population"] == sum(r["population"] for r in data["region_rows"])
    assert set(data["timing"]) >= {"read_s", "compute_s", "load_average_before"}
    assert data["notes"] and data["params"]["minutes"] == 20.0
    # Text output: the rule, the timing with the load, a row per region.
    out = StringIO()
    call_command("coverage", "--regions", "84", stdout=out)
    text = out.getvalue()
    assert "Rule: A place serves" in text and "load average" in text
    assert "Auvergne-Rhône-Alpes (84)" in text and "Cantal (15)" in text
    # The command left the totals for the pages.
    cached = national.national_totals_cached(MeshParams.from_settings())
    assert cached.regions == national.national_totals(MeshParams.from_settings()).regions


@pytest.mark.django_db
def test_coverage_regions_refuses_unknown_and_unloaded_regions():
    with pytest.raises(CommandError, match="Unknown region code"):
        call_command("coverage", "--regions", "99")
    with pytest.raises(CommandError, match="load_territory --regions 93"):
        call_command("coverage", "--regions", "75,93")


@pytest.mark.django_db
def test_default_nouvelle_aquitaine_figure_is_unchanged():
    """With the 225 places of 2019: 78.25 % within 20 minutes, by the old and the new path."""
    places_import(source="cget_2019", data=CGET.read_bytes(), by=UserFactory(network=True))
    out = StringIO()
    call_command("coverage", "--json", stdout=out)
    assert round(json.loads(out.getvalue())["share_covered"], 4) == 0.7825
    out = StringIO()
    call_command("coverage", "--regions", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["regions"] == ["75"]
    assert round(data["region_rows"][0]["share_covered"], 4) == 0.7825
    assert round(data["total"]["share_covered"], 4) == 0.7825
    assert data["region_rows"][0]["places"] == 225


@pytest.mark.django_db
def test_recommend_regions_json(border):
    out = StringIO()
    call_command("recommend", "--regions", "84", "--new", "1", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["regions"] == ["84"]
    assert data["population"] == 1000 and data["covered_before"] == 600
    (site,) = data["sites"]
    assert (site["commune"], site["new_inhabitants"]) == ("15998", 400)
    assert data["covered_after"] == 1000
    out = StringIO()
    call_command(
        "recommend",
        "--regions",
        "75,84",
        "--new",
        "2",
        "--exact",
        "--time-limit",
        "600",
        "--json",
        stdout=out,
    )  # a generous limit: the machine may be loaded
    data = json.loads(out.getvalue())
    assert data["regions"] == ["75", "84"] and data["status"] == "optimal"
    assert len(data["sites"]) == 2 and data["covered_after"] > data["covered_before"]


def test_region_neighbours_are_the_regions_touching_on_the_grid():
    """Two regions are neighbours when cells of theirs lie within 1.5 km of each other on the
    metropolitan 1 km grid (the same pairs as within a 20-minute reach)."""
    from scipy.spatial import cKDTree

    grid = population_grid_read(
        ROOT / "data" / "territory" / "population_grid_1km_france_metro.csv.gz"
    )
    with (ROOT / "data" / "territory" / "departements.csv").open(encoding="utf-8") as f:
        region_of = {r["code"]: r["region_code"] for r in csv.DictReader(f)}
    region = np.array([region_of[d] for d in grid.area_code.tolist()])
    pairs = cKDTree(np.c_[grid.x_m, grid.y_m]).query_pairs(1500.0, output_type="ndarray")
    a, b = region[pairs[:, 0]], region[pairs[:, 1]]
    touching = {frozenset(p) for p in zip(a[a != b].tolist(), b[a != b].tolist(), strict=True)}
    table = {
        frozenset((code, other))
        for code, others in national.REGION_NEIGHBOURS.items()
        for other in others
    }
    assert touching == table
    assert all(
        code in national.REGION_NEIGHBOURS[other]
        for code, others in national.REGION_NEIGHBOURS.items()
        for other in others
    )
