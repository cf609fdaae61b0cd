"""Candidate sets for ``mesh_recommend``: the communes' town halls, or a set a higher app
registers (the premises on offer: ``premises/mesh.py``). The territory never imports them
(docs/adr/0021); the higher app hands its rows down when it is ready."""

from collections.abc import Callable
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from tierslieux.territory.mesh import Sites, candidates_read

COMMUNES = "communes"

CandidateRows = Callable[[], list[tuple[str, float, float, str, str]]]
"""Returns (id, lon, lat, label, commune INSEE code) of each candidate site, in a stable order."""

_sources: dict[str, CandidateRows] = {}
_labels: dict[str, Any] = {}


def candidates_source_register(name: str, rows: CandidateRows, *, label: Any = None) -> None:
    """Called by a higher app when it is ready (``PremisesConfig.ready``); ``label`` names the
    set on the scenario page (a lazy translation; the name when absent)."""
    if name == COMMUNES:
        raise ValueError(f"{COMMUNES!r} is the built-in candidate set")
    _sources[name] = rows
    _labels[name] = label if label is not None else name


def candidates_source_choices() -> list[tuple[str, str]]:
    """(name, label) of the candidate sets, communes first: the scenario page's choices."""
    return [(COMMUNES, str(_("Town halls of the communes")))] + [
        (name, str(_labels[name])) for name in sorted(_sources)
    ]


def candidates_source_names() -> list[str]:
    """The candidate sets a recommendation may use: communes first, then the registered ones."""
    return [COMMUNES, *sorted(_sources)]


def candidates_named(name: str) -> Sites:
    """The candidate sites of the set ``name`` (``ValueError`` when unknown)."""
    if name == COMMUNES:
        return candidates_read()
    if name not in _sources:
        raise ValueError(f"unknown candidate set {name!r}")
    rows = _sources[name]()
    return Sites(
        ids=np.array([r[0] for r in rows], dtype=np.str_),
        lon=np.array([r[1] for r in rows], dtype=np.float64),
        lat=np.array([r[2] for r in rows], dtype=np.float64),
        labels=[r[3] for r in rows],
        communes=[r[4] for r in rows],
    )
