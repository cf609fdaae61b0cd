"""Panels other apps add to a place's page, without places importing them (ADR 0021, 0027).

A higher app registers, in its ``AppConfig.ready``, a callable ``panel(request, place)`` that
returns HTML (or ``""``); ``views.place_detail`` renders them all in registration order.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

PlacePanel = Callable[[HttpRequest, object], str]
_PANELS: list[PlacePanel] = []


def place_panel_register(panel: PlacePanel) -> None:
    """Add ``panel`` to the place page (once, whatever the number of ``ready`` calls)."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def place_panels_render(request: HttpRequest, place: object) -> list[SafeString]:
    """The non-empty HTML of every registered panel for ``place``."""
    rendered = (panel(request, place) for panel in _PANELS)
    return [mark_safe(html) for html in rendered if html]
