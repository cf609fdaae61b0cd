"""The census import follows the served regions (issue 14, ADR 0028): the whole CGET 2019
census when every region is served (1,512 places), Nouvelle-Aquitaine's 225 by default; the rows
of a region not served are skipped, each with its line and reason."""

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.accounts.factories import UserFactory
from tierslieux.core.regions import REGIONS
from tierslieux.places.importers import read_file
from tierslieux.territory import loaders

CGET = Path(settings.BASE_DIR) / "data" / "places" / "cget_tiers_lieux_2019.csv"


@pytest.fixture(scope="module")
def departement_regions():
    return {d.code: d.region_code for d in loaders.departements_read(settings.TERRITORY_DATA_DIR)}


def test_with_every_region_served_the_census_gives_its_1512_places(departement_regions):
    parsed = read_file(
        "cget_2019",
        CGET.read_bytes(),
        regions=tuple(REGIONS),
        departement_regions=departement_regions,
    )
    assert (len(parsed.records), parsed.skipped, parsed.errors) == (1512, 0, [])


def test_by_default_the_census_keeps_nouvelle_aquitaine_and_says_why_it_skips(
    departement_regions,
):
    with translation.override("en"):
        parsed = read_file("cget_2019", CGET.read_bytes(), departement_regions=departement_regions)
    assert (len(parsed.records), parsed.skipped, parsed.errors) == (225, 1287, [])
    assert len(parsed.skipped_rows) == 1287
    reasons = Counter(row.reason for row in parsed.skipped_rows)
    assert reasons["region 84 (Auvergne-Rhône-Alpes) is not served by this deployment"] == 205
    # Line 302 has no INSEEREG: its region comes from its postcode (29770, Finistère).
    [row_302] = [row for row in parsed.skipped_rows if row.line == 302]
    assert row_302.reason == "region 53 (Bretagne) is not served by this deployment"


def test_two_served_regions_keep_both(departement_regions):
    parsed = read_file(
        "cget_2019",
        CGET.read_bytes(),
        regions=("75", "84"),
        departement_regions=departement_regions,
    )
    assert len(parsed.records) == 225 + 205


@pytest.mark.django_db
def test_importing_a_region_not_served_is_refused_with_the_setting_to_change():
    with pytest.raises(CommandError, match=r"not served \(TERRITORY_REGIONS=75\)"):
        call_command(
            "import_places", str(CGET), format="cget_2019", regions="84", stdout=StringIO()
        )


@pytest.mark.django_db
def test_the_command_reports_the_skipped_rows_per_reason_and_by_line_when_verbose():
    UserFactory(username="operator", is_superuser=True, is_staff=True)
    out = StringIO()
    with translation.override("en"):
        call_command(
            "import_places",
            str(CGET),
            format="cget_2019",
            dry_run=True,
            verbosity=2,
            stdout=out,
            stderr=StringIO(),
        )
    text = out.getvalue()
    assert (
        "205 row(s) skipped: region 84 (Auvergne-Rhône-Alpes) is not served by this deployment"
        in text
    )
    assert f"{CGET}:302: skipped: region 53 (Bretagne) is not served" in text
    assert "225 created, 0 updated, 0 unchanged, 1287 skipped" in text
