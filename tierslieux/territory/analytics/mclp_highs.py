"""HiGHS, quietly: the solver wrapper shared by the exact covering methods.

``highspy.Highs()`` prints its banner on the process's standard output (file descriptor 1,
from C++) when it is built, before any option can turn the output off: a command printing JSON
on stdout then prints invalid JSON. ``quiet_highs`` builds the solver with descriptor 1
pointed at the null device, flushing C's buffers before putting it back.

Pure numpy / scipy / highspy: no Django import (checked by import-linter).
"""

import ctypes
import math
import os
import sys
import threading
from contextlib import contextmanager, suppress

import highspy
import numpy as np
from scipy import sparse

from tierslieux.territory.analytics.mclp_base import BoolArray, FloatArray, Status

_STDOUT_LOCK = threading.Lock()


def _flush_c_stdio() -> None:
    with suppress(OSError, AttributeError):  # no C library to flush (not a POSIX platform)
        ctypes.CDLL(None).fflush(None)


@contextmanager
def _stdout_silenced():
    """Point file descriptor 1 at the null device for the duration (process-wide, so under a
    lock and for as short as possible)."""
    with _STDOUT_LOCK:
        with suppress(AttributeError, ValueError, OSError):
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no descriptor 1: nothing can be printed on it
            yield
            return
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
            yield
        finally:
            _flush_c_stdio()
            os.dup2(saved, 1)
            os.close(saved)


def quiet_highs(time_limit_s: float) -> highspy.Highs:
    """A HiGHS solver that prints nothing, with a time limit, a relative gap of 0, seed 0."""
    with _stdout_silenced():
        solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit_s))
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("random_seed", 0)
    return solver


def run(
    lp: highspy.HighsLp, start: FloatArray | None, time_limit_s: float, presolve: bool = True
) -> tuple[highspy.Highs, FloatArray | None]:
    solver = quiet_highs(time_limit_s)
    if not presolve:
        solver.setOptionValue("presolve", "off")
    solver.passModel(lp)
    if start is not None:
        warm = highspy.HighsSolution()
        warm.col_value = start
        warm.value_valid = True
        solver.setSolution(warm)
    solver.run()
    values = None
    if solver.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        values = np.asarray(solver.getSolution().col_value, dtype=np.float64)
    return solver, values


def solve(
    *,
    sense: highspy.ObjSense,
    cost: FloatArray,
    col_upper: FloatArray,
    integer: BoolArray,
    matrix: sparse.csc_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    start: FloatArray | None,
    time_limit_s: float,
    presolve: bool = True,
) -> tuple[FloatArray | None, float, Status]:
    """Pass the column-wise model to HiGHS, warm start, run: column values (or None), best
    bound, status.

    HiGHS 1.16 can mis-value a MIP start after presolve has fixed columns ("MIP start solution
    is feasible in the reduced space" with the objective offset lost): it then prunes with a
    wrong incumbent value, reports that value as optimal and returns the start itself. The
    reported objective then differs from the returned solution's: in that case the model is
    solved again without the start, in the time left. ``presolve=False`` skips HiGHS's
    presolve (faster on the small models left after fixing).
    """
    if not time_limit_s > 0.0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.sense_ = sense
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(matrix.shape[1])
    lp.col_upper_ = col_upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in integer
    ]
    solver, values = run(lp, start, time_limit_s, presolve)
    if values is not None:
        reported = solver.getInfo().objective_function_value
        actual = float(cost @ values)
        if abs(reported - actual) > 1e-6 * max(1.0, abs(actual)):
            time_left_s = time_limit_s - solver.getRunTime()
            if time_left_s > 0.0:
                solver, values = run(lp, None, time_left_s, presolve)
            else:
                # No time to solve again: keep the start, with no proven bound.
                infinite = math.inf if sense == highspy.ObjSense.kMaximize else -math.inf
                return values, infinite, "time_limit"
    model_status = solver.getModelStatus()
    if model_status == highspy.HighsModelStatus.kOptimal:
        status: Status = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        status = "time_limit"
    elif model_status == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    else:
        status = "error"
    return values, float(solver.getInfo().mip_dual_bound), status


def relative_gap(objective: float, bound: float) -> float:
    if not math.isfinite(bound):
        return math.inf
    difference = abs(bound - objective)
    if difference <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return difference / abs(objective) if objective != 0.0 else math.inf
