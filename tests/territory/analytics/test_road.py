"""Road-graph travel times: hand-built graphs with known answers, brute force, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from tierslieux.territory.analytics import road
from tierslieux.territory.analytics.road import RoadGraph, RoadNetworkModel
from tierslieux.territory.analytics.travel import NearestResult, TravelTimeModel, haversine_km

INF = np.inf


def graph(n, edges, *, lon=None, lat=None, min_snap_component_nodes=1):
    """Graph of n nodes on the equator, 0.01 degree apart, from (tail, head, minutes) edges."""
    tail, head, minutes = (np.array(column) for column in zip(*edges, strict=True))
    return RoadGraph.from_arrays(
        np.arange(n) * 0.01 if lon is None else lon,
        np.zeros(n) if lat is None else lat,
        tail.astype(int),
        head.astype(int),
        minutes.astype(float),
        min_snap_component_nodes=min_snap_component_nodes,
    )


def two_way(*edges):
    return [e for a, b, m in edges for e in ((a, b, m), (b, a, m))]


def floyd_warshall(n, tail, head, minutes):
    """All-pairs shortest times, written independently of scipy (O(n^3))."""
    d = np.full((n, n), INF)
    np.fill_diagonal(d, 0.0)
    for a, b, m in zip(tail, head, minutes, strict=True):
        d[a, b] = min(d[a, b], m)
    for k in range(n):
        d = np.minimum(d, d[:, k, None] + d[None, k, :])
    return d


def random_graph(seed, n=25, n_edges=45):
    rng = np.random.default_rng(seed)
    lon = 1.0 + rng.uniform(0.0, 0.2, n)
    lat = 45.0 + rng.uniform(0.0, 0.2, n)
    tail = rng.integers(0, n, n_edges)
    head = rng.integers(0, n, n_edges)
    minutes = rng.uniform(0.0, 5.0, n_edges)
    return lon, lat, tail, head, minutes


# --- hand-built graphs ------------------------------------------------------------------------


def test_line_graph_times_to_one_and_to_two_places():
    g = graph(4, two_way((0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)))
    one = g.minutes_from_nearest_source([3])
    assert_allclose(one.minutes, [3.0, 2.0, 1.0, 0.0])
    assert_array_equal(one.index, [0, 0, 0, 0])
    two = g.minutes_from_nearest_source([0, 3])
    assert_allclose(two.minutes, [0.0, 1.0, 1.0, 0.0])
    assert_array_equal(two.index, [0, 0, 1, 1])


def test_diamond_with_a_one_way_is_read_in_the_driving_direction():
    # 0 -> 1 is one-way (1 min); 1 <-> 3 (1 min); 0 <-> 2 and 2 <-> 3 (2 min each).
    g = graph(4, [(0, 1, 1.0), *two_way((1, 3, 1.0), (0, 2, 2.0), (2, 3, 2.0))])
    to_3 = g.minutes_from_nearest_source([3])
    assert to_3.minutes[0] == pytest.approx(2.0)  # 0 -> 1 -> 3
    to_0 = g.minutes_from_nearest_source([0])
    assert to_0.minutes[3] == pytest.approx(4.0)  # 3 -> 2 -> 0: 1 -> 0 is forbidden
    assert to_0.minutes[1] == pytest.approx(5.0)  # 1 -> 3 -> 2 -> 0
    assert_allclose(g.minutes_to_nodes([0, 3, 1], [3, 0]), [[2.0, 0.0], [0.0, 4.0], [1.0, 5.0]])


def test_two_components_are_unreachable():
    g = graph(5, two_way((0, 1, 1.0), (2, 3, 1.0), (3, 4, 1.0)))
    result = g.minutes_from_nearest_source([4])
    assert_allclose(result.minutes, [INF, INF, 2.0, 1.0, 0.0])
    assert_array_equal(result.index, [-1, -1, 0, 0, 0])


def test_parallel_edges_keep_the_fastest_and_loops_are_dropped():
    g = graph(3, [(0, 1, 5.0), (0, 1, 2.0), (0, 1, 7.0), (1, 2, 1.0), (1, 1, 0.0)])
    assert g.n_nodes == 3
    assert g.n_edges == 2
    assert g.minutes[0, 1] == 2.0
    assert_allclose(g.minutes_from_nearest_source([2]).minutes, [3.0, 1.0, 0.0])


def test_a_zero_minute_edge_is_still_an_edge():
    g = graph(3, [(0, 1, 0.0), (1, 2, 1.0)])
    assert g.n_edges == 2
    assert_allclose(g.minutes_from_nearest_source([2]).minutes, [1.0, 1.0, 0.0])
    assert_allclose(g.minutes_to_nodes([0], [1]), [[0.0]])


def test_repeated_sources_report_the_first_position():
    g = graph(3, two_way((0, 1, 1.0), (1, 2, 1.0)))
    result = g.minutes_from_nearest_source([2, 0, 2])
    assert result.index[0] == 1
    assert result.index[2] == 0  # node 2 is listed twice: its first position
    assert result.index[1] in (0, 1)  # node 1 ties: both places are 1 minute away
    assert_allclose(result.minutes, [0.0, 1.0, 0.0])


def test_source_minutes_are_added_at_the_arrival():
    g = graph(4, two_way((0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)))
    # Place A at node 0 but 10 minutes from it; place B at node 3, 0.5 minute from it.
    result = g.minutes_from_nearest_source([0, 3], source_minutes=[10.0, 0.5])
    assert_allclose(result.minutes, [3.5, 2.5, 1.5, 0.5])
    assert_array_equal(result.index, [1, 1, 1, 1])
    same_node = g.minutes_from_nearest_source([3, 3], source_minutes=[2.0, 1.0])
    assert_array_equal(same_node.index, [1, 1, 1, 1])
    assert_allclose(same_node.minutes, [4.0, 3.0, 2.0, 1.0])


def test_no_source_means_no_time():
    g = graph(2, two_way((0, 1, 1.0)))
    result = g.minutes_from_nearest_source(np.empty(0, dtype=int))
    assert_allclose(result.minutes, [INF, INF])
    assert_array_equal(result.index, [-1, -1])


def test_limit_hides_the_far_nodes():
    g = graph(4, two_way((0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)))
    assert_allclose(
        g.minutes_to_nodes([0, 1, 2, 3], [3], limit_minutes=2.0).ravel(), [INF, 2, 1, 0]
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (([0.0, 1.0], [0.0], [0], [1], [1.0]), ValueError),  # lon / lat shapes
        (([0.0, 1.0], [0.0, 0.0], [0], [2], [1.0]), ValueError),  # head out of range
        (([0.0, 1.0], [0.0, 0.0], [0], [1], [-1.0]), ValueError),  # negative time
        (([0.0, 1.0], [0.0, 0.0], [0], [1], [np.nan]), ValueError),
        (([0.0, 1.0], [0.0, 0.0], [0, 1], [1], [1.0]), ValueError),  # edge arrays differ
        (([0.0, 1.0], [0.0, 0.0], [0.5], [1], [1.0]), TypeError),  # float index
    ],
)
def test_bad_arrays_are_refused(args, error):
    with pytest.raises(error):
        RoadGraph.from_arrays(*args)


def test_bad_sources_are_refused():
    g = graph(2, two_way((0, 1, 1.0)))
    with pytest.raises(ValueError):
        g.minutes_from_nearest_source([2])
    with pytest.raises(ValueError):
        g.minutes_from_nearest_source([0], source_minutes=[-1.0])
    with pytest.raises(ValueError):
        g.minutes_from_nearest_source([0], source_minutes=[1.0, 2.0])


# --- brute force on random graphs ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_nearest_source_matches_floyd_warshall(seed):
    lon, lat, tail, head, minutes = random_graph(seed)
    g = RoadGraph.from_arrays(lon, lat, tail, head, minutes)
    d = floyd_warshall(len(lon), tail, head, minutes)
    rng = np.random.default_rng(100 + seed)
    sources = rng.integers(0, len(lon), 4)
    offset = rng.uniform(0.0, 3.0, 4)

    plain = g.minutes_from_nearest_source(sources)
    assert_allclose(plain.minutes, d[:, sources].min(axis=1))
    reached = np.isfinite(plain.minutes)
    assert_array_equal(plain.index >= 0, reached)
    assert_allclose(
        d[np.flatnonzero(reached), sources[plain.index[reached]]], plain.minutes[reached]
    )

    with_offset = g.minutes_from_nearest_source(sources, source_minutes=offset)
    total = d[:, sources] + offset[None, :]
    assert_allclose(with_offset.minutes, total.min(axis=1))
    reached = np.isfinite(with_offset.minutes)
    chosen = total[np.flatnonzero(reached), with_offset.index[reached]]
    assert_allclose(chosen, with_offset.minutes[reached])

    assert_allclose(g.minutes_to_nodes(np.arange(len(lon)), sources), d[:, sources])


@pytest.mark.parametrize("seed", range(6))
def test_model_matches_brute_force(seed, monkeypatch):
    monkeypatch.setattr(road, "MATRIX_CHUNK_CELLS", 60)  # several chunks of two destinations
    lon, lat, tail, head, minutes = random_graph(seed)
    g = RoadGraph.from_arrays(lon, lat, tail, head, minutes, min_snap_component_nodes=1)
    model = RoadNetworkModel(g, access_speed_kmh=12.0, max_snap_km=8.0)
    d = floyd_warshall(len(lon), tail, head, minutes)
    rng = np.random.default_rng(200 + seed)
    o_lon, o_lat = 1.0 + rng.uniform(-0.1, 0.3, 30), 45.0 + rng.uniform(-0.1, 0.3, 30)
    d_lon, d_lat = 1.0 + rng.uniform(0.0, 0.2, 5), 45.0 + rng.uniform(0.0, 0.2, 5)

    def access(plon, plat):
        km = haversine_km(plon[:, None], plat[:, None], lon[None, :], lat[None, :])
        node = km.argmin(axis=1)
        snap_km = km.min(axis=1)
        return node, np.where(snap_km <= 8.0, snap_km / 12.0 * 60.0, INF)

    o_node, o_min = access(o_lon, o_lat)
    d_node, d_min = access(d_lon, d_lat)
    expected = o_min[:, None] + d[np.ix_(o_node, d_node)] + d_min[None, :]

    matrix = model.minutes_matrix(o_lon, o_lat, d_lon, d_lat)
    assert_allclose(matrix, expected)
    nearest = model.minutes_to_nearest(o_lon, o_lat, d_lon, d_lat)
    assert_allclose(nearest.minutes, expected.min(axis=1))
    reached = np.isfinite(nearest.minutes)
    assert_array_equal(nearest.index >= 0, reached)
    assert_allclose(
        expected[np.flatnonzero(reached), nearest.index[reached]], nearest.minutes[reached]
    )
    for budget in (0.0, 4.0, 15.0):
        reach = model.reach_matrix(o_lon, o_lat, d_lon, d_lat, minutes=budget)
        assert reach.shape == (30, 5)
        assert reach.dtype == bool
        assert_array_equal(reach.toarray(), expected <= budget)


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    sources=st.lists(st.integers(0, 24), min_size=0, max_size=5),
    extra=st.integers(0, 24),
)
def test_adding_a_destination_never_increases_a_time(seed, sources, extra):
    lon, lat, tail, head, minutes = random_graph(seed)
    g = RoadGraph.from_arrays(lon, lat, tail, head, minutes, min_snap_component_nodes=1)
    before = g.minutes_from_nearest_source(np.array(sources, dtype=int)).minutes
    after = g.minutes_from_nearest_source(np.array([*sources, extra], dtype=int)).minutes
    assert np.all(after <= before)
    assert after[extra] == 0.0

    model = RoadNetworkModel(g)
    rng = np.random.default_rng(seed)
    o_lon, o_lat = 1.0 + rng.uniform(0.0, 0.2, 10), 45.0 + rng.uniform(0.0, 0.2, 10)
    d_lon, d_lat = lon[sources], lat[sources]
    before = model.minutes_to_nearest(o_lon, o_lat, d_lon, d_lat).minutes
    after = model.minutes_to_nearest(
        o_lon, o_lat, np.append(d_lon, lon[extra]), np.append(d_lat, lat[extra])
    ).minutes
    assert np.all(after <= before)


# --- snapping and the model ---------------------------------------------------------------------


def test_snap_gives_the_nearest_node_and_its_great_circle_distance():
    g = graph(4, two_way((0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)))
    node, km = g.snap([0.012, 0.029, -1.0], [0.0, 0.01, 0.0])
    assert_array_equal(node, [1, 3, 0])
    assert_allclose(km, haversine_km([0.012, 0.029, -1.0], [0.0, 0.01, 0.0], g.node_lon[node], 0.0))
    assert km[0] == pytest.approx(0.2224, abs=1e-4)  # 0.002 degree of the equator


def test_points_do_not_snap_to_small_islands_of_road():
    # Nodes 0-1-2 form a component of 3; nodes 3-4 a component of 2, nearer to the point.
    g = graph(5, two_way((0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)), min_snap_component_nodes=3)
    assert_array_equal(g.snap_nodes, [0, 1, 2])
    node, _ = g.snap([0.04], [0.0])
    assert node[0] == 2
    anywhere = graph(5, two_way((0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)))
    assert anywhere.snap([0.04], [0.0])[0][0] == 4
    # The largest component always qualifies, however small.
    assert len(graph(2, two_way((0, 1, 1.0)), min_snap_component_nodes=1000).snap_nodes) == 2


def test_model_adds_the_access_legs():
    g = graph(4, two_way((0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)))
    model: TravelTimeModel = RoadNetworkModel(g, access_speed_kmh=20.0)
    # Origin 0.01 degree north of node 0 (1.11195 km: 3.3358 min at 20 km/h); place on node 3.
    result = model.minutes_to_nearest([0.0], [0.01], [0.03, 0.0], [0.0, -0.1])
    assert isinstance(result, NearestResult)
    assert result.minutes[0] == pytest.approx(3.0 + 1.11195 * 3.0, abs=1e-4)
    assert_array_equal(result.index, [0])  # the second place is 11 km away: off the network
    matrix = model.minutes_matrix([0.0], [0.01], [0.03, 0.0], [0.0, -0.1])
    assert_allclose(matrix, [[result.minutes[0], INF]])


def test_model_off_network_and_empty_cases():
    g = graph(2, two_way((0, 1, 1.0)))
    model = RoadNetworkModel(g, max_snap_km=1.0)
    far = model.minutes_to_nearest([5.0], [5.0], [0.0], [0.0])
    assert_allclose(far.minutes, [INF])
    assert_array_equal(far.index, [-1])
    none = model.minutes_to_nearest([0.0], [0.0], [], [])
    assert_allclose(none.minutes, [INF])
    assert_array_equal(none.index, [-1])
    assert model.minutes_matrix([0.0], [0.0], [], []).shape == (1, 0)
    assert model.reach_matrix([], [], [0.0], [0.0], minutes=10.0).shape == (0, 1)
    assert model.minutes_to_nearest([], [], [0.0], [0.0]).minutes.shape == (0,)


def test_empty_graph_reaches_nothing():
    g = RoadGraph.from_arrays([], [], np.empty(0, int), np.empty(0, int), [])
    node, km = g.snap([0.0], [0.0])
    assert_array_equal(node, [-1])
    assert_allclose(km, [INF])
    assert_allclose(RoadNetworkModel(g).minutes_to_nearest([0.0], [0.0], [0.0], [0.0]).minutes, INF)


@pytest.mark.parametrize(
    "kwargs", [{"access_speed_kmh": 0.0}, {"access_speed_kmh": np.inf}, {"max_snap_km": -1.0}]
)
def test_bad_model_parameters_are_refused(kwargs):
    with pytest.raises(ValueError):
        RoadNetworkModel(graph(2, two_way((0, 1, 1.0))), **kwargs)


def test_reach_matrix_refuses_a_negative_budget():
    model = RoadNetworkModel(graph(2, two_way((0, 1, 1.0))))
    with pytest.raises(ValueError):
        model.reach_matrix([0.0], [0.0], [0.0], [0.0], minutes=-1.0)
