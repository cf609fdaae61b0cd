"""Turn costs: the edge-based expansion of a road graph, with OSRM's car turn penalties.

A node-based graph cannot price a turn: the cost of passing node ``v`` depends on the edge a car
arrives by and the edge it leaves by. The usual answer (OSRM, Valhalla) is an *edge-based*
graph, whose states are the directed edges. ``turn_expanded`` builds it as one sparse matrix
over ``2 n + e`` states:

- ``S_e`` for each directed edge ``e = (u -> v)``: "has just driven ``e``, stands at ``v``";
- ``O_v`` (leave ``v``): the start of a trip at ``v``, with an arc ``O_v -> S_f`` of ``time(f)``
  for each edge ``f`` leaving ``v`` (no turn is paid where the trip starts);
- ``I_v`` (arrive at ``v``): the end of a trip at ``v``, with an arc ``S_e -> I_v`` of 0 for
  each edge ``e`` entering ``v``, and ``O_v -> I_v`` of 0 (a trip that starts where it ends);
- a turn ``S_e -> S_f`` (``f`` leaving ``v = head(e)``) of ``turn(e, f) + time(f)``.

``O_v`` has no incoming arc and ``I_v`` no outgoing one, so no path can skip a turn through
them: the shortest ``O_a -> I_b`` time is the fastest drive from ``a`` to ``b`` with every turn
priced. ``RoadGraph`` runs its passes on this matrix when built with ``turn_costs``.

Penalties (OSRM ``profiles/car.lua``, ``process_turn``, right-hand traffic):

- at a node where more than two roads meet (``number_of_roads > 2``), a turn of ``angle``
  degrees (0 straight on, > 0 to the right, < 0 to the left, +-180 back) costs
  ``turn_penalty / (1 + exp(-(13 / bias * angle / 180 - 6.5 * bias)))`` to the right and
  ``turn_penalty / (1 + exp(-(13 * bias * -angle / 180 - 6.5 / bias)))`` to the left, with
  ``turn_penalty`` = 7.5 s and ``bias`` = 1.075: ~0 s straight on, 2.1 s for a right angle to
  the right, 5.4 s to the left; where a road only bends (two roads), nothing;
- a U-turn (leaving by the reverse of the arriving edge) is only allowed where the car cannot
  go on (a dead end, OSRM's default), and costs the sigmoid at 180 degrees plus
  ``u_turn_penalty`` = 20 s.

Not modelled: turn restrictions (``type=restriction`` relations), which the reader does not
read; the traffic-signal penalty is on the edges (see ``osm_profile``), not on the turn.

Pure numpy / scipy: no Django import (checked by import-linter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class TurnCosts:
    """OSRM's car turn penalties (``profiles/car.lua``), seconds.

    Parameters
    ----------
    turn_penalty_s : float
        Largest penalty of a turn (the sigmoid's ceiling), seconds (>= 0). Default 7.5.
    turn_bias : float
        > 1 makes right turns cheaper than left ones (right-hand traffic). Default 1.075.
    u_turn_penalty_s : float
        Added to a U-turn at a dead end, seconds (>= 0). Default 20.
    """

    turn_penalty_s: float = 7.5
    turn_bias: float = 1.075
    u_turn_penalty_s: float = 20.0

    def __post_init__(self) -> None:
        for name in ("turn_penalty_s", "u_turn_penalty_s"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0.0:
                raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
        if not math.isfinite(self.turn_bias) or self.turn_bias <= 0.0:
            raise ValueError(f"turn_bias must be finite and > 0, got {self.turn_bias!r}")

    def seconds(self, angle_deg: npt.ArrayLike) -> FloatArray:
        """Penalty of a turn of ``angle_deg`` degrees (> 0 right, < 0 left), seconds."""
        angle = np.asarray(angle_deg, dtype=np.float64)
        bias = self.turn_bias
        right = self.turn_penalty_s / (1.0 + np.exp(-((13.0 / bias) * angle / 180.0 - 6.5 * bias)))
        left = self.turn_penalty_s / (1.0 + np.exp(-((13.0 * bias) * -angle / 180.0 - 6.5 / bias)))
        return np.where(angle >= 0.0, right, left)


@dataclass(frozen=True, eq=False)
class TurnExpansion:
    """The edge-based graph of a road graph and where its trips start and end."""

    minutes: sparse.csr_matrix
    """Arcs between states, minutes, shape (2 n + e, 2 n + e)."""
    leave: IndexArray
    """State ``O_v`` of each node (a trip starting at ``v``), shape (n,)."""
    arrive: IndexArray
    """State ``I_v`` of each node (a trip ending at ``v``), shape (n,)."""
    turns: int
    """Number of turn arcs ``S_e -> S_f``."""


def bearings_deg(
    lon: FloatArray, lat: FloatArray, tail: IndexArray, head: IndexArray
) -> FloatArray:
    """Initial bearing of each edge ``tail -> head``, degrees clockwise from north (-180..180].

    Edges are short (a segment between two consecutive nodes of a way): the local
    equirectangular plane is exact enough for angles between them.
    """
    dx = (lon[head] - lon[tail]) * np.cos(np.radians((lat[head] + lat[tail]) / 2.0))
    dy = lat[head] - lat[tail]
    return np.degrees(np.arctan2(dx, dy))


def turn_expanded(
    lon: FloatArray,
    lat: FloatArray,
    forward: sparse.csr_matrix,
    costs: TurnCosts,
) -> TurnExpansion:
    """The edge-based graph of ``forward`` (node-based, minutes, sorted CSR) with turn costs.

    Parameters
    ----------
    lon, lat : numpy.ndarray, shape (n,)
        Node coordinates, degrees (WGS84).
    forward : scipy.sparse.csr_matrix, shape (n, n)
        Edge times, minutes (row = tail, column = head), without parallel edges or loops.
    costs : TurnCosts
        The penalties.

    Returns
    -------
    TurnExpansion
        States: ``S_e`` = ``e`` (the edge's position in ``forward``'s CSR order), ``O_v`` =
        ``e_count + v``, ``I_v`` = ``e_count + n + v``.
    """
    n = forward.shape[0]
    indptr = forward.indptr.astype(np.int64)
    head = forward.indices.astype(np.intp)
    e_count = len(head)
    tail = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
    time = np.asarray(forward.data, dtype=np.float64)
    bearing = bearings_deg(lon, lat, tail, head)
    out_degree = np.diff(indptr)

    # Number of roads at each node: distinct neighbours, either direction.
    pairs = np.unique(np.minimum(tail, head).astype(np.int64) * n + np.maximum(tail, head))
    roads = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)

    # Every (e, f) with f leaving head(e): e repeated out_degree(head(e)) times.
    v = head
    repeat = out_degree[v]
    e_of_turn = np.repeat(np.arange(e_count, dtype=np.intp), repeat)
    offset = np.arange(len(e_of_turn), dtype=np.int64) - np.repeat(
        np.cumsum(repeat) - repeat, repeat
    )
    f_of_turn = (indptr[v][e_of_turn] + offset).astype(np.intp)
    node = head[e_of_turn]
    u_turn = head[f_of_turn] == tail[e_of_turn]
    # A U-turn only where the car cannot go on (no other edge leaves the node).
    allowed = ~u_turn | (out_degree[node] == 1)
    e_of_turn, f_of_turn, node, u_turn = (
        e_of_turn[allowed],
        f_of_turn[allowed],
        node[allowed],
        u_turn[allowed],
    )
    angle = (bearing[f_of_turn] - bearing[e_of_turn] + 180.0) % 360.0 - 180.0
    angle = np.where(u_turn, 180.0, angle)
    priced = (roads[node] > 2) | u_turn
    penalty_s = np.where(priced, costs.seconds(angle), 0.0)
    penalty_s = penalty_s + np.where(u_turn, costs.u_turn_penalty_s, 0.0)

    leave = e_count + np.arange(n, dtype=np.intp)
    arrive = e_count + n + np.arange(n, dtype=np.intp)
    rows = np.concatenate((e_of_turn, leave[tail], np.arange(e_count), leave))
    cols = np.concatenate((f_of_turn, np.arange(e_count), arrive[head], arrive))
    data = np.concatenate(
        (time[f_of_turn] + penalty_s / 60.0, time, np.zeros(e_count), np.zeros(n))
    )
    size = e_count + 2 * n
    minutes = sparse.csr_matrix((data, (rows, cols)), shape=(size, size))
    return TurnExpansion(minutes=minutes, leave=leave, arrive=arrive, turns=len(e_of_turn))
