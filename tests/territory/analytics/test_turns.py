"""Turn costs: OSRM's sigmoid, the edge-based expansion, and passes that price every turn."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tierslieux.territory.analytics.road import RoadGraph
from tierslieux.territory.analytics.turns import TurnCosts, turn_expanded

OSRM = TurnCosts()


def osrm_turn_seconds(angle: float) -> float:
    """``process_turn`` of OSRM's car.lua, written out for one angle (right-hand traffic)."""
    penalty, bias = 7.5, 1.075
    if angle >= 0:
        return penalty / (1 + math.exp(-((13 / bias) * angle / 180 - 6.5 * bias)))
    return penalty / (1 + math.exp(-((13 * bias) * -angle / 180 - 6.5 / bias)))


def test_the_sigmoid_is_osrms():
    angles = np.array([-180.0, -135.0, -90.0, -45.0, 0.0, 45.0, 90.0, 135.0, 180.0])
    assert_allclose(OSRM.seconds(angles), [osrm_turn_seconds(a) for a in angles])
    assert OSRM.seconds(0.0) < 0.01  # straight on: almost free
    assert OSRM.seconds(90.0) == pytest.approx(2.1, abs=0.05)  # right angle to the right
    assert OSRM.seconds(-90.0) == pytest.approx(5.4, abs=0.05)  # to the left, across traffic
    assert OSRM.seconds(-180.0) < 7.5
    with pytest.raises(ValueError):
        TurnCosts(turn_penalty_s=-1.0)
    with pytest.raises(ValueError):
        TurnCosts(turn_bias=0.0)


# A crossroads: centre C (0), arms west W (1), east E (2), north N (3), south S (4), each 1 km
# from the centre and two-way; the arms end there (dead ends). 1 km at 60 km/h = 1 minute.
KM_LAT = 1.0 / 111.195
KM_LON = KM_LAT / math.cos(math.radians(45.0))
LON = np.array([0.0, -KM_LON, KM_LON, 0.0, 0.0])
LAT = 45.0 + np.array([0.0, 0.0, 0.0, KM_LAT, -KM_LAT])
ARMS = [1, 2, 3, 4]
TAIL = np.array([0, 0, 0, 0, 1, 2, 3, 4])
HEAD = np.array([1, 2, 3, 4, 0, 0, 0, 0])


def crossroads(turn_costs):
    return RoadGraph.from_arrays(
        LON, LAT, TAIL, HEAD, np.ones(8), min_snap_component_nodes=1, turn_costs=turn_costs
    )


def test_crossroads_prices_each_turn():
    free = crossroads(None).minutes_to_nodes(ARMS, ARMS)
    priced = crossroads(OSRM).minutes_to_nodes(ARMS, ARMS)
    extra_s = (priced - free) * 60.0
    W, E, N, S = 0, 1, 2, 3  # positions in ARMS
    assert extra_s[W, E] == pytest.approx(OSRM.seconds(0.0), abs=1e-6)  # straight on
    assert extra_s[W, S] == pytest.approx(OSRM.seconds(90.0), abs=1e-3)  # heading east, right
    assert extra_s[W, N] == pytest.approx(OSRM.seconds(-90.0), abs=1e-3)  # left
    assert extra_s[N, W] == pytest.approx(OSRM.seconds(90.0), abs=1e-3)  # heading south, right
    assert np.all(np.diag(extra_s) == 0.0)  # a trip that starts where it ends
    assert extra_s[W, S] < extra_s[W, N]  # right-hand traffic: right turns are cheaper


def test_u_turns_only_at_dead_ends():
    graph = crossroads(OSRM)
    expansion = graph.turns
    assert expansion is not None
    n, e = graph.n_nodes, graph.n_edges
    assert expansion.minutes.shape == (2 * n + e, 2 * n + e)
    # At the centre, 4 in x 3 out (no U-turn: other exits exist); at each dead-end arm, the
    # U-turn is the only way on.
    assert expansion.turns == 4 * 3 + 4
    forward = graph.minutes
    edge = {(t, h): k for k, (t, h) in enumerate(zip(*forward.nonzero(), strict=True))}
    u_turn = expansion.minutes[edge[(0, 1)], edge[(1, 0)]]
    assert u_turn == pytest.approx(1.0 + (OSRM.seconds(180.0) + 20.0) / 60.0)
    assert expansion.minutes[edge[(1, 0)], edge[(0, 1)]] == 0.0  # no U-turn at the centre


def test_a_bend_is_free():
    """Where only two roads meet (a way that bends), no turn is priced, whatever the angle."""
    lon = np.array([0.0, 0.01, 0.01])
    lat = np.array([45.0, 45.0, 45.01])
    tail, head = np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1])
    free = RoadGraph.from_arrays(lon, lat, tail, head, np.ones(4), min_snap_component_nodes=1)
    priced = RoadGraph.from_arrays(
        lon, lat, tail, head, np.ones(4), min_snap_component_nodes=1, turn_costs=OSRM
    )
    assert_allclose(priced.minutes_to_nodes([0, 2], [2, 0]), free.minutes_to_nodes([0, 2], [2, 0]))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 12),
    edges=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.1, 10.0)), max_size=40
    ),
    seed=st.integers(0, 1000),
)
def test_without_penalties_the_expansion_changes_nothing(n, edges, seed):
    """With zero penalties the edge-based passes equal the node-based ones: a shortest path
    never needs a U-turn (it would come back to a node it has left)."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(0, 0.1, n), rng.uniform(45, 45.1, n)
    edges = [(a % n, b % n, w) for a, b, w in edges]
    tail = np.array([a for a, _, _ in edges], dtype=np.intp)
    head = np.array([b for _, b, _ in edges], dtype=np.intp)
    weight = np.array([w for _, _, w in edges])
    zero = TurnCosts(turn_penalty_s=0.0, u_turn_penalty_s=0.0)
    node = RoadGraph.from_arrays(lon, lat, tail, head, weight, min_snap_component_nodes=1)
    edge = RoadGraph.from_arrays(
        lon, lat, tail, head, weight, min_snap_component_nodes=1, turn_costs=zero
    )
    everyone = np.arange(n)
    assert_allclose(
        edge.minutes_to_nodes(everyone, everyone), node.minutes_to_nodes(everyone, everyone)
    )
    sources = rng.choice(n, size=min(3, n), replace=False)
    a, b = node.minutes_from_nearest_source(sources), edge.minutes_from_nearest_source(sources)
    assert_allclose(a.minutes, b.minutes)
    offsets = rng.uniform(0, 2, len(sources))
    a = node.minutes_from_nearest_source(sources, source_minutes=offsets)
    b = edge.minutes_from_nearest_source(sources, source_minutes=offsets)
    assert_allclose(a.minutes, b.minutes)


def test_nearest_source_pass_agrees_with_the_matrix_under_turn_costs():
    rng = np.random.default_rng(4)
    side = 8
    row, col = np.divmod(np.arange(side * side), side)
    lon, lat = col * 0.01 + rng.uniform(-0.002, 0.002, side * side), 45 + row * 0.007
    grid = np.arange(side * side).reshape(side, side)
    a = np.concatenate((grid[:, :-1].ravel(), grid[:-1, :].ravel()))
    b = np.concatenate((grid[:, 1:].ravel(), grid[1:, :].ravel()))
    tail, head = np.concatenate((a, b)), np.concatenate((b, a))
    weight = rng.uniform(0.5, 1.5, len(tail))
    graph = RoadGraph.from_arrays(
        lon, lat, tail, head, weight, min_snap_component_nodes=1, turn_costs=OSRM
    )
    sources = np.array([0, 27, 63])
    nearest = graph.minutes_from_nearest_source(sources)
    matrix = graph.minutes_to_nodes(np.arange(side * side), sources)
    assert_allclose(nearest.minutes, matrix.min(axis=1))
    assert np.all(sources[nearest.index] == sources[matrix.argmin(axis=1)])
    offsets = np.array([0.5, 0.0, 2.0])
    with_offsets = graph.minutes_from_nearest_source(sources, source_minutes=offsets)
    assert_allclose(with_offsets.minutes, (matrix + offsets).min(axis=1))
    # Turns cost time: never faster than the same graph without them.
    free = RoadGraph.from_arrays(lon, lat, tail, head, weight, min_snap_component_nodes=1)
    assert np.all(nearest.minutes >= free.minutes_from_nearest_source(sources).minutes - 1e-12)


def test_expansion_states_are_laid_out_as_documented():
    graph = crossroads(OSRM)
    e, n = graph.n_edges, graph.n_nodes
    expansion = turn_expanded(graph.node_lon, graph.node_lat, graph.minutes, OSRM)
    assert expansion.leave.tolist() == list(range(e, e + n))
    assert expansion.arrive.tolist() == list(range(e + n, e + 2 * n))
    # I_v has no outgoing arc, O_v no incoming one.
    out_degree = np.diff(expansion.minutes.indptr)
    assert np.all(out_degree[expansion.arrive] == 0)
    assert not np.isin(expansion.leave, expansion.minutes.indices).any()
