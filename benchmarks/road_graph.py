"""Road-graph benchmark: one multi-source pass against the passes a user would write by hand.

Run from the repository root (networkx comes with the bench dependency group)::

    uv run --group bench python benchmarks/road_graph.py

Two parts, in one run, with their figures printed and written to
``benchmarks/results/road_graph.json``:

1. A synthetic road-like graph of one million nodes: a 1000 x 1000 grid of nodes about 150 m
   apart (a 150 km square around the Landes), each node moved at random by up to +-30 % of the
   spacing; every 40th row and column is an arterial road at 80 km/h, kept whole; each local
   street is kept with probability 0.66 (above the 0.5 bond-percolation threshold of the grid:
   one giant component plus small islands, as in real rural networks) and driven at 30-50 km/h;
   5 % of the local streets are one-way. Mean degree about 2.7. 300 places (sources) at random
   nodes of the main component. Figures: build of ``RoadGraph``, the single
   ``dijkstra(min_only=True)`` pass, the same through ``RoadNetworkModel`` for the 65,424 cells
   of the Nouvelle-Aquitaine 1 km grid (snap + pass), a 20-minute ``reach_matrix`` for those
   cells; then the naive alternatives: one scipy Dijkstra per place (measured on a sample of
   places, extrapolated linearly to all of them) and networkx's ``multi_source_dijkstra``
   (pure Python, measured in full), with the ratios. Results are checked to agree.
2. The real Monaco extract (``tests/data/osm/monaco.osm.pbf``, © OpenStreetMap contributors,
   ODbL 1.0): read + build + pass.

Memory: ``peak_rss_mib`` is the process's peak resident set during the step (Linux: VmHWM,
reset before each step through ``/proc/self/clear_refs``; elsewhere the process-wide
``ru_maxrss``), ``rss_before_mib`` the resident set when the step started; ``traced_peak_mib``
the peak of memory allocated during the step as seen by ``tracemalloc`` (numpy arrays included),
from a second, traced run of the step (the timings come from the untraced run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.sparse.csgraph import dijkstra

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tierslieux.territory.analytics.road import RoadGraph, RoadNetworkModel  # noqa: E402
from tierslieux.territory.analytics.travel import haversine_km  # noqa: E402
from tierslieux.territory.osm import road_network_read  # noqa: E402

MONACO = ROOT / "tests" / "data" / "osm" / "monaco.osm.pbf"
RESULTS = ROOT / "benchmarks" / "results" / "road_graph.json"
MIB = 1024.0 * 1024.0
_PEAKS: list[float] = []


def _status_kib(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _rss_mib() -> float:
    kib = _status_kib("VmRSS")
    return kib / 1024.0 if kib is not None else float("nan")


def _peak_mib() -> float:
    kib = _status_kib("VmHWM")
    if kib is None:  # not Linux: ru_maxrss is KiB on Linux, bytes on macOS
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return maxrss / (MIB if sys.platform == "darwin" else 1024.0)
    return kib / 1024.0


def measure(
    name: str, step: Callable[[], Any], *, traced: bool = True
) -> tuple[Any, dict[str, float]]:
    """Run ``step`` once untraced (time, peak RSS) and, if ``traced``, once under tracemalloc."""
    exact_peak = _reset_peak()
    rss_before = _rss_mib()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    figures = {
        "seconds": round(seconds, 3),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
    }
    _PEAKS.append(figures["peak_rss_mib"])
    if not exact_peak:
        figures["peak_rss_is_process_wide"] = True
    if traced:
        del result
        tracemalloc.start()
        result = step()
        figures["traced_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / MIB, 1)
        tracemalloc.stop()
    extra = "".join(f"  {k} {v}" for k, v in figures.items() if k != "seconds")
    print(f"  {name:<52} {seconds:8.3f} s{extra}", flush=True)
    return result, figures


def synthetic_road_graph(
    side: int = 1000, seed: int = 42
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Node coordinates (deg) and directed edges (minutes) of the perturbed-grid road graph."""
    rng = np.random.default_rng(seed)
    n = side * side
    row, col = np.divmod(np.arange(n), side)
    dlat, dlon = 0.00135, 0.0019  # about 150 m at 44.7 N
    lat = 44.0 + row * dlat + rng.uniform(-0.3, 0.3, n) * dlat
    lon = -1.0 + col * dlon + rng.uniform(-0.3, 0.3, n) * dlon
    node = np.arange(n).reshape(side, side)
    arterial_every = 40
    tail = np.concatenate((node[:, :-1].ravel(), node[:-1, :].ravel()))
    head = np.concatenate((node[:, 1:].ravel(), node[1:, :].ravel()))
    arterial = np.concatenate(
        (
            np.repeat(np.arange(side) % arterial_every == 0, side - 1),  # along a row
            np.tile(np.arange(side) % arterial_every == 0, side - 1),  # along a column
        )
    )
    keep = arterial | (rng.random(len(tail)) < 0.66)
    tail, head, arterial = tail[keep], head[keep], arterial[keep]
    km = haversine_km(lon[tail], lat[tail], lon[head], lat[head])
    kmh = np.where(arterial, 80.0, rng.uniform(30.0, 50.0, len(tail)))
    minutes = km / kmh * 60.0
    one_way = ~arterial & (rng.random(len(tail)) < 0.05)
    edge_from = np.concatenate((tail, head[~one_way]))
    edge_to = np.concatenate((head, tail[~one_way]))
    edge_minutes = np.concatenate((minutes, minutes[~one_way]))
    return lon, lat, edge_from, edge_to, edge_minutes


def naive_scipy(graph: RoadGraph, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Dijkstra per place, keeping the running minimum: what one writes without min_only."""
    best = np.full(graph.n_nodes, np.inf)
    index = np.full(graph.n_nodes, -1, dtype=np.intp)
    for position, source in enumerate(sources):
        distance = dijkstra(graph.reverse_minutes, directed=True, indices=int(source))
        better = distance < best
        best[better] = distance[better]
        index[better] = position
    return best, index


def networkx_pass(
    edge_from: np.ndarray, edge_to: np.ndarray, edge_minutes: np.ndarray, sources: np.ndarray
) -> tuple[Any, Any]:
    import networkx as nx

    def build() -> Any:
        # Reversed edges: the distance from the places is the time to reach them.
        g = nx.DiGraph()
        g.add_weighted_edges_from(
            zip(edge_to.tolist(), edge_from.tolist(), edge_minutes.tolist(), strict=True)
        )
        return g

    return build, lambda g: nx.multi_source_dijkstra_path_length(g, set(sources.tolist()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--side", type=int, default=1000, help="grid side (nodes = side^2)")
    parser.add_argument("--places", type=int, default=300)
    parser.add_argument(
        "--naive-sample", type=int, default=40, help="places run one by one (then extrapolated)"
    )
    parser.add_argument("--cells", type=int, default=65_424, help="origins for the model steps")
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    results: dict[str, Any] = {
        "command": "uv run --group bench python benchmarks/road_graph.py",
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    print(f"Synthetic road graph ({args.side} x {args.side} perturbed grid), seed 42")
    (lon, lat, edge_from, edge_to, edge_minutes), gen = measure(
        "generate arrays", lambda: synthetic_road_graph(args.side), traced=False
    )
    graph, build = measure(
        "RoadGraph.from_arrays (CSR, SCC, KD-tree)",
        lambda: RoadGraph.from_arrays(lon, lat, edge_from, edge_to, edge_minutes),
    )
    rng = np.random.default_rng(7)
    sources = rng.choice(graph.snap_nodes, args.places, replace=False)
    main_share = len(graph.snap_nodes) / graph.n_nodes
    print(
        f"  {graph.n_nodes:,} nodes, {graph.n_edges:,} directed edges "
        f"(mean out-degree {graph.n_edges / graph.n_nodes:.2f}), "
        f"main component {main_share:.1%}, {args.places} places"
    )
    nearest, one_pass = measure(
        f"one pass, {args.places} places (min_only=True)",
        lambda: graph.minutes_from_nearest_source(sources),
    )
    finite = np.isfinite(nearest.minutes)
    print(
        f"  reached {finite.mean():.1%} of nodes; minutes to nearest place: median "
        f"{np.median(nearest.minutes[finite]):.1f}, max {nearest.minutes[finite].max():.1f}"
    )

    model = RoadNetworkModel(graph)
    cell_lon = rng.uniform(lon.min(), lon.max(), args.cells)
    cell_lat = rng.uniform(lat.min(), lat.max(), args.cells)
    _, model_nearest = measure(
        f"RoadNetworkModel.minutes_to_nearest, {args.cells:,} cells",
        lambda: model.minutes_to_nearest(cell_lon, cell_lat, lon[sources], lat[sources]),
    )
    reach, model_reach = measure(
        f"RoadNetworkModel.reach_matrix 20 min, {args.cells:,} cells",
        lambda: model.reach_matrix(cell_lon, cell_lat, lon[sources], lat[sources], minutes=20.0),
    )
    print(f"  reach matrix: {reach.nnz:,} (cell, place) pairs within 20 minutes")

    sample = sources[: args.naive_sample]
    (naive_minutes, _), naive = measure(
        f"naive: one scipy dijkstra per place, {len(sample)} places",
        lambda: naive_scipy(graph, sample),
    )
    check = graph.minutes_from_nearest_source(sample)
    np.testing.assert_allclose(naive_minutes, check.minutes)
    naive_all_seconds = naive["seconds"] * args.places / len(sample)
    naive_ratio = naive_all_seconds / one_pass["seconds"]
    print(
        f"  -> {args.places} places extrapolated: {naive_all_seconds:.1f} s, "
        f"{naive_ratio:.0f}x the single pass (results agree)"
    )
    synthetic: dict[str, Any] = {
        "nodes": graph.n_nodes,
        "directed_edges": graph.n_edges,
        "mean_out_degree": round(graph.n_edges / graph.n_nodes, 3),
        "main_component_share": round(main_share, 4),
        "places": args.places,
        "generate": gen,
        "build": build,
        "one_pass_min_only": one_pass,
        "model_minutes_to_nearest": {"cells": args.cells, **model_nearest},
        "model_reach_matrix_20min": {"cells": args.cells, "pairs": int(reach.nnz), **model_reach},
        "naive_scipy_per_place": {
            "places_run": len(sample),
            **naive,
            "extrapolated_seconds_all_places": round(naive_all_seconds, 1),
            "ratio_to_one_pass": round(naive_ratio, 1),
        },
    }

    if not args.no_networkx:
        try:
            build_nx, pass_nx = networkx_pass(edge_from, edge_to, edge_minutes, sources)
        except ImportError:
            print("  networkx not installed: uv sync --group bench")
        else:
            nx_graph, nx_build = measure("networkx: build DiGraph", build_nx, traced=False)
            nx_distance, nx_pass = measure(
                f"networkx: multi_source_dijkstra, {args.places} places",
                lambda: pass_nx(nx_graph),
                traced=False,
            )
            keys = np.fromiter(nx_distance.keys(), dtype=np.intp, count=len(nx_distance))
            values = np.fromiter(nx_distance.values(), dtype=np.float64, count=len(nx_distance))
            np.testing.assert_allclose(values, nearest.minutes[keys])
            assert len(keys) == int(finite.sum())
            nx_ratio = nx_pass["seconds"] / one_pass["seconds"]
            total_ratio = (nx_build["seconds"] + nx_pass["seconds"]) / (
                build["seconds"] + one_pass["seconds"]
            )
            print(
                f"  -> networkx pass {nx_ratio:.0f}x the single scipy pass; build + pass "
                f"{total_ratio:.0f}x (results agree)"
            )
            synthetic["networkx"] = {
                "version": __import__("networkx").__version__,
                "build": nx_build,
                "multi_source_dijkstra": nx_pass,
                "pass_ratio_to_one_pass": round(nx_ratio, 1),
                "build_and_pass_ratio": round(total_ratio, 1),
            }
            del nx_graph, nx_distance
    results["synthetic_1m"] = synthetic

    print("Monaco extract (tests/data/osm/monaco.osm.pbf)")
    network, read = measure("road_network_read", lambda: road_network_read(MONACO))
    monaco_graph, monaco_build = measure("RoadNetwork.to_graph", network.to_graph)
    places_lon = np.array([7.4203, 7.4278, 7.4156])
    places_lat = np.array([43.7314, 43.7394, 43.7277])
    place_nodes, _ = monaco_graph.snap(places_lon, places_lat)
    monaco_nearest, monaco_pass = measure(
        "one pass, 3 places", lambda: monaco_graph.minutes_from_nearest_source(place_nodes)
    )
    reached = np.isfinite(monaco_nearest.minutes)
    print(
        f"  {network.n_nodes:,} nodes, {network.n_edges:,} directed edges; reached "
        f"{reached.mean():.1%}, max {monaco_nearest.minutes[reached].max():.1f} min"
    )
    results["monaco"] = {
        "nodes": network.n_nodes,
        "directed_edges": network.n_edges,
        "read": read,
        "build": monaco_build,
        "one_pass_3_places": monaco_pass,
        "reached_share": round(float(reached.mean()), 4),
    }
    results["process_peak_rss_mib"] = max(_PEAKS)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Process peak RSS {results['process_peak_rss_mib']} MiB; wrote {args.output}")


if __name__ == "__main__":
    main()
