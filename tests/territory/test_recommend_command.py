"""`manage.py recommend`: the --json output parses for every combination of options, with the
HiGHS banner kept off the process's standard output (file descriptor 1)."""

import itertools
import json
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.places.factories import PlaceFactory, commune

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def places():
    """Three open places (invented), in Bordeaux, Limoges and Pau."""
    for code in ("33063", "87085", "64445"):
        PlaceFactory(commune=commune(code))


def test_the_solver_prints_nothing_on_the_standard_output():
    """In a fresh interpreter (HiGHS prints its banner once per process, when the first solver
    is built), the exact methods write nothing on descriptor 1: only what the script prints."""
    script = textwrap.dedent(
        """
        import json
        import numpy as np
        from scipy import sparse
        from tierslieux.territory.analytics.location import (
            CoverageProblem, mclp_exact, set_cover_exact,
        )
        rng = np.random.default_rng(5)
        dense = rng.random((60, 30)) < 0.1
        problem = CoverageProblem(
            rng.integers(1, 100, 60).astype(float), sparse.csr_matrix(dense), np.zeros(60, bool)
        )
        exact = mclp_exact(problem, 6)
        cover = set_cover_exact(problem)
        print(json.dumps({"mclp": exact.new_weight, "cover": cover.objective}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    data = json.loads(result.stdout)
    assert data["mclp"] > 0 and data["cover"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exact", "cover_all", "demand"),
    [
        # The exact methods solve a whole-region MILP: slow.
        pytest.param(*combination, marks=[pytest.mark.slow] if combination[0] else [])
        for combination in itertools.product([False, True], [False, True], ["communes", "grid"])
    ],
)
def test_json_output_parses_for_every_option(places, capfd, exact, cover_all, demand):
    """The command writes to the real standard output (descriptor 1, captured by capfd), as
    `manage.py recommend ... --json > file` does."""
    args = ["recommend", "--json", "--demand", demand, "--new", "3"]
    args += ["--exact", "--time-limit", "1"] if exact else []
    args += ["--cover-all", "--minutes", "45"] if cover_all else []
    call_command(*args, stdout=sys.stdout)
    data = json.loads(capfd.readouterr().out)
    assert data["params"]["demand"] == demand
    assert (
        data["method"]
        == {
            (False, False): "mclp_greedy_swap",
            (True, False): "mclp_exact",
            (False, True): "set_cover_greedy",
            (True, True): "set_cover_exact",
        }[(exact, cover_all)]
    )
    assert data["solve_s"] >= 0.0
    assert data["covered_after"] >= data["covered_before"]
    assert data["new_inhabitants"] == sum(site["new_inhabitants"] for site in data["sites"])
    if not cover_all:
        assert data["new"] == 3
    if exact and not cover_all:
        assert data["bound"] >= data["new_inhabitants"]
        assert data["status"] in {"optimal", "time_limit"}
    if not exact:
        assert data["bound"] is None and data["gap"] is None


@pytest.mark.slow
@pytest.mark.django_db
def test_exact_reports_the_optimum_and_the_heuristic_is_no_better(places):
    out = StringIO()
    call_command("recommend", "--new", "5", "--demand", "communes", "--exact", "--json", stdout=out)
    exact = json.loads(out.getvalue())
    out = StringIO()
    call_command("recommend", "--new", "5", "--demand", "communes", "--json", stdout=out)
    heuristic = json.loads(out.getvalue())
    assert exact["status"] == "optimal" and exact["gap"] == 0.0
    assert exact["bound"] == exact["new_inhabitants"]
    assert heuristic["new_inhabitants"] <= exact["new_inhabitants"]
    assert heuristic["status"] == "heuristic" and heuristic["gap"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-1", "3601", "nan"])
def test_a_bad_time_limit_is_refused(limit):
    with pytest.raises(CommandError, match="time-limit"):
        call_command("recommend", "--exact", "--time-limit", limit)
