"""Mixed-integer programs solved by HiGHS through `scipy.optimize.milp`, with what a reader must know of
the answer: proven optimal, or stopped at the time limit with the gap between it and the best bound.

HiGHS is an exact branch-and-cut solver kept by the scipy project; it ships inside scipy, which kpidesk
already needs, so rosters add no dependency and no second solver to install.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from kpidesk import KpideskError

__all__ = ["OptimisationStopped", "SolveReport", "solve_milp"]


class OptimisationStopped(KpideskError):
    """The time limit came before the solver found any answer at all."""


@dataclass(frozen=True)
class SolveReport:
    """How one optimisation ended. `gap` is (value − bound) / value: 0 when proven optimal."""

    status: str
    optimal: bool
    objective: float
    bound: float
    gap: float
    seconds: float

    @classmethod
    def merged(cls, first: SolveReport, second: SolveReport) -> SolveReport:
        """Two stages of one lexicographic optimisation: optimal only when both are."""
        return cls(
            status=second.status if first.optimal else first.status,
            optimal=first.optimal and second.optimal,
            objective=second.objective,
            bound=second.bound,
            gap=max(first.gap, second.gap),
            seconds=first.seconds + second.seconds,
        )


def solve_milp(
    cost: np.ndarray,
    rows: csr_array,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    integral: np.ndarray,
    var_upper: np.ndarray | float = np.inf,
    time_limit: float,
) -> tuple[np.ndarray, SolveReport]:
    """Minimise cost·x subject to lower ≤ rows·x ≤ upper, 0 ≤ x ≤ var_upper, x integral where asked.

    Returns the best solution found and its report. Raises OptimisationStopped when the time limit came
    before any solution; every caller's model has one (its slack variables), so nothing else can leave
    HiGHS without an answer."""
    begun = time.perf_counter()
    result = milp(
        cost,
        integrality=integral.astype(np.uint8),
        bounds=Bounds(np.zeros(len(cost)), np.broadcast_to(var_upper, len(cost)).astype(float)),
        constraints=[LinearConstraint(rows, lower, upper)] if rows.shape[0] else [],
        options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "presolve": True},
    )
    seconds = time.perf_counter() - begun
    if result.x is None:
        if result.status == 1:
            raise OptimisationStopped(
                f"the roster's optimisation found no answer within its time limit of {time_limit:g} s; "
                "give it longer (--time-limit)"
            )
        raise RuntimeError(f"the solver found no solution: {result.message}")
    value = float(result.fun)
    bound = getattr(result, "mip_dual_bound", None)
    bound = value if bound is None or not math.isfinite(bound) else float(bound)
    proven = result.status == 0
    gap = 0.0 if proven else (abs(value - bound) / max(abs(value), 1e-9))
    status = "optimal" if proven else ("time limit" if result.status == 1 else str(result.message))
    x = np.where(integral, np.round(result.x), result.x)
    return x, SolveReport(status, proven, value, bound if not proven else value, gap, seconds)
