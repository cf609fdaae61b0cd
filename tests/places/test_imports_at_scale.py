"""Imports at scale: broken CSV records named, progress told, bulk writes audited, page imports
run as background tasks."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.test_importers import CGET_HEADER, cget_file, cget_row
from tierslieux.core.models import TaskProgress
from tierslieux.places.importers import read_file
from tierslieux.places.models import Place
from tierslieux.places.services import ImportRejected, import_upload_dir, places_import


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (their msgids); the French catalogue translates them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return UserFactory(network=True)


def test_an_unclosed_quote_is_reported_not_swallowed():
    data = cget_file(
        cget_row(ID="1", NOM_TL='"Le Lieu ouvert'),
        cget_row(ID="2", NOM_TL="Deuxième lieu"),
        cget_row(ID="3", NOM_TL='"Troisième" lieu'),
        cget_row(ID="4", NOM_TL="Quatrième lieu"),
    )
    parsed = read_file("cget_2019", data)
    assert [e.line for e in parsed.errors] == [2]
    assert "never closed" in parsed.errors[0].reason and "line 4" in parsed.errors[0].reason
    assert parsed.skipped == 0  # the damaged row is not taken for a place of another region
    assert [r.source_id for r in parsed.records] == ["4"]


def test_an_unclosed_quote_at_the_end_of_the_file_is_reported():
    data = cget_file(cget_row(ID="1"), cget_row(ID="2", ADRESSE='"2 rue'), cget_row(ID="3"))
    parsed = read_file("cget_2019", data)
    assert [e.line for e in parsed.errors] == [3]
    assert [r.source_id for r in parsed.records] == ["1"]


def test_a_legitimate_line_break_inside_quotes_is_kept():
    data = cget_file(cget_row(ID="1", ADRESSE='"1 rue du Port\nBâtiment B"'), cget_row(ID="2"))
    parsed = read_file("cget_2019", data)
    assert parsed.errors == []
    assert parsed.records[0].address == "1 rue du Port\nBâtiment B"
    assert parsed.records[1].line == 4


def test_a_row_with_too_few_cells_is_refused():
    row = ",".join(cget_row().split(",")[:10])
    parsed = read_file("cget_2019", cget_file(cget_row(ID="1"), row))
    assert [(e.line, "fewer cells" in e.reason) for e in parsed.errors] == [(3, True)]


def test_an_unreadable_region_code_is_an_error_not_a_skip():
    parsed = read_file("cget_2019", cget_file(cget_row(INSEEREG="Bordeaux")))
    assert parsed.skipped == 0
    assert "INSEEREG" in parsed.errors[0].reason


@pytest.mark.django_db
def test_progress_is_told_and_the_dry_run_writes_nothing(staff):
    told = []
    rows = [cget_row(ID=str(i), NOM_TL=f"Lieu {i}") for i in range(1, 6)]
    report = places_import(
        source="cget_2019",
        data=cget_file(*rows),
        by=staff,
        dry_run=True,
        progress=lambda fraction, message: told.append((fraction, message)),
    )
    assert report.created == 5 and not Place.objects.exists()
    fractions = [f for f, _m in told]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any("row 0 of 5" in m for _f, m in told)


@pytest.mark.django_db
def test_bulk_import_writes_one_audit_entry_per_place_and_search_text(staff):
    places_import(source="cget_2019", data=cget_file(cget_row(ID="1", NOM_TL="Lieu Été")), by=staff)
    place = Place.objects.get(source_id="1")
    assert place.search_text.startswith("lieu ete") and "bordeaux" in place.search_text
    entry = LogEntry.objects.get_for_object(place).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
    assert entry.changes["name"] == ["None", "Lieu Été"]
    places_import(
        source="cget_2019", data=cget_file(cget_row(ID="1", NOM_TL="Lieu Hiver")), by=staff
    )
    update = LogEntry.objects.get_for_object(place).get(action=LogEntry.Action.UPDATE)
    assert update.changes == {"name": ["Lieu Été", "Lieu Hiver"]}
    place.refresh_from_db()
    assert place.name == "Lieu Hiver" and "hiver" in place.search_text


@pytest.mark.django_db
def test_a_bad_closing_date_names_its_line(staff):
    # The GeoJSON format carries dates: a closing date before the opening date.
    data = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        b'{"type": "Point", "coordinates": [-0.5792, 44.8378]}, "properties": {"id": "g1", '
        b'"nom": "Lieu", "statut": "closed", "ouvert_depuis": "2020-01-01", '
        b'"ferme_le": "2019-01-01"}}]}'
    )
    with pytest.raises(ImportRejected) as refused:
        places_import(source="geojson", data=data, by=staff)
    assert [e.line for e in refused.value.errors] == [1]
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_command_tells_progress(staff, capsys):
    from tests.places.test_importers import CGET

    UserFactory(superuser=True)
    call_command("import_places", str(CGET), "--format", "cget_2019", "--dry-run")
    err = capsys.readouterr().err
    assert "Checking row" in err and "100 %" in err


@pytest.mark.django_db
def test_page_import_runs_as_a_task_whose_report_only_its_requester_sees(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("places:place_import"),
        {
            "format": "cget_2019",
            "publish": "on",
            "file": SimpleUploadedFile("lieux.csv", cget_file(cget_row(ID="7"))),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    progress = TaskProgress.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?task={progress.pk}")
    assert progress.state == "succeeded" and progress.result["created"] == 1
    assert Place.objects.filter(source_id="7").exists()
    assert list(import_upload_dir().iterdir()) == []  # the stored upload is deleted
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Import done" in page.content.decode()
    fragment = client.get(reverse("places:place_import_result", args=[progress.pk]))
    assert fragment.status_code == 200 and "hx-trigger" not in fragment.content.decode()
    client.force_login(UserFactory(network=True))
    assert client.get(reverse("places:place_import_result", args=[progress.pk])).status_code == 404


@pytest.mark.django_db
def test_page_import_of_a_bad_file_lists_the_rows_from_the_task(client, staff):
    client.force_login(staff)
    bad = cget_file(cget_row(ID="1", LAT="nord"), cget_row(ID="2", NOM_TL='"open'))
    response = client.post(
        reverse("places:place_import"),
        {"format": "cget_2019", "file": SimpleUploadedFile("lieux.csv", bad)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert TaskProgress.objects.get().result["status"] == "rejected"
    assert not Place.objects.exists()


def test_header_constant_is_the_census_header():
    assert CGET_HEADER.startswith("ID,NOM_TL")


@pytest.mark.django_db
def test_page_import_respects_the_per_user_task_limit(client, staff, settings):
    settings.TASKS_MAX_PENDING_PER_USER = 1
    TaskProgress.objects.create(label="Mesh scenario", requested_by=staff, state="running")
    client.force_login(staff)
    response = client.post(
        reverse("places:place_import"),
        {"format": "cget_2019", "file": SimpleUploadedFile("lieux.csv", cget_file(cget_row()))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429 and "already have" in response.content.decode()
    assert not Place.objects.exists()
    assert not import_upload_dir().exists() or list(import_upload_dir().iterdir()) == []
