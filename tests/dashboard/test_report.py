"""The yearly report's files open (the PDF parses, the XLSX opens) and hold the figures the
dashboard shows, formatted the same way, with the coverage map and the demo notice."""

import io
import re

import pypdf
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.calls.factories import CallFactory
from tests.dashboard.factories import OtherGrantFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.dashboard import report, selectors
from tierslieux.dashboard.definitions import Code, Unit

pytestmark = pytest.mark.django_db


def normalise(text: str) -> str:
    """Spaces as pypdf gives them back: any run of (non-breaking) spaces becomes one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def records():
    for code in ("33063", "33063", "33529", "87085"):
        PlaceFactory(commune=commune(code))
    year = timezone.localdate().year
    OtherGrantFactory(year=year - 1, committed_cents=12_345_600, is_demo=True)
    OtherGrantFactory(year=year - 2, committed_cents=10_000_000)
    return year


def test_the_report_files_hold_the_dashboard_figures(records, tmp_path):
    year = records
    with translation.override("fr"):
        files = report.report_write(year=year, departement="33", out_dir=tmp_path)
        content = report.dashboard_content(year=year, departement="33")
    assert files.pdf.endswith(".pdf") and files.xlsx.endswith(".xlsx")
    assert set(files.seconds) >= {"indicators", "charts", "map", "pdf", "xlsx", "total"}

    expected = selectors.indicators_compute(on=content.on, departement="33")

    # The XLSX opens; its key-figures sheet has the selectors' values.
    book = load_workbook(tmp_path / files.xlsx)
    assert book.sheetnames[0] == book.worksheets[0].title
    assert len(book.sheetnames) == 6
    sheet = book.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in expected.codes}
    assert set(rows) == set(expected.codes)
    for row in expected.rows:
        value = rows[row.code][2]
        if row.value is None:
            assert value is None
        elif row.unit == Unit.CENTS:
            assert value == pytest.approx(row.value / 100)
        else:
            assert value == pytest.approx(row.value)
    assert rows[Code.OPEN_PLACES][2] == 3
    # The demo notice (a demo grant exists and is included) is on the first and last sheets.
    with translation.override("fr"):
        notice = report.demo_notice(content)
    assert notice
    first_cells = [c for r in sheet.iter_rows(max_row=4, values_only=True) for c in r if c]
    assert notice in first_cells
    assert notice in [r[0] for r in book.worksheets[-1].iter_rows(values_only=True)]
    # The money sheet adds up to the money figure (the demo grant is regional: not in 33).
    money = book.worksheets[3]
    total = next(r for r in money.iter_rows(values_only=True) if r[0] == "Total")
    assert total[3] == pytest.approx(expected.value(Code.COMMITTED) / 100)

    # The PDF parses and its text has every key figure as the page shows it.
    text = pdf_text((tmp_path / files.pdf).read_bytes())
    for card in content.cards:
        assert normalise(card.display) in text, card.code
        assert normalise(card.label) in text
    assert "Gironde" in text
    assert normalise(notice) in text
    # The coverage map and its table.
    assert content.coverage_map is None  # the page does not draw it
    assert "≤ 10 min" in text and "> 45 min" in text


def test_without_demo_records_the_report_says_they_are_left_out(records, tmp_path):
    CallFactory(is_demo=True, name="AMI (DÉMO)")
    with translation.override("fr"):
        content = report.dashboard_content(year=records, include_demo=False)
        data = report.report_xlsx(content)
        pdf = report.report_pdf(content)
    assert not content.shows_demo
    with translation.override("fr"):
        notice = report.demo_notice(content)
    with translation.override("fr"):
        assert notice == gettext(
            "Demonstration data held in the database is left out of these figures."
        )
    book = load_workbook(io.BytesIO(data))
    money = book.worksheets[3]
    total = next(r for r in money.iter_rows(values_only=True) if r[0] == "Total")
    assert total[3] == pytest.approx(100_000)  # the real grant only
    text = pdf_text(pdf)
    assert normalise(content.card(Code.COMMITTED).display) in text
    assert normalise(notice) in text
    assert "Nouvelle-Aquitaine" in text


def test_no_notice_without_demo_records(records, tmp_path):
    from tierslieux.dashboard.models import OtherGrant

    OtherGrant.objects.filter(is_demo=True).delete()
    with translation.override("fr"):
        content = report.dashboard_content(year=records)
    assert content.demo is None
    assert report.demo_notice(content) == ""
    assert "-sans-demo" not in report.report_filename(content, "pdf")


def test_the_command_writes_both_files_and_says_how_long_it_took(records, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "dashboard_report",
        "--year",
        str(records),
        "--departement",
        "87",
        "--no-demo",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        f"rapport-evaluation-tiers-lieux-{records}-87-sans-demo.pdf",
        f"rapport-evaluation-tiers-lieux-{records}-87-sans-demo.xlsx",
    ]
    assert "total" in out.getvalue()
    text = pdf_text((tmp_path / written[0]).read_bytes())
    assert "Haute-Vienne" in text


def test_the_command_refuses_an_unknown_departement(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Unknown département"):
        call_command("dashboard_report", "--departement", "2A", "--out", str(tmp_path))


@pytest.mark.django_db
def test_old_report_files_are_deleted(settings, tmp_path):
    import datetime

    from tierslieux.core.models import TaskProgress
    from tierslieux.dashboard import tasks

    settings.MEDIA_ROOT = tmp_path
    old, recent = (TaskProgress.objects.create(label=tasks.REPORT_LABEL) for _ in range(2))
    TaskProgress.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    for progress in (old, recent):
        tasks.report_folder(progress.pk).mkdir(parents=True)
        (tasks.report_folder(progress.pk) / "rapport.pdf").write_bytes(b"%PDF")
    assert tasks.report_folders_prune(keep_days=30) == 1
    assert not tasks.report_folder(old.pk).exists()
    assert (tasks.report_folder(recent.pk) / "rapport.pdf").exists()


def test_the_report_pdf_is_tagged_with_its_language_and_title(records):
    """PDF/UA: a structure tree, marked content, the document's language and its title."""
    with translation.override("en"):
        content = report.dashboard_content(year=records, include_demo=True)
        pdf = report.report_pdf(content)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == "en"
    assert "Evaluation of the tiers-lieux policy" in reader.metadata.title
