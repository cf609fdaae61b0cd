"""Panels higher apps add to a programme's page without this app importing them (the same
extension point as ``places.panels``; ADR 0033): the dashboard shows the programme's yearly
grants (its ``OtherGrant`` rows) this way."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

ProgrammePanel = Callable[[HttpRequest, object], str]
_PANELS: list[ProgrammePanel] = []


def programme_panel_register(panel: ProgrammePanel) -> None:
    """Add ``panel`` to the programme page (once, whatever the number of ``ready`` calls)."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def programme_panels_render(request: HttpRequest, programme: object) -> list[SafeString]:
    """The non-empty HTML of every registered panel for ``programme``."""
    rendered = (panel(request, programme) for panel in _PANELS)
    return [mark_safe(html) for html in rendered if html]
