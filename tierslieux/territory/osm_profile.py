"""The car profile of the road reader: which OSM ways a car drives, in which direction, how fast.

Rules (a car profile close to OSRM's ``profiles/car.lua``, simplified; see
``docs/road-costs.md``):

- a way is kept when its ``highway`` class has a speed in ``speeds_kmh`` (by default the
  classes of ``DEFAULT_SPEEDS_KMH``), it is not ``area=yes``, and its most specific access tag
  among ``motorcar``, ``motor_vehicle``, ``vehicle``, ``access`` is not one of
  ``DENIED_ACCESS`` (``access=private`` + ``motor_vehicle=yes`` is kept);
- ``oneway=yes|true|1`` allows the way's direction only, ``oneway=-1|reverse`` the opposite one,
  ``oneway=no|false|0`` both; without the tag, ``highway=motorway`` and
  ``junction=roundabout|circular`` are one-way; ``oneway=reversible|alternating`` ways are left
  out (their direction depends on the time of day);
- speed: a tagged limit (``maxspeed``, or ``maxspeed:forward`` / ``maxspeed:backward`` for one
  direction) times ``maxspeed_factor`` (a posted limit is a ceiling, the average speed on the
  road is lower; one factor, or one per ``highway`` class), otherwise the class speed;
- each time a car enters a node tagged ``highway=traffic_signals`` it loses
  ``traffic_signal_s`` seconds (OSRM's ``traffic_light_penalty``).

No Django import.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping

DEFAULT_SPEEDS_KMH: Mapping[str, float] = {
    "motorway": 115.0,
    "trunk": 90.0,
    "primary": 70.0,
    "secondary": 60.0,
    "tertiary": 50.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
    "motorway_link": 60.0,
    "trunk_link": 50.0,
    "primary_link": 45.0,
    "secondary_link": 40.0,
    "tertiary_link": 35.0,
}
"""Average car speed per ``highway`` class when no limit is tagged, km/h.

French-realistic free-flow averages: below the legal limits (motorway 130, dual carriageway
110, rural roads 80 since 2018, towns 50, zones 30 and 20) to account for bends, junctions,
villages and traffic lights. A class absent from the table is not drivable.
"""

DEFAULT_MAXSPEED_FACTOR: float = 0.85
"""Average speed / posted limit where a limit is tagged (130 -> 110.5, 80 -> 68, 50 -> 42.5)."""

DEFAULT_TRAFFIC_SIGNAL_S: float = 2.0
"""Seconds added each time a car enters a node tagged ``highway=traffic_signals``.

OSRM's car profile (``profiles/car.lua``, ``traffic_light_penalty = 2``) uses the same value: an
average over green and red phases at free flow, not the wait at a red light.
"""

OSRM_CAR_SPEEDS_KMH: Mapping[str, float] = {
    "motorway": 90.0,
    "motorway_link": 45.0,
    "trunk": 85.0,
    "trunk_link": 40.0,
    "primary": 65.0,
    "primary_link": 30.0,
    "secondary": 55.0,
    "secondary_link": 25.0,
    "tertiary": 40.0,
    "tertiary_link": 20.0,
    "unclassified": 25.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}
"""OSRM's car profile speeds per ``highway`` class (``profiles/car.lua``, ``speeds.highway``),
km/h, to use with ``OSRM_SPEED_REDUCTION`` when times must compare with an OSRM server's."""

OSRM_SPEED_REDUCTION: float = 0.8
"""OSRM's car profile ``speed_reduction``: average speed / posted ``maxspeed``."""

DENIED_ACCESS: frozenset[str] = frozenset(
    {"no", "private", "agricultural", "forestry", "emergency"}
)
"""Access values that close a way to ordinary cars."""

ACCESS_KEYS: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")
"""Access keys from the most specific to the most general: the first one present decides."""

IMPLICIT_MAXSPEED_KMH: Mapping[str, float] = {
    "FR:urban": 50.0,
    "FR:rural": 80.0,
    "FR:trunk": 110.0,
    "FR:motorway": 130.0,
    "FR:zone30": 30.0,
    "FR:zone20": 20.0,
    "FR:walk": 6.0,
    "walk": 6.0,
}
"""Implicit limits (``maxspeed=FR:rural``), km/h. Unknown ones fall back to the class speed."""

MPH_KMH: float = 1.609344
KNOT_KMH: float = 1.852
CACHE_FORMAT: int = 2
"""Bumped when the arrays or the rules change, so that old cache files are not reused."""

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_TWO_WAY = frozenset({"no", "false", "0"})
_SKIPPED_ONEWAY = frozenset({"reversible", "alternating"})
_IMPLIED_ONEWAY_JUNCTIONS = frozenset({"roundabout", "circular"})


class OsmReadError(ValueError):
    """The extract cannot be read or holds no drivable road."""


def maxspeed_kmh(value: str | None) -> float | None:
    """Speed limit in km/h from an OSM ``maxspeed`` value, or ``None`` when it gives none.

    Parameters
    ----------
    value : str or None
        ``"50"``, ``"50 mph"``, ``"30 knots"``, ``"FR:urban"``, ``"90;70"`` (the lowest is
        taken), ``"none"`` / ``"signals"`` / ``"variable"`` (no usable limit).

    Returns
    -------
    float or None
        The limit, km/h (> 0), or ``None``: the class speed then applies.

    Examples
    --------
    >>> maxspeed_kmh("FR:rural"), maxspeed_kmh("30 mph"), maxspeed_kmh("none")
    (80.0, 48.28032, None)
    """
    if value is None:
        return None
    limits = []
    for part in value.split(";"):
        part = part.strip()
        if part in IMPLICIT_MAXSPEED_KMH:
            limits.append(IMPLICIT_MAXSPEED_KMH[part])
            continue
        match = _NUMBER.match(part)
        if match is None:
            continue
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()
        if unit == "mph":
            number *= MPH_KMH
        elif unit == "knots":
            number *= KNOT_KMH
        if 0.0 < number <= 300.0:
            limits.append(number)
    return min(limits) if limits else None


def way_directions(
    highway: str, oneway: str | None, junction: str | None
) -> tuple[bool, bool] | None:
    """Which directions of a way a car may drive: ``(forward, backward)``, or ``None`` to skip.

    Forward is the order of the way's nodes. See the module docstring for the rules.
    """
    value = oneway.strip().lower() if oneway is not None else None
    if value in _FORWARD:
        return True, False
    if value in _BACKWARD:
        return False, True
    if value in _SKIPPED_ONEWAY:
        return None
    if value in _TWO_WAY:
        return True, True
    if highway == "motorway" or junction in _IMPLIED_ONEWAY_JUNCTIONS:
        return True, False
    return True, True


def is_car_accessible(tags: Mapping[str, str]) -> bool:
    """False when the most specific access tag present closes the way to cars."""
    for key in ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            return value.strip().lower() not in DENIED_ACCESS
    return True


MaxspeedFactor = float | Mapping[str, float]
"""Average speed / posted limit: one factor for every class, or one per ``highway`` class
(classes left out of the mapping use ``DEFAULT_MAXSPEED_FACTOR``)."""


def factor_for(maxspeed_factor: MaxspeedFactor, highway: str) -> float:
    """The speed factor of a ``highway`` class."""
    if isinstance(maxspeed_factor, Mapping):
        return float(maxspeed_factor.get(highway, DEFAULT_MAXSPEED_FACTOR))
    return float(maxspeed_factor)


def _factor_json(maxspeed_factor: MaxspeedFactor) -> float | dict[str, float]:
    if isinstance(maxspeed_factor, Mapping):
        return {str(k): float(v) for k, v in sorted(maxspeed_factor.items())}
    return float(maxspeed_factor)


def params_fingerprint(
    speeds_kmh: Mapping[str, float],
    maxspeed_factor: MaxspeedFactor,
    traffic_signal_s: float = DEFAULT_TRAFFIC_SIGNAL_S,
) -> str:
    """SHA-256 (hex) of the parameters that change the network: the cache key's second half."""
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "speeds_kmh": {str(k): float(v) for k, v in sorted(speeds_kmh.items())},
            "maxspeed_factor": _factor_json(maxspeed_factor),
            "traffic_signal_s": float(traffic_signal_s),
            "implicit_maxspeed_kmh": dict(sorted(IMPLICIT_MAXSPEED_KMH.items())),
            "denied_access": sorted(DENIED_ACCESS),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def check_params(
    speeds_kmh: Mapping[str, float],
    maxspeed_factor: MaxspeedFactor,
    traffic_signal_s: float = DEFAULT_TRAFFIC_SIGNAL_S,
) -> None:
    """Raise ``ValueError`` on a speed, factor or penalty that is not a finite positive number."""
    if not math.isfinite(traffic_signal_s) or traffic_signal_s < 0.0:
        raise ValueError(f"traffic_signal_s must be finite and >= 0, got {traffic_signal_s!r}")
    for highway, speed in speeds_kmh.items():
        if not math.isfinite(speed) or speed <= 0.0:
            raise ValueError(f"speed of {highway!r} must be finite and > 0, got {speed!r}")
    factors = (
        maxspeed_factor.values() if isinstance(maxspeed_factor, Mapping) else [maxspeed_factor]
    )
    for factor in factors:
        if not math.isfinite(factor) or factor <= 0.0:
            raise ValueError(f"maxspeed_factor must be finite and > 0, got {factor!r}")
