"""Road costs like a routing engine's: traffic-signal and turn penalties lengthen times as
expected, on a hand-written extract and on the real Monaco extract (tests/data/osm, ©
OpenStreetMap contributors, ODbL 1.0)."""

import itertools
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse.csgraph import dijkstra

from tierslieux.territory.analytics.road import RoadGraph
from tierslieux.territory.analytics.turns import TurnCosts
from tierslieux.territory.osm import (
    DEFAULT_TRAFFIC_SIGNAL_S,
    OSRM_CAR_SPEEDS_KMH,
    OSRM_SPEED_REDUCTION,
    road_network_read,
)

MONACO = Path(__file__).parent.parent / "data" / "osm" / "monaco.osm.pbf"
PENALTY_MIN = DEFAULT_TRAFFIC_SIGNAL_S / 60.0


def street_with_signals(path: Path, signals: set[int]) -> Path:
    """Nodes 1..6 along a meridian, one residential way through them; signals on some."""
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="test">']
    for i in range(1, 7):
        tag = '<tag k="highway" v="traffic_signals"/>' if i in signals else ""
        lines.append(f'<node id="{i}" version="1" lat="{45 + 0.01 * i:.2f}" lon="1.0">{tag}</node>')
    lines.append('<way id="1" version="1">')
    lines.extend(f'<nd ref="{i}"/>' for i in range(1, 7))
    lines.append('<tag k="highway" v="residential"/></way></osm>')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_each_signal_passed_costs_the_penalty(tmp_path):
    plain = road_network_read(street_with_signals(tmp_path / "plain.osm", set()))
    signals = road_network_read(street_with_signals(tmp_path / "signals.osm", {2, 3, 4}))
    assert signals.node_signal.sum() == 3
    ends = [0, plain.n_nodes - 1]
    before = plain.to_graph(min_snap_component_nodes=1).minutes_to_nodes(ends, ends)
    after = signals.to_graph(min_snap_component_nodes=1).minutes_to_nodes(ends, ends)
    # Through nodes 2, 3, 4 from either end: three signals, 3 x 2 s.
    assert after[0, 1] - before[0, 1] == pytest.approx(3 * PENALTY_MIN)
    assert after[1, 0] - before[1, 0] == pytest.approx(3 * PENALTY_MIN)
    without = road_network_read(tmp_path / "signals.osm", traffic_signal_s=0.0)
    assert_allclose(without.edge_minutes, plain.edge_minutes)
    assert without.params != signals.params  # another cache key
    with pytest.raises(ValueError):
        road_network_read(tmp_path / "signals.osm", traffic_signal_s=-1.0)


@pytest.fixture(scope="module")
def monaco():
    return road_network_read(MONACO), road_network_read(MONACO, traffic_signal_s=0.0)


def test_monaco_signals_add_the_penalty_to_the_edges_entering_them(monaco):
    with_signals, without = monaco
    assert with_signals.node_signal.sum() == 21  # highway=traffic_signals on the road network
    assert_array_equal(with_signals.edge_to, without.edge_to)
    extra = with_signals.edge_minutes - without.edge_minutes
    entering = with_signals.node_signal[with_signals.edge_to]
    assert entering.sum() > 21
    assert_allclose(extra[entering], PENALTY_MIN)
    assert_allclose(extra[~entering], 0.0)


def test_monaco_a_route_through_n_signals_costs_n_penalties_more(monaco):
    with_signals, without = monaco
    g0 = without.to_graph()
    g1 = with_signals.to_graph()
    origins = g0.snap_nodes[:: len(g0.snap_nodes) // 40][:40]
    distance, predecessors = dijkstra(g0.minutes, indices=origins, return_predecessors=True)
    penalised = dijkstra(g1.minutes, indices=origins)
    checked = 0
    for row, origin in enumerate(origins):
        # The farthest node reached: a long route across the principality.
        target = int(np.argmax(np.where(np.isfinite(distance[row]), distance[row], -1)))
        path, node = [target], target
        while node != origin:
            node = int(predecessors[row, node])
            path.append(node)
        path = path[::-1]
        n_signals = int(with_signals.node_signal[path[1:]].sum())  # signals entered
        same_path = sum(g1.minutes[a, b] for a, b in itertools.pairwise(path))
        assert same_path == pytest.approx(distance[row, target] + n_signals * PENALTY_MIN)
        # The fastest route with signals may avoid some: never more than the same path.
        assert distance[row, target] - 1e-9 <= penalised[row, target] <= same_path + 1e-9
        checked += n_signals > 0
    assert checked >= 5  # most long routes cross signals


def test_monaco_turn_costs_lengthen_every_trip(monaco):
    network, _ = monaco
    places = network.to_graph().snap(np.array([7.4203, 7.4278]), np.array([43.7314, 43.7394]))[0]
    free = network.to_graph().minutes_from_nearest_source(places).minutes
    graph = network.to_graph(turn_costs=TurnCosts())
    turned = graph.minutes_from_nearest_source(places).minutes
    reached = np.isfinite(free)
    assert_array_equal(np.isfinite(turned[reached]), True)
    extra_s = (turned[reached] - free[reached]) * 60.0
    assert extra_s.min() >= -1e-6  # a turn never saves time
    assert 2.0 < np.median(extra_s) < 120.0  # seconds: a few turns on a trip of a few minutes
    assert graph.turns is not None and graph.turns.turns > graph.n_edges


def test_osrm_speed_table_gives_slower_residential_streets(tmp_path):
    path = street_with_signals(tmp_path / "street.osm", set())
    ours = road_network_read(path)
    osrm = road_network_read(
        path, speeds_kmh=OSRM_CAR_SPEEDS_KMH, maxspeed_factor=OSRM_SPEED_REDUCTION
    )
    assert_allclose(osrm.edge_minutes / ours.edge_minutes, 30.0 / 25.0)
    graph = RoadGraph.from_arrays(
        osrm.node_lon, osrm.node_lat, osrm.edge_from, osrm.edge_to, osrm.edge_minutes
    )
    assert graph.n_edges == osrm.n_edges


def test_speed_factor_per_road_class(tmp_path):
    """``maxspeed_factor`` may be set per ``highway`` class; the classes left out use 0.85."""
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="test">']
    lines += [
        f'<node id="{i}" version="1" lat="{45 + 0.01 * i:.2f}" lon="1.0"/>' for i in (1, 2, 3)
    ]
    for way_id, refs, highway in ((1, (1, 2), "primary"), (2, (2, 3), "residential")):
        lines.append(f'<way id="{way_id}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines.append(f'<tag k="highway" v="{highway}"/><tag k="maxspeed" v="50"/></way>')
    path = tmp_path / "classes.osm"
    path.write_text("\n".join([*lines, "</osm>"]), encoding="utf-8")
    network = road_network_read(path, maxspeed_factor={"primary": 0.9})
    kmh = network.edge_km / network.edge_minutes * 60.0
    primary = network.edge_way_id == 1
    assert_allclose(kmh[primary], 45.0, rtol=1e-6)
    assert_allclose(kmh[~primary], 42.5, rtol=1e-6)
    assert network.params != road_network_read(path).params
    with pytest.raises(ValueError):
        road_network_read(path, maxspeed_factor={"primary": 0.0})
