"""Options shared by the `coverage` and `recommend` commands."""

import datetime

from tierslieux.territory.mesh import MeshParams


def add_mesh_arguments(parser) -> None:
    parser.add_argument("--minutes", type=float, help="Travel-time threshold (default 20).")
    parser.add_argument("--model", choices=["straight", "road"], default="straight")
    parser.add_argument("--detour", type=float, help="Detour factor (straight model, 1.3).")
    parser.add_argument("--speed-kmh", type=float, help="Average speed (straight model, 60).")
    parser.add_argument("--osm", help="OpenStreetMap extract (.osm.pbf) for the road model.")
    parser.add_argument("--demand", choices=["grid", "communes"], default="grid")
    parser.add_argument("--on", type=datetime.date.fromisoformat, help="Places open on this date.")
    parser.add_argument("--json", action="store_true", help="Machine-readable output.")


def mesh_params(options: dict) -> MeshParams:
    return MeshParams.from_settings(
        minutes=options.get("minutes"),
        model=options.get("model"),
        detour_factor=options.get("detour"),
        speed_kmh=options.get("speed_kmh"),
        osm_path=options.get("osm"),
        demand=options.get("demand"),
        on=options.get("on"),
    )
