"""The system checks of the served regions (territory.E001, W001, W002; ADR 0028)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.calls.factories import CallFactory
from tests.places.factories import PlaceFactory
from tierslieux.territory.checks import check_served_regions
from tierslieux.territory.models import Commune

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _ids(messages):
    return [m.id for m in messages]


def _commune_of_corse() -> Commune:
    return Commune.objects.create(
        code="2A004",
        name="Ajaccio",
        departement_id="2A",
        population=73_000,
        population_2021=72_000,
        density_level=2,
        lon=8.74,
        lat=41.93,
        geometry={"type": "Point", "coordinates": [8.74, 41.93]},
    )


def test_the_default_deployment_is_clean():
    assert check_served_regions() == []


def test_a_call_of_a_region_not_served_is_an_error_naming_the_setting():
    CallFactory(region_code="84")
    [message] = check_served_regions()
    assert message.id == "territory.E001"
    assert "84 Auvergne-Rhône-Alpes" in message.msg
    assert "TERRITORY_REGIONS=75" in message.msg and "1 calls.Call" in message.msg
    assert "TERRITORY_REGIONS=75,84" in message.hint


def test_a_place_in_a_region_no_longer_served_is_an_error():
    PlaceFactory(commune=_commune_of_corse())
    [message] = check_served_regions()
    assert message.id == "territory.E001"
    assert "94 Corse" in message.msg and "1 places.Place" in message.msg


def test_a_served_region_not_loaded_is_a_warning(settings):
    settings.TERRITORY_REGIONS = ("75", "94")
    [message] = check_served_regions()
    assert message.id == "territory.W001"
    assert "94 Corse" in message.msg and "load_territory" in message.hint


def test_a_region_loaded_but_no_longer_served_is_a_warning():
    _commune_of_corse()
    [message] = check_served_regions()
    assert message.id == "territory.W002"
    assert "94 Corse" in message.msg


def test_manage_py_check_refuses_records_of_a_region_not_served():
    CallFactory(region_code="84")
    with pytest.raises(SystemCheckError, match=r"territory\.E001"):
        call_command("check")


@pytest.mark.slow  # manage.py processes
def test_on_a_fresh_database_the_checks_wait_for_migrate_then_ask_for_the_territory(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TIERSLIEUX_", "DATABASE_URL", "TERRITORY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        TIERSLIEUX_VAR_DIR=str(tmp_path),
        TERRITORY_REGIONS="94",
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    before = manage("check")
    assert before.returncode == 0 and "territory." not in before.stdout + before.stderr
    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    after = manage("check")
    assert after.returncode == 0  # a warning: shown, not fatal
    output = after.stdout + after.stderr
    assert "territory.W001" in output and "94 Corse" in output
