"""Road reader benchmark: read a regional-size extract, build the graph, run one pass.

Generates (with pyosmium's writer) a synthetic ``.osm.pbf`` holding a given number of road
nodes, then, in a fresh process per size (so that each peak is its own), times:

- **read**: ``osm.road_network_read`` (the streaming, array-based reader);
- **graph**: ``RoadNetwork.to_graph`` (CSR, strongly connected components, KD-tree);
- **one pass**: ``RoadGraph.minutes_from_nearest_source`` from 300 places (one multi-source
  Dijkstra);

and reports for each step the wall time, the CPU time of the process (user + system: what the
step costs whatever the machine's load; the PBF decoding runs on pyosmium's threads, so it can
exceed the wall time on an idle machine) and the process's peak resident memory (``ru_maxrss``)
after it. The machine's load average is printed before and after.

Synthetic network: a k x k grid of intersections ~600 m apart (in the Landes, 44 N), each
stretch between two intersections drawn as 4 shape nodes (so 9 k² road nodes in all, like real
roads, where most nodes only bend the line), jittered; ways run along the rows and columns and
span 5 stretches each; classes cycle residential / tertiary / secondary / primary (every 10th
row and column is primary, with ``maxspeed=80``), 3 % of the ways are one-way, 5 % of the
intersections carry ``highway=traffic_signals``. ``--other-nodes`` adds nodes that are on no
road (buildings, points of interest: about 85 % of a real regional extract's nodes), which the
location index must hold too. Generated files are kept in ``var/bench/`` and reused.

Run from the repository root::

    uv run python benchmarks/osm_reader.py --road-nodes 1000000 4000000 10000000
    uv run python benchmarks/osm_reader.py --road-nodes 4000000 --before 7ecf3a9  # side by side

``--before REF`` measures, on the same files and in the same run, the reader and graph of a git
revision (``git show REF:...``), e.g. the code before issue 17.

Writes ``benchmarks/results/osm_reader.json``. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "osm_reader.json"
WORK = ROOT / "var" / "bench"
SHAPE_NODES = 4
STRETCHES_PER_WAY = 5
CLASSES = ("residential", "tertiary", "secondary", "residential")


def generate(path: Path, road_nodes: int, other_nodes: int = 0, seed: int = 42) -> dict:
    """Write the synthetic extract; return its counts."""
    import osmium

    k = max(2, round((road_nodes / (1 + 2 * SHAPE_NODES)) ** 0.5))
    rng = np.random.default_rng(seed)
    step_lat, step_lon = 0.0054, 0.0075  # about 600 m
    # Node ids: intersections first (row-major), then shape nodes of horizontal stretches, then
    # of vertical ones; ids start high like real OSM ids.
    base = 1_000_000_000
    inter = base + np.arange(k * k).reshape(k, k)
    h_shape = base + k * k + np.arange(k * (k - 1) * SHAPE_NODES).reshape(k, k - 1, SHAPE_NODES)
    v_shape = (
        h_shape.max() + 1 + np.arange(k * (k - 1) * SHAPE_NODES).reshape(k - 1, k, SHAPE_NODES)
    )
    t = np.arange(1, SHAPE_NODES + 1) / (SHAPE_NODES + 1)
    row, col = np.divmod(np.arange(k * k), k)
    lat0, lon0 = 44.0, -1.2
    jitter = 0.15
    inter_lat = lat0 + (row + rng.uniform(-jitter, jitter, k * k)) * step_lat
    inter_lon = lon0 + (col + rng.uniform(-jitter, jitter, k * k)) * step_lon
    inter_lat, inter_lon = inter_lat.reshape(k, k), inter_lon.reshape(k, k)
    # Shape nodes: along the straight line, jittered a little.
    h_lat = inter_lat[:, :-1, None] + (inter_lat[:, 1:, None] - inter_lat[:, :-1, None]) * t
    h_lon = inter_lon[:, :-1, None] + (inter_lon[:, 1:, None] - inter_lon[:, :-1, None]) * t
    v_lat = inter_lat[:-1, :, None] + (inter_lat[1:, :, None] - inter_lat[:-1, :, None]) * t
    v_lon = inter_lon[:-1, :, None] + (inter_lon[1:, :, None] - inter_lon[:-1, :, None]) * t
    h_lat = h_lat + rng.uniform(-1, 1, h_lat.shape) * step_lat * 0.02
    v_lon = v_lon + rng.uniform(-1, 1, v_lon.shape) * step_lon * 0.02
    signals = rng.random(k * k) < 0.05

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    node = osmium.osm.mutable.Node
    n_written = 0
    try:
        for ids, lons, lats in (
            (inter.ravel(), inter_lon.ravel(), inter_lat.ravel()),
            (h_shape.ravel(), h_lon.ravel(), h_lat.ravel()),
            (v_shape.ravel(), v_lon.ravel(), v_lat.ravel()),
        ):
            first = ids[0] == base
            rows = zip(ids.tolist(), lons.tolist(), lats.tolist(), strict=True)
            for i, (nid, x, y) in enumerate(rows):
                tags = {"highway": "traffic_signals"} if first and signals[i] else {}
                writer.add_node(node(id=nid, location=(x, y), tags=tags))
            n_written += len(ids)
        other_start = v_shape.max() + 1
        span_lon, span_lat = k * step_lon, k * step_lat
        for i in range(other_nodes):
            x = lon0 + rng.random() * span_lon
            y = lat0 + rng.random() * span_lat
            writer.add_node(node(id=int(other_start + i), location=(x, y), tags={}))
        way_id = 1
        way = osmium.osm.mutable.Way
        n_ways = 0
        for line in range(k):
            for start in range(0, k - 1, STRETCHES_PER_WAY):
                stop = min(start + STRETCHES_PER_WAY, k - 1)
                for horizontal in (True, False):
                    refs = []
                    for s in range(start, stop):
                        if horizontal:
                            refs.append(int(inter[line, s]))
                            refs.extend(h_shape[line, s].tolist())
                        else:
                            refs.append(int(inter[s, line]))
                            refs.extend(v_shape[s, line].tolist())
                    refs.append(int(inter[line, stop]) if horizontal else int(inter[stop, line]))
                    highway = "primary" if line % 10 == 0 else CLASSES[(line + start) % 4]
                    tags = {"highway": highway}
                    if highway == "primary":
                        tags["maxspeed"] = "80"
                    elif rng.random() < 0.03:
                        tags["oneway"] = "yes"
                    writer.add_way(way(id=way_id, nodes=refs, tags=tags))
                    way_id += 1
                    n_ways += 1
    finally:
        writer.close()
    return {
        "grid_side": k,
        "road_nodes": n_written,
        "other_nodes": other_nodes,
        "ways": n_ways,
        "bytes": path.stat().st_size,
    }


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds of this process (user + system): what the work costs, whatever the load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_one(path: Path, module: str = "tierslieux.territory.osm") -> dict:
    """Read, graph and one pass in this process; print and return the figures."""
    import importlib

    road_network_read = importlib.import_module(module).road_network_read

    figures: dict = {"start_peak_rss_mib": round(_peak_mib(), 1)}
    t, cpu = time.perf_counter(), _cpu_s()
    network = road_network_read(path)
    figures["read_s"] = round(time.perf_counter() - t, 3)
    figures["read_cpu_s"] = round(_cpu_s() - cpu, 3)
    figures["read_peak_rss_mib"] = round(_peak_mib(), 1)
    figures["nodes"] = network.n_nodes
    figures["directed_edges"] = network.n_edges
    t, cpu = time.perf_counter(), _cpu_s()
    graph = network.to_graph()
    figures["graph_s"] = round(time.perf_counter() - t, 3)
    figures["graph_cpu_s"] = round(_cpu_s() - cpu, 3)
    figures["graph_peak_rss_mib"] = round(_peak_mib(), 1)
    rng = np.random.default_rng(3)
    sources = rng.choice(graph.snap_nodes, size=300, replace=False)
    t, cpu = time.perf_counter(), _cpu_s()
    nearest = graph.minutes_from_nearest_source(sources)
    figures["one_pass_s"] = round(time.perf_counter() - t, 3)
    figures["one_pass_cpu_s"] = round(_cpu_s() - cpu, 3)
    figures["pass_peak_rss_mib"] = round(_peak_mib(), 1)
    figures["reached_share"] = round(float(np.isfinite(nearest.minutes).mean()), 4)
    figures["read_plus_graph_s"] = round(figures["read_s"] + figures["graph_s"], 3)
    figures["read_plus_graph_cpu_s"] = round(figures["read_cpu_s"] + figures["graph_cpu_s"], 3)
    return figures


def _child(path: Path, module: str | None = None, module_dir: Path | None = None) -> dict:
    """Measure in a fresh process (its own peak memory)."""
    command = [sys.executable, __file__, "--measure", str(path)]
    if module is not None:
        command += ["--module", module, "--module-dir", str(module_dir)]
    child = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def _export_before(ref: str) -> Path:
    """The reader and graph modules of ``ref`` as ``before_osm`` / ``before_road``."""
    target = WORK / f"before_{ref.replace('/', '_')}"
    target.mkdir(parents=True, exist_ok=True)

    def show(path: str) -> str:
        return subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout

    road = show("tierslieux/territory/analytics/road.py")
    osm = show("tierslieux/territory/osm.py").replace(
        "from tierslieux.territory.analytics.road import", "from before_road import"
    )
    (target / "before_road.py").write_text(road, encoding="utf-8")
    (target / "before_osm.py").write_text(osm, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--road-nodes", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--other-nodes", type=float, default=0.0, help="Per road node.")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--before",
        metavar="REF",
        help="Also measure the reader and graph of this git revision (e.g. main), same files.",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child process
    parser.add_argument("--module", default="tierslieux.territory.osm", help=argparse.SUPPRESS)
    parser.add_argument("--module-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        if args.module_dir is not None:
            sys.path.insert(0, str(args.module_dir))
        print(json.dumps(measure_one(args.measure, args.module)))
        return
    before_dir = _export_before(args.before) if args.before else None

    results: dict = {
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "pyosmium": __import__("osmium.version").version.pyosmium_release,
        },
        "sizes": [],
    }
    print(f"load average before: {results['load_average_before']} (2 cores shared)")
    for road_nodes in args.road_nodes:
        other = int(road_nodes * args.other_nodes)
        path = WORK / f"synthetic_{road_nodes}_{other}.osm.pbf"
        meta_path = path.with_suffix(".json")
        if path.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text())
        else:
            t = time.perf_counter()
            meta = generate(path, road_nodes, other)
            meta["generate_s"] = round(time.perf_counter() - t, 1)
            meta_path.write_text(json.dumps(meta))
        figures = {**meta, **_child(path)}
        if before_dir is not None:
            figures["before"] = _child(path, "before_osm", before_dir)
            figures["before"]["revision"] = args.before
        results["sizes"].append(figures)
        print(
            f"{figures['road_nodes']:>11,} road nodes ({figures['bytes'] / 2**20:.0f} MiB file, "
            f"{figures['ways']:,} ways): read {figures['read_s']:.2f} s, graph "
            f"{figures['graph_s']:.2f} s (read + graph {figures['read_plus_graph_s']:.2f} s; CPU "
            f"{figures['read_cpu_s']:.2f} + {figures['graph_cpu_s']:.2f} = "
            f"{figures['read_plus_graph_cpu_s']:.2f} s), one pass {figures['one_pass_s']:.2f} s "
            f"(CPU {figures['one_pass_cpu_s']:.2f} s); peak RSS after read "
            f"{figures['read_peak_rss_mib']:.0f} MiB, after graph "
            f"{figures['graph_peak_rss_mib']:.0f} MiB, after the pass "
            f"{figures['pass_peak_rss_mib']:.0f} MiB; {figures['nodes']:,} graph nodes, "
            f"{figures['directed_edges']:,} directed edges",
            flush=True,
        )
        if "before" in figures:
            b = figures["before"]
            print(
                f"{'':>11} before ({args.before}): read {b['read_s']:.2f} s, graph "
                f"{b['graph_s']:.2f} s (read + graph {b['read_plus_graph_s']:.2f} s; CPU "
                f"{b['read_plus_graph_cpu_s']:.2f} s), one pass {b['one_pass_s']:.2f} s; peak RSS "
                f"after read {b['read_peak_rss_mib']:.0f} MiB, after graph "
                f"{b['graph_peak_rss_mib']:.0f} MiB; {b['nodes']:,} graph nodes",
                flush=True,
            )
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average after: {results['load_average_after']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Written {args.output}")


if __name__ == "__main__":
    main()
