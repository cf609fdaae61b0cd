"""The dashboard page: public, figures equal to the selectors', filters, demo banner; the
report's generation and downloads are for the evaluating roles, each their own."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.accounts.factories import UserFactory
from tests.calls.factories import CallFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.dashboard import selectors
from tierslieux.dashboard.definitions import Code
from tierslieux.dashboard.report import format_card_value

pytestmark = pytest.mark.django_db

URL = "/tableau-de-bord/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def places():
    """Three places in Gironde (one in a rural commune), one in Haute-Vienne."""
    return [
        PlaceFactory(commune=commune("33063")),
        PlaceFactory(commune=commune("33063")),
        PlaceFactory(commune=commune("33529")),
        PlaceFactory(commune=commune("87085")),
    ]


def figure(html: str, code: str) -> tuple[str, str]:
    """(data-value, displayed value) of the key figure ``code`` on the page."""
    match = re.search(
        rf'data-figure="{code}" data-value="([^"]*)">\s*<span class="figure__value">([^<]*)</span>',
        html,
    )
    assert match, f"no figure {code}"
    return match.group(1), match.group(2)


def test_anonymous_reads_the_figures_computed_by_the_selectors(client, places):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    indicators = selectors.indicators_compute(on=timezone.localdate())
    shown_codes = re.findall(r'data-figure="([a-z_]+)" data-value', html)
    assert set(shown_codes) >= {Code.OPEN_PLACES, Code.INHABITANTS_PER_PLACE, Code.RURAL_SHARE}
    with translation.override("fr"):
        for code in shown_codes:
            row = indicators[code]
            value, shown = figure(html, code)
            assert shown == format_card_value(code, row.unit, row.value), code
            if row.value is None:
                assert value == ""
            else:
                assert float(value) == pytest.approx(row.value)
    assert figure(html, Code.OPEN_PLACES)[0] == "4"
    # Each chart has its data table beside it, with a caption and headers.
    assert html.count('role="img"') >= 8
    assert html.count("<caption>") >= 9
    assert 'id="departement-table"' in html
    assert "Gironde" in html
    # No report form for anonymous visitors: a link to log in instead.
    assert 'id="report-generate"' not in html


def test_the_departement_filter_changes_the_figures(client, places):
    response = client.get(URL, {"departement": "33", "year": timezone.localdate().year})
    assert response.status_code == 200
    html = response.content.decode()
    expected = selectors.indicators_compute(on=timezone.localdate(), departement="33")
    assert figure(html, Code.OPEN_PLACES)[0] == "3" == str(expected.value(Code.OPEN_PLACES))
    assert "Gironde" in html
    # The target of places is regional: no card per département.
    assert f'data-figure="{Code.PLACES_TARGET_PROGRESS}"' not in html


def test_a_past_year_is_evaluated_on_31_december(client, places):
    year = timezone.localdate().year - 1
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    assert f"31 décembre {year}" in response.content.decode()


def test_htmx_refresh_returns_the_body_only(client, places):
    response = client.get(URL, {"departement": "87"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-body"')
    assert figure(html, Code.OPEN_PLACES)[0] == "1"


def test_bad_filters_fall_back_to_defaults_with_a_message(client, places):
    response = client.get(URL, {"year": "abc", "departement": "zz"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert figure(html, Code.OPEN_PLACES)[0] == "4"


def test_no_demo_banner_without_demo_records(client, places):
    html = client.get(URL).content.decode()
    assert 'id="demo-banner"' not in html
    assert 'name="demo"' not in html


def test_demo_banner_and_toggle_when_demo_records_exist(client, places):
    CallFactory(is_demo=True, name="AMI (DÉMO)")
    html = client.get(URL).content.decode()
    assert 'id="demo-banner"' in html
    assert "Ces chiffres incluent des données de démonstration" in html or (
        "These figures include demonstration data." in html
    )
    assert 'id="demo-toggle"' in html
    excluded = client.get(URL, {"demo": "0"}).content.decode()
    assert 'id="demo-banner"' not in excluded
    assert 'id="demo-excluded"' in excluded


@pytest.fixture
def fake_writer(monkeypatch):
    """Stand-in for the report's computation (its files are tested in test_report.py)."""
    from tierslieux.dashboard import tasks
    from tierslieux.dashboard.report import ReportFiles

    calls = []

    def write(*, year, out_dir, departement, since, include_demo, report=None):
        calls.append((year, departement, since, include_demo))
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "r.pdf").write_bytes(b"%PDF-1.7 stub")
        (out_dir / "r.xlsx").write_bytes(b"PK stub")
        return ReportFiles(pdf="r.pdf", xlsx="r.xlsx", seconds={"total": 0.0})

    monkeypatch.setattr(tasks, "report_write", write)
    return calls


@pytest.mark.parametrize("role", ["holder", "authority", "reader", "instructor"])
def test_signed_in_users_may_generate_a_report(client, role, fake_writer):
    client.force_login(UserFactory(**{role: True}))
    response = client.post(
        reverse("dashboard:report_generate"), {"year": 2024, "departement": "33", "demo": "0"}
    )
    assert response.status_code == 302
    assert fake_writer == [(2024, "33", 2016, False)]


def test_anonymous_is_sent_to_log_in_to_generate(client):
    response = client.post(reverse("dashboard:report_generate"), {"year": 2025})
    assert response.status_code == 302
    assert "/comptes/connexion/" in response["Location"]


def test_invalid_report_request_says_why(client):
    client.force_login(UserFactory(reader=True))
    response = client.post(
        reverse("dashboard:report_generate"),
        {"year": 2020, "since": 2024},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert 'id="report-errors"' in response.content.decode()


def test_reader_generates_the_report_and_downloads_it_others_cannot(client, fake_writer):
    reader = UserFactory(reader=True)
    client.force_login(reader)
    year = timezone.localdate().year
    response = client.post(
        reverse("dashboard:report_generate"),
        {"year": year, "departement": "87", "since": 2016, "demo": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="report-task"' in fragment
    pk = int(re.search(r"/rapport/(\d+)/rapport\.pdf", fragment).group(1))
    response = client.post(
        reverse("dashboard:report_generate"),
        {"year": year, "departement": "87", "since": 2016, "demo": "1"},
    )
    assert response.status_code == 302
    fake_writer.pop()
    pk2 = int(re.search(r"report=(\d+)", response["Location"]).group(1))
    page = client.get(response["Location"]).content.decode()
    assert reverse("dashboard:report_pdf", args=[pk2]) in page
    pdf = client.get(reverse("dashboard:report_pdf", args=[pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert 'filename="r.pdf"' in pdf["Content-Disposition"]
    xlsx = client.get(reverse("dashboard:report_xlsx", args=[pk]))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert fake_writer == [(year, "87", 2016, True)]
    status = client.get(reverse("dashboard:report_status", args=[pk]))
    assert reverse("dashboard:report_xlsx", args=[pk]) in status.content.decode()

    client.force_login(UserFactory(reader=True))
    assert client.get(reverse("dashboard:report_pdf", args=[pk])).status_code == 404
    client.logout()
    assert client.get(reverse("dashboard:report_pdf", args=[pk])).status_code == 302


def test_staff_find_the_survey_from_the_dashboard(client, places):
    url = reverse("dashboard:dashboard_detail")
    survey_list = reverse("surveys:survey_list")
    assert survey_list not in client.get(url).content.decode()
    client.force_login(UserFactory(network=True))
    assert survey_list in client.get(url).content.decode()


def test_a_filter_refresh_leaves_the_report_alone_and_updates_its_filters(client):
    """The report section is outside the swapped region: an HTMX refresh of the figures
    returns the body and, out of band, only the report form's filters and button."""
    client.force_login(UserFactory(reader=True))
    page = client.get(reverse("dashboard:dashboard_detail")).content.decode()
    body_start = page.index('id="dashboard-body"')
    assert page.index('id="report"') > body_start
    assert 'id="report-form"' in page and "dashboard/report.js" in page
    fragment = client.get(
        reverse("dashboard:dashboard_detail"), {"departement": "87"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="report"' not in fragment and 'id="report-result"' not in fragment
    oob = fragment[fragment.index('<div id="report-filters" hx-swap-oob="true">') :]
    assert 'name="departement" value="87"' in oob
    assert 'id="report-generate"' in oob
