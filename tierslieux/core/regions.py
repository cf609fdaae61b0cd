"""The 18 regions of France, and which of them a deployment serves (``TERRITORY_REGIONS``).

Pure data, no Django import: ``config/settings.py`` parses its setting with
:func:`parse_regions`, so a setting naming an unknown code stops the start with a clear message.
Codes are INSEE's (COG 2024), as in ``@etalab/decoupage-administratif`` 6.0.0 ``regions.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "all"
"""The value of ``TERRITORY_REGIONS`` (and of ``--regions``) for the whole country."""


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    overseas: bool
    """Overseas regions have no 1 km population grid: demand is the communes' population at
    their town-hall points."""


REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("01", "Guadeloupe", True),
        Region("02", "Martinique", True),
        Region("03", "Guyane", True),
        Region("04", "La Réunion", True),
        Region("06", "Mayotte", True),
        Region("11", "Île-de-France", False),
        Region("24", "Centre-Val de Loire", False),
        Region("27", "Bourgogne-Franche-Comté", False),
        Region("28", "Normandie", False),
        Region("32", "Hauts-de-France", False),
        Region("44", "Grand Est", False),
        Region("52", "Pays de la Loire", False),
        Region("53", "Bretagne", False),
        Region("75", "Nouvelle-Aquitaine", False),
        Region("76", "Occitanie", False),
        Region("84", "Auvergne-Rhône-Alpes", False),
        Region("93", "Provence-Alpes-Côte d'Azur", False),
        Region("94", "Corse", False),
    )
}

METROPOLITAN = tuple(code for code, region in REGIONS.items() if not region.overseas)
OVERSEAS = tuple(code for code, region in REGIONS.items() if region.overseas)


class UnknownRegionError(ValueError):
    """A region list names a code that is not one of the 18 regions."""


def parse_regions(value: str) -> tuple[str, ...]:
    """``"75"``, ``"75,84"`` or ``"all"`` → the codes in INSEE order, without duplicates.

    Raises :class:`UnknownRegionError` naming the bad code(s) and the valid ones; an empty
    list is refused too (a deployment serves at least one region).
    """
    text = (value or "").strip()
    if text.lower() == ALL:
        return tuple(REGIONS)
    codes = [part.strip() for part in text.split(",") if part.strip()]
    if not codes:
        raise UnknownRegionError(
            "No region given: use region codes separated by commas (e.g. 75,84) or 'all'."
        )
    unknown = sorted({code for code in codes if code not in REGIONS})
    if unknown:
        valid = ", ".join(f"{r.code} {r.name}" for r in REGIONS.values())
        raise UnknownRegionError(
            f"Unknown region code(s): {', '.join(unknown)}. The regions are: {valid}; "
            "or 'all' for the whole country."
        )
    return tuple(code for code in REGIONS if code in set(codes))


def region_name(code: str) -> str:
    """The region's name, or the code itself when unknown (never raises: used in pages)."""
    region = REGIONS.get(code)
    return region.name if region else code
