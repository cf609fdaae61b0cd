"""The territorial mesh page: key figures, map feed, downloads and scenarios, per role.

The test database holds the real territory and no place unless a test creates some.
"""

import csv
import html
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.core.models import TaskProgress, TaskState
from tierslieux.territory import mesh_cache
from tierslieux.territory.mesh import MeshParams, mesh_report
from tierslieux.territory.tasks import SCENARIO_LABEL

pytestmark = pytest.mark.django_db

COMMUNES = 4_293
PAGE = "territory:territory_detail"
RUN = "territory:scenario_run"


@pytest.fixture(autouse=True, scope="module")
def _fresh_cache():
    """Reports are cached by parameters and places (count, latest change): start afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def places():
    """Four open, published places in the prefectures of four départements."""
    return [PlaceFactory(commune=commune(code)) for code in ("33063", "87085", "64445", "86194")]


@pytest.fixture
def instructor(client):
    user = UserFactory(instructor=True)
    client.force_login(user)
    return user


def scenario_data(**overrides):
    data = {
        "minutes": "20",
        "model": "straight",
        "detour_factor": "1,3",
        "speed_kmh": "60",
        "target": "count",
        "new": "3",
        "method": "fast",
        "demand": "communes",
    }
    data.update(overrides)
    return data


def run_scenario(client, **overrides):
    return client.post(reverse(RUN), scenario_data(**overrides), HTTP_HX_REQUEST="true")


def download(client, kind, fmt, pk=None):
    kwargs = {"kind": kind, "format": fmt}
    if pk is not None:
        kwargs["pk"] = pk
    return client.get(reverse("territory:mesh_download", kwargs=kwargs))


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def figures(page_html):
    return dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', page_html))


# --- the page, per role -------------------------------------------------------------------


def test_anonymous_sees_the_figures_and_downloads_but_no_scenario_form(client):
    response = client.get(reverse(PAGE))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="mesh-map"' in page and "aria-label=" in page
    assert "mesh-config" in page
    assert reverse(RUN) not in page
    assert 'name="minutes"' not in page
    for kind in ("communes", "zones-blanches", "departements"):
        for fmt in ("csv", "geojson"):
            url = reverse("territory:mesh_download", kwargs={"kind": kind, "format": fmt})
            assert url in page
    # The existing per-département facts are kept.
    assert "Gironde (33)" in page
    assert "Rural share" in page or "Part rurale" in page


@pytest.mark.parametrize("role", ["instructor", "network", "reader"])
def test_analysis_roles_see_the_scenario_form(client, role):
    client.force_login(UserFactory(**{role: True}))
    page = client.get(reverse(PAGE)).content.decode()
    assert reverse(RUN) in page
    assert 'name="minutes"' in page
    # No OpenStreetMap extract configured: the road model is not offered.
    assert 'value="road"' not in page


def test_holder_sees_no_form_and_gets_403_on_scenario_post(client):
    client.force_login(UserFactory(holder=True))
    assert reverse(RUN) not in client.get(reverse(PAGE)).content.decode()
    assert client.post(reverse(RUN), scenario_data()).status_code == 403
    assert not TaskProgress.objects.exists()


def test_anonymous_scenario_post_goes_to_login(client):
    response = client.post(reverse(RUN), scenario_data())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_figures_on_the_page_are_the_reports(client, places):
    report = mesh_report()
    assert report.places == 4

    page = client.get(reverse(PAGE)).content.decode()

    shown = figures(page)
    assert float(shown["share_covered"]) == pytest.approx(report.share_covered)
    assert int(shown["population_covered"]) == report.population_covered
    assert int(shown["places"]) == report.places == 4
    assert float(shown["progress_to_target"]) == pytest.approx(report.progress_to_target)
    assert int(shown["inhabitants_per_place"]) == round(report.inhabitants_per_place)
    assert int(shown["national_inhabitants_per_place"]) == round(
        report.national_inhabitants_per_place
    )
    assert float(shown["rural_share_covered"]) == pytest.approx(report.rural.share_covered)
    assert float(shown["urban_share_covered"]) == pytest.approx(report.urban.share_covered)
    assert int(shown["white_zones"]) == len(report.white_zones)
    # The top white zone is listed, with its département.
    top = report.white_zones[0]
    assert f"{html.escape(top.name)} <small>({top.code})</small>" in page


def test_the_default_report_is_cached_until_the_places_change(monkeypatch):
    calls = []

    def counting(params):
        calls.append(params)
        return mesh_report(params)

    monkeypatch.setattr(mesh_cache, "mesh_report", counting)
    cache.clear()
    first = mesh_cache.mesh_report_cached()
    again = mesh_cache.mesh_report_cached()
    assert len(calls) == 1
    assert again.share_covered == first.share_covered

    PlaceFactory()
    changed = mesh_cache.mesh_report_cached()
    assert len(calls) == 2
    assert changed.places == first.places + 1
    # Other parameters, another entry.
    mesh_cache.mesh_report_cached(MeshParams.from_settings(minutes=30))
    assert len(calls) == 3


# --- the map feed -------------------------------------------------------------------------


def test_commune_times_feed(client, places):
    report = mesh_report()
    data = client.get(reverse("territory:commune_times")).json()

    populated = [row for row in report.communes if row.population > 0]
    assert len(data) == len(populated)
    bordeaux = data["33063"]
    assert bordeaux["white"] is False
    assert bordeaux["share_covered"] == 1.0
    white = report.white_zones[0]
    assert data[white.code]["white"] is True
    assert data[white.code]["minutes"] == pytest.approx(white.mean_minutes, abs=0.05)


# --- downloads ----------------------------------------------------------------------------


def test_default_downloads_parse_with_the_right_row_counts(client, places):
    report = mesh_report()

    communes = csv_rows(download(client, "communes", "csv"))
    assert len(communes) == COMMUNES
    assert list(communes[0]) == [
        "commune_insee",
        "commune",
        "departement",
        "habitants",
        "habitants_couverts",
        "part_couverte",
        "temps_moyen_min",
        "zone_blanche",
        "longitude",
        "latitude",
    ]
    bordeaux = next(r for r in communes if r["commune_insee"] == "33063")
    assert bordeaux["commune"] == "Bordeaux" and bordeaux["zone_blanche"] == "false"
    assert sum(int(r["habitants"]) for r in communes) == report.population
    assert sum(r["zone_blanche"] == "true" for r in communes) == len(report.white_zones)

    white = csv_rows(download(client, "zones-blanches", "csv"))
    assert len(white) == len(report.white_zones)
    assert white[0]["commune_insee"] == report.white_zones[0].code
    assert white[0]["rang"] == "1"

    departements = csv_rows(download(client, "departements", "csv"))
    assert len(departements) == 12
    gironde = next(r for r in departements if r["departement"] == "33")
    assert gironde["tiers_lieux"] == "1"
    assert int(gironde["communes"]) > 500
    assert 0 < float(gironde["part_rurale_2021"]) < 1

    response = download(client, "communes", "geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "attachment" in response["Content-Disposition"]
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == COMMUNES
    assert "Eurostat" in collection["attribution"] and "Insee" in collection["attribution"]
    assert "CGET" in collection["attribution"] and "Etalab" in collection["attribution"]
    assert collection["licence"]["name"] == "etalab-2.0"
    assert collection["parametres"]["seuil_minutes"] == 20
    assert collection["parametres"]["tiers_lieux_ouverts"] == 4
    assert collection["features"][0]["geometry"]["type"] == "Point"

    white_geo = json.loads(download(client, "zones-blanches", "geojson").content)
    assert len(white_geo["features"]) == len(report.white_zones)
    dep_geo = json.loads(download(client, "departements", "geojson").content)
    assert len(dep_geo["features"]) == 12
    assert {f["geometry"]["type"] for f in dep_geo["features"]} <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize(
    ("kind", "fmt"), [("sites", "csv"), ("communes", "xlsx"), ("unknown", "csv")]
)
def test_unknown_or_scenario_only_downloads_are_404(client, kind, fmt):
    assert download(client, kind, fmt).status_code == 404


# --- scenarios ----------------------------------------------------------------------------


def test_instructor_runs_a_scenario_with_three_new_places(client, instructor, places):
    response = run_scenario(client)

    assert response.status_code == 200
    progress = TaskProgress.objects.get(requested_by=instructor)
    assert progress.label == SCENARIO_LABEL
    assert progress.state == TaskState.SUCCEEDED
    assert progress.fraction == 1.0
    result = progress.result
    assert len(result["sites"]) == 3
    assert result["covered_after"] > result["covered_before"] > 0
    assert result["params"]["demand"] == "communes"
    assert "osm_path" not in result["params"]
    assert result["request"]["new"] == 3
    assert [s["rank"] for s in result["sites"]] == [1, 2, 3]

    fragment = response.content.decode()
    for site in result["sites"]:
        assert html.escape(site["name"]) in fragment
    assert 'id="scenario-sites"' in fragment  # the map draws them
    assert "hx-trigger" not in fragment.split('id="scenario-result"')[1]  # finished: no polling
    # The form keeps what was asked.
    assert 'value="3"' in fragment

    # Polling the result, and reopening the page on it.
    url = reverse("territory:scenario_result", args=[progress.pk])
    assert client.get(url).status_code == 200
    page = client.get(reverse(PAGE), {"scenario": progress.pk}).content.decode()
    assert 'id="scenario-sites"' in page


def test_scenario_cover_everyone(client, instructor):
    PlaceFactory(commune=commune("33063"))
    fragment = run_scenario(client, target="all", new="").content.decode()

    result = TaskProgress.objects.get(requested_by=instructor).result
    assert result["method"] == "set_cover_greedy"
    assert result["covered_after"] + result["uncoverable"] == result["population"]
    assert len(result["sites"]) == result["new"] > 3
    assert f"{result['new']} recommended sites" in fragment or "sites recommandés" in fragment


@pytest.mark.slow  # an exact MILP on the region's communes (a time limit under load)
def test_exact_scenario_states_its_status_and_gap(client, instructor, places):
    run_scenario(client, method="exact", minutes="15")

    result = TaskProgress.objects.get(requested_by=instructor).result
    assert result["method"] == "mclp_exact"
    assert result["status"] == "optimal"
    assert result["gap"] == 0.0
    assert len(result["sites"]) == 3


def test_scenario_without_htmx_redirects_to_the_page(client, instructor):
    response = client.post(reverse(RUN), scenario_data(new="2"))
    progress = TaskProgress.objects.get(requested_by=instructor)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?scenario={progress.pk}#scenario")


def test_scenario_downloads_belong_to_their_requester(client, instructor, places):
    run_scenario(client)
    progress = TaskProgress.objects.get(requested_by=instructor)

    sites = csv_rows(download(client, "sites", "csv", progress.pk))
    assert [r["rang"] for r in sites] == ["1", "2", "3"]
    assert sites[0]["commune_insee"] == progress.result["sites"][0]["commune"]
    points = json.loads(download(client, "sites", "geojson", progress.pk).content)
    assert len(points["features"]) == 3
    assert {f["geometry"]["type"] for f in points["features"]} == {"Point"}
    assert points["parametres"]["demande"] == "mairies_des_communes"
    communes = csv_rows(download(client, "communes", "csv", progress.pk))
    assert len(communes) == COMMUNES
    times = client.get(reverse("territory:commune_times"), {"scenario": progress.pk})
    assert times.status_code == 200

    client.force_login(UserFactory(network=True))
    assert download(client, "sites", "csv", progress.pk).status_code == 404
    assert client.get(reverse("territory:scenario_result", args=[progress.pk])).status_code == 404
    times = client.get(reverse("territory:commune_times"), {"scenario": progress.pk})
    assert times.status_code == 404
    client.logout()
    assert download(client, "sites", "geojson", progress.pk).status_code == 404


def test_other_tasks_are_not_scenarios(client, instructor):
    other = TaskProgress.objects.create(
        label="Something else", requested_by=instructor, state=TaskState.SUCCEEDED, result={}
    )
    assert download(client, "sites", "csv", other.pk).status_code == 404
    assert client.get(reverse("territory:scenario_result", args=[other.pk])).status_code == 404


def test_unfinished_scenario_polls_and_has_no_downloads(client, instructor):
    progress = TaskProgress.objects.create(label=SCENARIO_LABEL, requested_by=instructor)
    fragment = client.get(reverse("territory:scenario_result", args=[progress.pk]))
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert download(client, "sites", "csv", progress.pk).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": "abc"}, "minutes", "Give a whole number of minutes between 5 and 120."),
        ({"minutes": "200"}, "minutes", "Give a whole number of minutes between 5 and 120."),
        ({"new": "0"}, "new", "Give a number of new places between 1 and 100."),
        ({"new": "250"}, "new", "Give a number of new places between 1 and 100."),
        (
            {"detour_factor": "9"},
            "detour_factor",
            "Give a detour factor between 1 and 3, e.g. 1.3.",
        ),
        ({"speed_kmh": "vite"}, "speed_kmh", "Give a speed between 10 and 130 km/h."),
        ({"model": "road"}, "model", None),
    ],
)
def test_invalid_scenario_keeps_the_input_and_says_why(
    client, instructor, overrides, field, message
):
    response = run_scenario(client, **overrides)

    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="scenario-errors"' in fragment
    if message:
        assert html.escape(gettext(message)) in fragment
    typed = overrides[field]
    if field == "model":
        assert 'value="road"' not in fragment  # not offered, and the choice was refused
        assert html.escape(gettext("This travel-time model is not available here.")) in fragment
    else:
        assert f'id="id_{field}_error"' in fragment
        assert f'value="{typed}"' in fragment
        assert 'aria-invalid="true"' in fragment
    assert not TaskProgress.objects.exists()


def test_a_count_goal_needs_a_number(client, instructor):
    fragment = run_scenario(client, new="").content.decode()
    assert 'id="id_new_error"' in fragment
    assert not TaskProgress.objects.exists()


def test_invalid_scenario_without_htmx_renders_the_page(client, instructor):
    response = client.post(reverse(RUN), scenario_data(minutes="1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="scenario-errors"' in page
    assert 'value="1"' in page
    assert 'id="mesh-map"' in page


def test_the_detour_factor_accepts_a_french_decimal():
    from tierslieux.territory.forms import ScenarioForm

    form = ScenarioForm(scenario_data(detour_factor="1,5", speed_kmh="50", minutes="25"))
    assert form.is_valid(), form.errors
    params = form.mesh_params()
    assert params == MeshParams.from_settings(
        minutes=25.0, detour_factor=1.5, speed_kmh=50.0, demand="communes"
    )
    assert form.recommend_kwargs() == {"new": 3, "exact": False, "candidates": "communes"}
