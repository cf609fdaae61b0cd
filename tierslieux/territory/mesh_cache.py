"""The mesh report, kept in Django's cache for pages, JSON feeds and downloads.

``mesh_report()`` reads the 1 km grid and takes about a second or more; pages ask for the same
analysis again and again. The key holds the analysis parameters and a fingerprint of what the
report depends on (the places' count and latest change, the communes' count, and today's date,
since a place opens or closes on a date), so a change to the directory gives a new report.
"""

import hashlib
import json
from dataclasses import asdict

from django.core.cache import cache

from tierslieux.territory import selectors
from tierslieux.territory.mesh import MeshParams, MeshReport, mesh_report, places_source
from tierslieux.territory.models import Commune, PopulationCell

CACHE_SECONDS = 24 * 3600
CACHE_VERSION = "v1"


def params_key(params: MeshParams) -> str:
    """A short stable digest of the parameters."""
    data = asdict(params)
    data["on"] = params.on.isoformat() if params.on else None
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def inputs_fingerprint() -> str:
    """What a report depends on besides its parameters: places (with today's date, handed
    down by the directory: ``places/mesh.py``) and communes."""
    return f"{places_source().fingerprint()}:{Commune.objects.count()}"


def report_cache_key(params: MeshParams) -> str:
    digest = hashlib.sha256(inputs_fingerprint().encode()).hexdigest()[:20]
    return f"territory:mesh-report:{CACHE_VERSION}:{params_key(params)}:{digest}"


def mesh_report_cached(params: MeshParams | None = None) -> MeshReport:
    """``mesh_report(params)`` (default analysis if None), computed once per inputs."""
    params = params or MeshParams.from_settings()
    return cache.get_or_set(
        report_cache_key(params), lambda: mesh_report(params), timeout=CACHE_SECONDS
    )


def territory_facts_cached() -> tuple[selectors.RegionFigures, list[selectors.DepartementRow]]:
    """The region's figures and per-département table (they change only with the territory)."""
    key = (
        f"territory:facts:{CACHE_VERSION}:{Commune.objects.count()}:"
        f"{PopulationCell.objects.count()}"
    )
    return cache.get_or_set(
        key,
        lambda: (selectors.region_figures(), selectors.departement_table()),
        timeout=CACHE_SECONDS,
    )
