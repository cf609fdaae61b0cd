"""The 18 regions and the parsing of TERRITORY_REGIONS / --regions."""

import subprocess
import sys

import pytest

from tierslieux.core.regions import (
    METROPOLITAN,
    OVERSEAS,
    REGIONS,
    UnknownRegionError,
    parse_regions,
    region_name,
)


def test_eighteen_regions_thirteen_metropolitan_five_overseas():
    assert len(REGIONS) == 18
    assert len(METROPOLITAN) == 13
    assert OVERSEAS == ("01", "02", "03", "04", "06")
    assert region_name("75") == "Nouvelle-Aquitaine"
    assert region_name("99") == "99"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("75", ("75",)), ("84, 75,75", ("75", "84")), ("ALL", tuple(REGIONS))],
)
def test_parse_regions(value, expected):
    assert parse_regions(value) == expected


@pytest.mark.parametrize("value", ["", " , ", "75,99", "Nouvelle-Aquitaine"])
def test_parse_regions_refuses_unknown_or_empty(value):
    with pytest.raises(UnknownRegionError):
        parse_regions(value)


@pytest.mark.slow
def test_an_unknown_region_stops_the_start_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"TERRITORY_REGIONS": "75,99", "DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Unknown region code(s): 99" in result.stderr
