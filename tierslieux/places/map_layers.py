"""Extra layers of the public map, registered by higher apps (ADR 0032).

The directory is a lower layer than, for instance, the premises on offer and never imports
them (docs/adr/0021): a higher app registers a layer when it is ready (``AppConfig.ready``),
the map page lists the registered layers in its configuration and ``static/js/map.js`` draws
each as a toggleable overlay fed by its GeoJSON URL. A feature's properties give ``title``,
``url``, ``commune_name`` and, when the layer says so, ``figure`` (a count the popup states with
the layer's ``figure_label``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class MapLayer:
    key: str
    """Short name, also the CSS modifier of its markers (``map-marker--<key>``)."""
    label: Any
    """Name in the layer control (a lazy translation)."""
    url_name: str
    """URL name of the GeoJSON feed."""
    figure_label: Any = ""
    """Text of the popup's figure, with ``%(count)s`` (a lazy translation, may be empty)."""
    figure_values: Callable[[], dict[str, str]] = field(default=dict)
    """More placeholders of ``figure_label`` (computed when the page is rendered)."""


_layers: dict[str, MapLayer] = {}


def map_layer_register(layer: MapLayer) -> None:
    """Called by a higher app when it is ready; registering the same key again replaces it."""
    _layers[layer.key] = layer


def map_layers_config() -> list[dict[str, str]]:
    """The registered layers as the map's configuration (strings resolved now), by key."""
    rows = []
    for key in sorted(_layers):
        layer = _layers[key]
        figure = str(layer.figure_label) % {"count": "%(count)s", **layer.figure_values()}
        rows.append(
            {
                "key": layer.key,
                "label": str(layer.label),
                "url": reverse(layer.url_name),
                "figureLabel": figure,
            }
        )
    return rows
