"""Which region a visitor of the public pages looks at: one served region, or all of them.

The choice is in the URL, ``?region=84`` or ``?region=all`` (ADR 0030), so that every view is
addressable, linkable and cacheable. Without the parameter a deployment serving one region shows
that region (the pages are exactly those of before), and one serving several shows them all.
A code that is not served is an error the page shows (a form error, a 400 on data files, a 422
problem in the API), never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

from tierslieux.core.regions import ALL, REGIONS, region_name

PARAM = "region"
"""The query-string parameter carrying the choice."""


class RegionNotServed(ValueError):
    """The visitor asked for a region the deployment does not serve (or a malformed value)."""


@dataclass(frozen=True, slots=True)
class RegionChoice:
    value: str
    """``"all"`` or the code of one served region: what the URL says."""
    codes: tuple[str, ...]
    """The served regions this choice covers (INSEE order)."""

    @property
    def is_all(self) -> bool:
        return self.value == ALL

    @property
    def code(self) -> str:
        """The one region's code, or ``""`` when the choice is every served region (the
        filters' "any": a deployment serving one region filters nothing, as before)."""
        return "" if self.is_all or self.codes == served_regions() else self.value

    @property
    def name(self) -> str:
        """What pages call the chosen territory: the region's name, or "France"."""
        if len(self.codes) == 1:
            return _name(self.codes[0])
        if set(self.codes) == set(REGIONS):
            return _("France")
        return ", ".join(_name(code) for code in self.codes)


def _name(code: str) -> str:
    """A region's name; the home region's as the deployment spells it."""
    if code == settings.TERRITORY_REGION_CODE:
        return settings.TERRITORY_REGION_NAME
    return region_name(code)


def served_regions() -> tuple[str, ...]:
    """The codes of the regions the deployment serves (``TERRITORY_REGIONS``)."""
    return tuple(settings.TERRITORY_REGIONS)


def served_name() -> str:
    """The name of all the territory served: the one region's, "France", or the regions'."""
    return RegionChoice(value=ALL, codes=served_regions()).name


def is_multi_region() -> bool:
    """Several regions are served: the pages offer the region switcher."""
    return len(served_regions()) > 1


def default_choice() -> RegionChoice:
    """No choice in the URL: the one region served, or all of them."""
    served = served_regions()
    value = served[0] if len(served) == 1 else ALL
    return RegionChoice(value=value, codes=served if value == ALL else (value,))


def region_choice(value: str | None) -> RegionChoice:
    """``"84"``, ``"all"``, ``""`` or ``None`` -> the choice; a region not served raises.

    In a single-region deployment ``all`` and the region's code are the same choice.
    """
    served = served_regions()
    text = (value or "").strip()
    if not text:
        return default_choice()
    if text.lower() == ALL:
        if len(served) == 1:
            return RegionChoice(value=served[0], codes=served)
        return RegionChoice(value=ALL, codes=served)
    if text in served:
        return RegionChoice(value=text, codes=(text,))
    names = ", ".join(f"{code} ({region_name(code)})" for code in served)
    if text in REGIONS:
        message = _("%(name)s is not served here. The regions are: %(served)s, or “all”.")
        raise RegionNotServed(message % {"name": region_name(text), "served": names})
    message = _("“%(value)s” is not a region code. The regions are: %(served)s, or “all”.")
    raise RegionNotServed(message % {"value": text[:10], "served": names})


def region_choice_from_query(query: Mapping[str, Any]) -> RegionChoice:
    """The choice the query string asks for (``region``); a region not served raises."""
    value = query.get(PARAM)
    return region_choice(value if isinstance(value, str) else None)


def region_choices() -> list[tuple[str, str]]:
    """The switcher's options: each served region, then "France" (or all regions served)."""
    served = served_regions()
    options = [(code, _name(code)) for code in served]
    everything = _("France") if set(served) == set(REGIONS) else _("All regions")
    return [*options, (ALL, everything)]


def region_choice_checked(query: Mapping[str, Any]) -> tuple[RegionChoice, str]:
    """The choice the query asks for, and ``""``; or the default choice and the error."""
    try:
        return region_choice_from_query(query), ""
    except RegionNotServed as refused:
        return default_choice(), str(refused)


def region_changed(*, query: Mapping[str, Any], current_url: str | None) -> bool:
    """Whether ``query`` asks for another region than the page at ``current_url`` shows (an
    HTMX request from a page whose region select changed: its département and EPCI choices,
    and the switcher, must be those of the new region, so the whole page is reloaded)."""
    if not current_url:
        return False
    shown = QueryDict(urlsplit(current_url).query)
    return region_choice_checked(query)[0] != region_choice_checked(shown)[0]


SWITCH_DROPS = frozenset({PARAM, "page", "departement", "epci", "commune", "code", "place"})
"""Parameters a switch of region drops: they name a part of the region left."""


@dataclass(frozen=True, slots=True)
class SwitchOption:
    label: str
    url: str
    current: bool


def switch_options(*, path: str, query: Any, current: RegionChoice) -> list[SwitchOption]:
    """One link per served region and one for all of them, to ``path`` with the query's other
    parameters kept (those naming a part of the region left are dropped)."""
    options = []
    for value, label in region_choices():
        kept = query.copy()
        for name in SWITCH_DROPS:
            kept.pop(name, None)
        kept[PARAM] = value
        url = f"{path}?{kept.urlencode()}"
        options.append(SwitchOption(str(label), url, value == current.value))
    return options
