"""OSM extract reader: tag rules, a hand-written extract with known edges, the disk cache, and
the real Monaco extract (tests/data/osm, © OpenStreetMap contributors, ODbL 1.0)."""

import math
import os
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse.csgraph import connected_components

from tierslieux.territory import osm
from tierslieux.territory.analytics.road import RoadNetworkModel
from tierslieux.territory.analytics.travel import EARTH_RADIUS_KM, TravelTimeModel
from tierslieux.territory.osm import (
    DEFAULT_SPEEDS_KMH,
    OsmReadError,
    is_car_accessible,
    maxspeed_kmh,
    road_network_cached,
    road_network_read,
    way_directions,
)

MONACO = Path(__file__).parent.parent / "data" / "osm" / "monaco.osm.pbf"
KM_PER_CENTIDEGREE = math.pi * EARTH_RADIUS_KM / 180.0 * 0.01
"""Length of 0.01 degree of a meridian, km."""


# --- tag rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", 50.0),
        (" 90 ", 90.0),
        ("50 km/h", 50.0),
        ("50 mph", 80.4672),
        ("30 knots", 55.56),
        ("FR:urban", 50.0),
        ("FR:rural", 80.0),
        ("FR:motorway", 130.0),
        ("FR:zone30", 30.0),
        ("90;70", 70.0),
        ("none", None),
        ("signals", None),
        ("variable", None),
        ("DE:urban", None),
        ("0", None),
        ("", None),
        (None, None),
    ],
)
def test_maxspeed_parsing(value, expected):
    if expected is None:
        assert maxspeed_kmh(value) is None
    else:
        assert maxspeed_kmh(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("highway", "oneway", "junction", "expected"),
    [
        ("primary", None, None, (True, True)),
        ("primary", "yes", None, (True, False)),
        ("primary", "1", None, (True, False)),
        ("primary", "true", None, (True, False)),
        ("primary", "-1", None, (False, True)),
        ("primary", "no", None, (True, True)),
        ("motorway", None, None, (True, False)),
        ("motorway", "no", None, (True, True)),
        ("tertiary", None, "roundabout", (True, False)),
        ("tertiary", None, "circular", (True, False)),
        ("unclassified", "reversible", None, None),
    ],
)
def test_way_directions(highway, oneway, junction, expected):
    assert way_directions(highway, oneway, junction) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({}, True),
        ({"access": "no"}, False),
        ({"access": "private"}, False),
        ({"access": "destination"}, True),
        ({"motor_vehicle": "no"}, False),
        ({"motorcar": "no", "access": "yes"}, False),
        ({"access": "private", "motor_vehicle": "yes"}, True),
        ({"access": "no", "motorcar": "destination"}, True),
        ({"vehicle": "agricultural"}, False),
    ],
)
def test_car_access(tags, expected):
    assert is_car_accessible(tags) is expected


# --- a hand-written extract ---------------------------------------------------------------------

# Node i stands at (1.0 E, 45 + 0.01 i N): consecutive nodes are 1.11195 km apart.
WAYS = [
    (101, [1, 2, 3], {"highway": "residential"}),
    (102, [3, 4], {"highway": "primary", "oneway": "yes", "maxspeed": "50"}),
    (103, [4, 5], {"highway": "secondary", "oneway": "-1"}),
    (104, [5, 6], {"highway": "motorway", "maxspeed": "FR:motorway"}),
    (105, [6, 7], {"highway": "tertiary", "junction": "roundabout"}),
    (106, [7, 8], {"highway": "residential", "access": "private"}),
    (107, [7, 9], {"highway": "residential", "access": "private", "motor_vehicle": "yes"}),
    (108, [9, 10], {"highway": "footway"}),
    (109, [9, 11], {"highway": "service", "area": "yes"}),
    (110, [9, 12, 99], {"highway": "residential"}),  # node 99 is not in the extract
    (111, [12, 13], {"highway": "unclassified", "oneway": "reversible"}),
    (112, [1, 13], {"highway": "primary", "maxspeed": "70", "maxspeed:forward": "30"}),
    (113, [2, 14], {"highway": "motorway", "oneway": "no"}),
    (114, [3, 15], {"highway": "residential", "motorcar": "no"}),
]


def write_extract(path: Path, ways=WAYS, node_ids=range(1, 16)) -> Path:
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="test">']
    for i in node_ids:
        lines.append(f'<node id="{i}" version="1" lat="{45 + 0.01 * i:.2f}" lon="1.0"/>')
    for way_id, refs, tags in ways:
        lines.append(f'<way id="{way_id}" version="1">')
        lines.extend(f'<nd ref="{ref}"/>' for ref in refs)
        lines.extend(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def node_numbers(network):
    """The hand-written node number of each network node, from its position (45 + 0.01 i N)."""
    return np.rint((network.node_lat - 45.0) / 0.01).astype(np.int64)


def edges_by_osm_id(network):
    ids = node_numbers(network)
    return {
        (int(ids[a]), int(ids[b])): (float(m), int(w))
        for a, b, m, w in zip(
            network.edge_from,
            network.edge_to,
            network.edge_minutes,
            network.edge_way_id,
            strict=True,
        )
    }


def minutes(centidegrees: float, kmh: float) -> float:
    return centidegrees * KM_PER_CENTIDEGREE / kmh * 60.0


def test_hand_written_extract_gives_the_expected_edges(tmp_path):
    network = road_network_read(write_extract(tmp_path / "small.osm"))
    # Nodes are identified by position; the OSM id is kept where a node ends a kept way (node
    # 12 is only inside way 110: way 111, which it ends, is reversible and left out).
    assert_array_equal(node_numbers(network), [1, 2, 3, 4, 5, 6, 7, 9, 12, 13, 14])
    assert_array_equal(network.node_osm_id, [1, 2, 3, 4, 5, 6, 7, 9, -1, 13, 14])
    assert_allclose(network.node_lon, 1.0)
    assert_allclose(network.node_lat, 45 + 0.01 * node_numbers(network), atol=1e-7)
    assert not network.node_signal.any()
    expected = {
        (1, 2): (minutes(1, 30), 101),
        (2, 1): (minutes(1, 30), 101),
        (2, 3): (minutes(1, 30), 101),
        (3, 2): (minutes(1, 30), 101),
        (3, 4): (minutes(1, 50 * 0.85), 102),  # oneway, maxspeed
        (5, 4): (minutes(1, 60), 103),  # oneway=-1
        (5, 6): (minutes(1, 130 * 0.85), 104),  # implied oneway, FR:motorway
        (6, 7): (minutes(1, 50), 105),  # roundabout
        (7, 9): (minutes(2, 30), 107),  # private but motor_vehicle=yes
        (9, 7): (minutes(2, 30), 107),
        (9, 12): (minutes(3, 30), 110),  # the segment to the missing node is dropped
        (12, 9): (minutes(3, 30), 110),
        (1, 13): (minutes(12, 30 * 0.85), 112),  # maxspeed:forward
        (13, 1): (minutes(12, 70 * 0.85), 112),
        (2, 14): (minutes(12, 115), 113),  # motorway, oneway=no
        (14, 2): (minutes(12, 115), 113),
    }
    got = edges_by_osm_id(network)
    assert got.keys() == expected.keys()
    for key, (m, way) in expected.items():
        assert got[key][0] == pytest.approx(m, rel=1e-6), key
        assert got[key][1] == way, key
    assert_allclose(network.edge_km / network.edge_minutes * 60.0 > 0, True)
    assert network.n_nodes == 11
    assert network.n_edges == 16
    assert network.source_path.endswith("small.osm")


def test_speed_table_decides_which_classes_are_drivable(tmp_path):
    speeds = {k: v for k, v in DEFAULT_SPEEDS_KMH.items() if k != "residential"}
    network = road_network_read(write_extract(tmp_path / "small.osm"), speeds_kmh=speeds)
    assert 101 not in set(network.edge_way_id.tolist())
    assert 1 in network.node_osm_id  # still used by way 112
    assert network.params != road_network_read(tmp_path / "small.osm").params


def test_graph_of_the_hand_written_extract_respects_one_ways(tmp_path):
    network = road_network_read(write_extract(tmp_path / "small.osm"))
    g = network.to_graph(min_snap_component_nodes=1)
    index = {int(number): i for i, number in enumerate(node_numbers(network))}
    there, back = g.minutes_to_nodes([index[3], index[4]], [index[4], index[3]]).diagonal()
    assert there == pytest.approx(minutes(1, 42.5))
    assert back == np.inf  # 4 -> 3 is against the oneway and 4 is a dead end (5 -> 4 only)


@pytest.mark.parametrize(
    "ways",
    [
        [(1, [1, 2], {"highway": "footway"})],
        [(1, [1, 2], {"highway": "residential", "access": "no"})],
        [(1, [1], {"highway": "residential"})],
    ],
)
def test_an_extract_without_drivable_road_is_refused(tmp_path, ways):
    with pytest.raises(OsmReadError, match="no drivable way"):
        road_network_read(write_extract(tmp_path / "empty.osm", ways=ways))


def test_missing_or_corrupt_file_is_refused(tmp_path):
    with pytest.raises(OsmReadError, match="no such file"):
        road_network_read(tmp_path / "missing.osm.pbf")
    with pytest.raises(OsmReadError, match="no such file"):
        road_network_cached(tmp_path / "missing.osm.pbf", tmp_path / "cache")
    corrupt = tmp_path / "corrupt.osm.pbf"
    corrupt.write_bytes(b"\x00\x00\x00\x0dthis is not a pbf")
    with pytest.raises(OsmReadError):
        road_network_read(corrupt)


@pytest.mark.parametrize("kwargs", [{"speeds_kmh": {"primary": 0.0}}, {"maxspeed_factor": -1.0}])
def test_bad_parameters_are_refused(tmp_path, kwargs):
    with pytest.raises(ValueError):
        road_network_read(write_extract(tmp_path / "small.osm"), **kwargs)


# --- the disk cache -----------------------------------------------------------------------------


def test_cache_is_written_once_then_loaded(tmp_path, monkeypatch):
    extract = write_extract(tmp_path / "small.osm")
    cache = tmp_path / "cache"
    calls = []
    real_read = osm.road_network_read

    def counting_read(*args, **kwargs):
        calls.append(args)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(osm, "road_network_read", counting_read)

    first = road_network_cached(extract, cache)
    files = list(cache.glob("*.npz"))
    assert len(calls) == 1
    assert len(files) == 1
    assert not list(cache.glob("*.tmp"))
    mtime = files[0].stat().st_mtime_ns

    second = road_network_cached(extract, cache)
    assert len(calls) == 1  # loaded, not read again
    assert files[0].stat().st_mtime_ns == mtime
    for name in ("node_lon", "node_lat", "node_osm_id", "edge_from", "edge_to", "edge_minutes"):
        assert_array_equal(getattr(second, name), getattr(first, name))
    assert second.params == first.params
    assert second.source_path == first.source_path

    # Another speed table, or other file bytes, is another key.
    road_network_cached(extract, cache, {**DEFAULT_SPEEDS_KMH, "residential": 20.0})
    assert len(calls) == 2
    write_extract(extract, ways=WAYS[:3])
    os.utime(extract, ns=(mtime, mtime))  # same mtime: the key follows the content
    changed = road_network_cached(extract, cache)
    assert len(calls) == 3
    assert changed.n_edges < first.n_edges
    assert len(list(cache.glob("*.npz"))) == 3


# --- the real Monaco extract --------------------------------------------------------------------

# Fixed places (WGS84): the Prince's Palace, the Casino, the Louis II stadium.
PLACES_LON = np.array([7.4203, 7.4278, 7.4156])
PLACES_LAT = np.array([43.7314, 43.7394, 43.7277])
FONTVIEILLE = (7.4130, 43.7270)
LARVOTTO = (7.4390, 43.7480)


@pytest.fixture(scope="module")
def monaco():
    network = road_network_read(MONACO)
    return network, network.to_graph()


def test_monaco_reads(monaco):
    network, g = monaco
    # 180,118 nodes and 27,377 ways in the file; the car network keeps these. Nodes are
    # identified by position: OSM nodes 2571904255 and 3479387901 stand at the very same point
    # (7.3813473 E, 43.7586068 N), joined by a zero-length segment, and count as one node.
    assert network.n_nodes == 15_711
    assert network.n_edges == 27_573
    assert g.n_nodes == 15_711
    assert g.n_edges == 27_573
    assert 7.34 < network.node_lon.min() < network.node_lon.max() < 7.50
    assert 43.71 < network.node_lat.min() < network.node_lat.max() < 43.78
    assert np.all(np.isfinite(network.edge_minutes))
    assert np.all(network.edge_minutes >= 0.0)
    order = np.lexsort((network.node_lat, network.node_lon))
    assert_array_equal(order, np.arange(network.n_nodes))  # sorted by position
    known = network.node_osm_id[network.node_osm_id >= 0]
    assert len(np.unique(known)) == len(known) > 2_000  # way ends keep their OSM id


def test_monaco_every_node_of_the_main_component_reaches_a_place(monaco):
    _, g = monaco
    node, snap_km = g.snap(PLACES_LON, PLACES_LAT)
    assert np.all(snap_km < 0.15)
    _, label = connected_components(g.minutes, directed=True, connection="strong")
    main = label == np.bincount(label).argmax()
    assert main.sum() == 14_359
    assert np.all(main[node])
    result = g.minutes_from_nearest_source(node)
    assert np.all(np.isfinite(result.minutes[main]))
    assert np.all(result.index[main] >= 0)
    # The farthest corner of the extract (up the hill, Beausoleil / La Turbie) is < 25 minutes.
    assert result.minutes[main].max() < 25.0
    assert np.median(result.minutes[main]) < 6.0


def test_monaco_across_the_principality_takes_a_few_minutes(monaco):
    _, g = monaco
    model = RoadNetworkModel(g)
    as_protocol: TravelTimeModel = model  # the road model is a TravelTimeModel
    assert as_protocol is model
    ends_lon = [FONTVIEILLE[0], LARVOTTO[0]]
    ends_lat = [FONTVIEILLE[1], LARVOTTO[1]]
    matrix = model.minutes_matrix(ends_lon, ends_lat, ends_lon, ends_lat)
    there, back = matrix[0, 1], matrix[1, 0]
    _, access_minutes = model.access(ends_lon, ends_lat)
    assert_allclose(matrix.diagonal(), 2.0 * access_minutes)  # to the node and back
    assert np.all(access_minutes < 1.0)
    # About 3.5 km by road between the two ends of Monaco.
    assert 2.0 < there < 15.0
    assert 2.0 < back < 15.0
    nearest = model.minutes_to_nearest([FONTVIEILLE[0]], [FONTVIEILLE[1]], PLACES_LON, PLACES_LAT)
    assert nearest.index[0] == 2  # the stadium, in Fontvieille
    assert nearest.minutes[0] < 3.0
    reach = model.reach_matrix(ends_lon, ends_lat, PLACES_LON, PLACES_LAT, minutes=5.0)
    full = model.minutes_matrix(ends_lon, ends_lat, PLACES_LON, PLACES_LAT)
    assert reach.nnz > 0
    assert_array_equal(reach.toarray(), full <= 5.0)


def test_monaco_one_way_street_is_respected(monaco):
    # Rue des Açores (way 167625738: highway=residential, oneway=yes), nodes 25194146 -> 25194165.
    network, g = monaco
    way = network.edge_way_id == 167625738
    assert way.sum() == 1
    a, b = network.edge_from[way][0], network.edge_to[way][0]
    assert (network.node_osm_id[a], network.node_osm_id[b]) == (25194146, 25194165)
    assert not np.any((network.edge_from == b) & (network.edge_to == a))
    there, back = g.minutes_to_nodes([a, b], [b, a]).diagonal()
    assert there == pytest.approx(network.edge_km[way][0] / 30.0 * 60.0)
    assert back > 5 * there  # the way back goes round the block


def test_monaco_cache_round_trip(tmp_path):
    first = road_network_cached(MONACO, tmp_path)
    second = road_network_cached(MONACO, tmp_path)
    assert_array_equal(first.edge_minutes, second.edge_minutes)
    assert second.n_nodes == 15_711
