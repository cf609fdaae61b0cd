"""Load on the public directory with 3,500 places: the production server against runserver.

What it does, on the loopback interface only and for a bounded time:

1. builds a throwaway SQLite database under a temporary ``TIERSLIEUX_VAR_DIR``: the real
   territory, the 225 real places of the 2019 census (``data/places/cget_tiers_lieux_2019.csv``),
   then generated places up to ``--places`` (3,500 by default, the national count), each named
   "Tiers-lieu généré pour le banc de charge n°…", source ``demo`` ("made up"), at a random
   commune of the region; then ``collectstatic``;
2. starts, with the same production settings (``DJANGO_DEBUG=false``, the default file cache):
   - ``gunicorn``: ``gunicorn config.wsgi -w 4`` on this branch, sync workers unless
     ``--threads`` (with ``-c config/gunicorn.conf.py``, ``make serve``'s, when it exists),
   - ``runserver``: ``manage.py runserver --noreload`` on this branch,
   - ``before``: ``manage.py runserver`` on the code before the fixes of issue 11 (``--before``,
     default: the merge base of this branch and ``main``, exported with ``git archive`` into the
     temporary directory), i.e. what the project shipped;
3. drives each server in turn, URL by URL, with a load generator written in Python (one thread
   per client, each with its own ``http.client`` keep-alive connection, ``Accept-Encoding:
   gzip`` as a browser sends, no conditional request: every client downloads every answer),
   at 8 and 32 concurrent clients for ``--duration`` seconds, then waits for the requests in
   flight (each bounded by ``--timeout``);
4. prints, per URL, concurrency and server: requests, throughput, p50/p95/p99 latency and errors
   (a status other than 200, or a failed or timed-out connection), then the ratio of each
   runserver to gunicorn; the machine's load average before and after; writes
   ``benchmarks/results/load.json``.

The API rate limit is raised to 1,000,000/min for the run (the generator is one address), so its
cost is counted but it does not refuse; the code before the fixes reads no rate from the
environment, so the generator sends a different ``X-Forwarded-For`` at each request, which that
code took as the client (issue 11, item 9) and the fixed code ignores.

Run: ``uv run python benchmarks/load.py`` (about 6 minutes on 2 cores). Not run by the tests.
"""

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT_FILE = ROOT / "benchmarks" / "results" / "load.json"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"  # used when present (make serve's)
CENSUS_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
HOST = "127.0.0.1"
URLS = {
    "API list": "/api/places",
    "map data": "/tiers-lieux/carte/tiers-lieux.geojson",
    "home page": "/",
    "directory page": "/tiers-lieux/",
}
TARGET_URLS = ("API list", "map data")
TARGET_P95_MS = 100.0
GENERATED_NAME = "Tiers-lieu généré pour le banc de charge n°{n}"
SEED = 11
EXPORTED = ("manage.py", "config", "tierslieux", "templates", "static", "locale")


# --- The data ------------------------------------------------------------------------------


def generate_places(total: int) -> None:
    """Add generated places (labelled as such) until the directory holds ``total`` places."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    from tierslieux.places.models import (
        LocationPrecision,
        Place,
        PlaceKind,
        PlaceService,
        PlaceSource,
        PlaceState,
    )
    from tierslieux.territory.models import Commune

    missing = total - Place.objects.count()
    if missing <= 0:
        return
    communes = list(
        Commune.objects.filter(departement__region_code=settings.TERRITORY_REGION_CODE)
        .select_related("departement")
        .defer("geometry")
        .order_by("code")
    )
    rng = random.Random(SEED)
    kinds, services = PlaceKind.values, PlaceService.values
    places = []
    for n in range(1, missing + 1):
        commune = rng.choice(communes)
        state = rng.choices(
            [PlaceState.OPEN, PlaceState.PROJECT, PlaceState.CLOSED], weights=[85, 10, 5]
        )[0]
        place = Place(
            name=GENERATED_NAME.format(n=n),
            description="Lieu fictif, généré pour mesurer la tenue en charge (benchmarks/load.py).",
            kinds=rng.sample(kinds, rng.randint(1, 2)),
            services=rng.sample(services, rng.randint(0, 4)),
            state=state,
            closed_on="2024-06-30" if state == PlaceState.CLOSED else None,
            commune=commune,
            city=commune.name,
            postcode=(commune.postal_codes or [""])[0],
            lon=commune.lon + rng.uniform(-0.01, 0.01),
            lat=commune.lat + rng.uniform(-0.01, 0.01),
            location_precision=LocationPrecision.COMMUNE,
            source=PlaceSource.DEMO,
            source_id=f"load-benchmark-{n}",
            is_published=True,
        )
        place.search_text = place.build_search_text()
        places.append(place)
    Place.objects.bulk_create(places, batch_size=500)


def prepare(env: dict[str, str], places: int) -> None:
    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    manage("migrate", "--noinput")
    manage("load_territory")
    # The importer records who imported: an account that cannot log in (no password).
    manage("createsuperuser", "--noinput", "--username", "load-bench", "--email", "lb@x.invalid")
    manage("import_places", str(CENSUS_FILE), "--format", "cget_2019")
    subprocess.run(
        [sys.executable, __file__, "--generate", str(places)], cwd=ROOT, env=env, check=True
    )
    manage("collectstatic", "--noinput")


def place_count(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import django, json; django.setup(); from tierslieux.places.models import Place; "
        "q = Place.objects; print(json.dumps({'places': q.count(), "
        "'published': q.published().count(), 'generated': q.filter(source='demo').count()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(out.stdout)


# --- The servers ---------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    description: str
    port: int
    command: list[str]
    cwd: Path
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, env: dict[str, str], log_dir: Path) -> None:
        self.log = log_dir / f"{self.name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped: see {self.log}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- The load generator --------------------------------------------------------------------


@dataclass
class Run:
    server: str
    url: str
    concurrency: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    bytes_received: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())

    def percentile(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        values = sorted(self.latencies_ms)
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]

    def summary(self) -> dict:
        return {
            "server": self.server,
            "url": self.url,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "ok": len(self.latencies_ms),
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(len(self.latencies_ms) / self.seconds, 1)
            if self.seconds
            else 0,
            "p50_ms": _round(self.percentile(50)),
            "p95_ms": _round(self.percentile(95)),
            "p99_ms": _round(self.percentile(99)),
            "mean_kib": round(self.bytes_received / 1024 / max(1, len(self.latencies_ms)), 1),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def drive(port: int, path: str, concurrency: int, duration: float, timeout: float, run: Run):
    """``concurrency`` clients send GET ``path`` back to back for ``duration`` seconds."""
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)
    deadline: list[float] = [0.0]
    counter = [0]

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        latencies, errors, received = [], {}, 0
        start.wait()
        while time.monotonic() < deadline[0]:
            with lock:
                counter[0] += 1
                n = counter[0]
            headers = {
                "Accept-Encoding": "gzip",
                "Accept-Language": "fr",
                # Ignored by the fixed code; the code before took it as the client (item 9).
                "X-Forwarded-For": f"10.{index}.{n // 250 % 250}.{n % 250}",
            }
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - began) * 1000
                if response.status == 200:
                    latencies.append(elapsed)
                    received += len(body)
                else:
                    errors[str(response.status)] = errors.get(str(response.status), 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                name = type(exc).__name__
                errors[name] = errors.get(name, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        conn.close()
        with lock:
            run.latencies_ms.extend(latencies)
            run.bytes_received += received
            for key, count in errors.items():
                run.errors[key] = run.errors.get(key, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - began


def warm_up(port: int, path: str, timeout: float) -> None:
    """Every worker serves the URL before it is measured (a worker's first request loads
    translations, templates and URL patterns: seconds under load, not what a running site sees).
    """
    drive(port, path, 8, 2.0, timeout, Run("warm-up", path, 8))


# --- Main ----------------------------------------------------------------------------------


def base_commit(ref: str) -> str:
    out = subprocess.run(
        ["git", "merge-base", "HEAD", ref], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode == 0:
        return out.stdout.strip()
    return subprocess.run(
        ["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def export_commit(commit: str, target: Path) -> None:
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", commit, *EXPORTED],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=3500)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--port", type=int, default=8141, help="first of three ports")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)"
    )
    # The code before issue 11 (the last commit of the previous session); any git ref works.
    parser.add_argument("--before", default="3fbdff8", help="git ref of the code before")
    parser.add_argument("--no-before", action="store_true", help="skip the code before")
    parser.add_argument("--urls", nargs="+", choices=list(URLS), default=list(URLS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="a TIERSLIEUX_VAR_DIR to create or reuse (kept): skips building the database again",
    )
    parser.add_argument("--output", type=Path, default=RESULT_FILE)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate_places(args.generate)
        return 0

    load_before = os.getloadavg()
    loads = " ".join(f"{x:.2f}" for x in load_before)
    print(f"load average before: {loads} ({os.cpu_count()} CPUs)")
    tmp = Path(tempfile.mkdtemp(prefix="tierslieux-load-"))
    env = {
        **os.environ,
        "TIERSLIEUX_VAR_DIR": str(args.var_dir or tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-benchmark-throwaway-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_COOKIES": "false",
        # Plain HTTP on the loopback: no redirect to HTTPS (a proxy would do TLS in production).
        "DJANGO_SSL_REDIRECT": "false",
        "API_ANON_RATE": "1000000/m",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    servers = [
        Server(
            "gunicorn",
            f"gunicorn config.wsgi -w {args.workers}"
            + (f" --threads {args.threads}" if args.threads > 1 else " (sync workers)")
            + (f" -c {GUNICORN_CONF.relative_to(ROOT)}" if GUNICORN_CONF.exists() else "")
            + " (this branch)",
            args.port,
            [
                sys.executable,
                "-m",
                "gunicorn",
                *(["-c", str(GUNICORN_CONF)] if GUNICORN_CONF.exists() else []),
                "config.wsgi",
                "-w",
                str(args.workers),
                *(["--threads", str(args.threads)] if args.threads > 1 else []),
                "-b",
                f"{HOST}:{args.port}",
                "--log-level",
                "warning",
            ],
            ROOT,
        ),
        Server(
            "runserver",
            "manage.py runserver --noreload (this branch)",
            args.port + 1,
            [sys.executable, "manage.py", "runserver", f"{HOST}:{args.port + 1}", "--noreload"],
            ROOT,
        ),
    ]
    commit = None
    if not args.no_before:
        commit = base_commit(args.before)
        export_commit(commit, tmp / "before")
        servers.append(
            Server(
                "before",
                f"manage.py runserver --noreload (code before the fixes, {commit[:10]})",
                args.port + 2,
                [sys.executable, "manage.py", "runserver", f"{HOST}:{args.port + 2}", "--noreload"],
                tmp / "before",
            )
        )
    runs: list[Run] = []
    try:
        began = time.monotonic()
        if args.var_dir and (args.var_dir / "tierslieux.sqlite3").exists():
            print(f"reusing {args.var_dir}")
        else:
            prepare(env, args.places)
        counts = place_count(env)
        print(
            f"database: {counts['places']} places ({counts['published']} published, "
            f"{counts['generated']} generated) in {time.monotonic() - began:.0f} s, {tmp}"
        )
        for server in servers:
            server.start(env, tmp)
            print(f"server {server.name}: {server.description} on {HOST}:{server.port}")
        header = (
            f"{'url':<16}{'clients':>8} {'server':<10}{'requests':>9}{'req/s':>8}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'KiB':>8}  errors"
        )
        print(header)
        for label in args.urls:
            path = URLS[label]
            for server in servers:
                warm_up(server.port, path, args.timeout)
            for concurrency in args.concurrency:
                for server in servers:
                    run = Run(server.name, label, concurrency)
                    drive(server.port, path, concurrency, args.duration, args.timeout, run)
                    runs.append(run)
                    s = run.summary()
                    print(
                        f"{label:<16}{concurrency:>8} {server.name:<10}{s['requests']:>9}"
                        f"{s['throughput_rps']:>8}{_fmt(s['p50_ms'])}{_fmt(s['p95_ms'])}"
                        f"{_fmt(s['p99_ms'])}{s['mean_kib']:>8}  {s['errors'] or 0}",
                        flush=True,
                    )
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    print("\nrunserver / gunicorn (p95 above 1 and throughput below 1: runserver slower):")
    summaries = [r.summary() for r in runs]
    by_key = {(s["url"], s["concurrency"], s["server"]): s for s in summaries}
    for label in args.urls:
        for concurrency in args.concurrency:
            ref = by_key[(label, concurrency, "gunicorn")]
            for server in servers[1:]:
                other = by_key[(label, concurrency, server.name)]
                print(
                    f"  {label:<16}{concurrency:>3} clients  {server.name:<10} "
                    f"p95 {_ratio(other['p95_ms'], ref['p95_ms'])}, "
                    f"throughput {_ratio(other['throughput_rps'], ref['throughput_rps'])}"
                )
    verdict = []
    for label in TARGET_URLS:
        if label not in args.urls:
            continue
        if 8 in args.concurrency:
            p95 = by_key[(label, 8, "gunicorn")]["p95_ms"]
            verdict.append(
                f"{label} p95 at 8 clients {p95} ms "
                f"({'<' if p95 is not None and p95 < TARGET_P95_MS else 'NOT <'} "
                f"{TARGET_P95_MS:.0f} ms)"
            )
        if 32 in args.concurrency:
            errors = sum(by_key[(label, 32, "gunicorn")]["errors"].values())
            verdict.append(f"{label} errors at 32 clients: {errors}")
    print("\ntargets (gunicorn): " + "; ".join(verdict))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    result = {
        "command": " ".join(["uv run python benchmarks/load.py", *sys.argv[1:]]),
        "places": counts,
        "duration_s": args.duration,
        "before_commit": commit,
        "servers": {s.name: s.description for s in servers},
        "load_before": load_before,
        "load_after": load_after,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "generator": "Python threads, one http.client keep-alive connection per client",
        "runs": summaries,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.output}")
    return 0


def _fmt(value: float | None) -> str:
    return f"{value:>9.1f}" if value is not None else f"{'-':>9}"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "n/a"
    return f"x{a / b:.2g}"


if __name__ == "__main__":
    sys.exit(main())
