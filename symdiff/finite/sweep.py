"""The error of forward, central and complex-step differences as the step h shrinks.

Plotted on log-log axes the real differences make a V: on the right, truncation error
falls with h (slope 1 for forward, 2 for central); on the left, rounding error grows as
1/h, because f(x + h) - f(x) subtracts nearly equal numbers. The complex step has no
subtraction, so its error keeps falling and then stays at the rounding level of f.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..errors import SymdiffError, describe
from ..language.parser import Program
from ..limits import DEFAULT_LIMITS, Limits, serialized, serialized_class
from ..symbolic.derivatives import diff, variable
from ..tape.points import checked_point, ordered_values, real_number
from ..tape.reference import value as reference
from .explain import DPS
from .function import Function
from .lines import Layout, Table, ValueLine
from .methods import complex_first_derivative
from .stencils import stencil

SWEEP_METHODS = ("forward", "central", "complex")


@serialized_class
@dataclass(frozen=True)
class StepSweep:
    """Errors of finite differences against the step.

    Attributes:
        expression: the function.
        wrt: the variable.
        point: where the derivative is taken.
        exact: the exact derivative there (mpmath, 50 digits, rounded to a float).
        steps: the steps h, increasing.
        errors: method → |estimate - exact| at each step.
        bounds: method → the error bound symdiff reports at each step.
        slopes: method → the truncation slope p (the error falls like hᵖ).
    """

    expression: sp.Expr
    wrt: str
    point: dict[str, float]
    exact: float
    steps: np.ndarray
    errors: dict[str, np.ndarray]
    bounds: dict[str, np.ndarray]
    slopes: dict[str, int]

    def best_step(self, method: str) -> float:
        """The step with the smallest error for ``method``."""
        return float(self.steps[int(np.argmin(self.errors[method]))])

    def _repr_html_(self) -> str:  # Jupyter: each method's best step, and the V plot when matplotlib is installed
        from ..render import sweep

        return sweep.html(self, sweep.svg(self))


@serialized
def step_sweep(
    expr: str | sp.Basic | Program,
    wrt: str,
    at: Mapping[str, Any],
    steps: Sequence[float] | np.ndarray | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> StepSweep:
    """Forward, central and complex-step errors for each step (default: 10^-16 … 10^0).

    The complex step is left out where the expression is not analytic (abs, relu, …).

    Example:
        >>> sweep = step_sweep("exp(x)", "x", {"x": 1.0}, steps=[1e-12, 1e-4, 1e-1])
        >>> [f"{e:.0e}" for e in sweep.errors["forward"]]  # rounding, then truncation
        ['4e-04', '1e-04', '1e-01']
    """
    fn = Function(expr, limits)
    wrt = variable(wrt).name
    if wrt not in fn.variables:
        raise SymdiffError(f"{wrt} does not occur in the expression (its variables: {', '.join(fn.variables)})")
    h = _steps(steps)
    given = ordered_values(fn.variables, checked_point(at))
    values = [real_number(name, value) for name, value in zip(fn.variables, given, strict=True)]
    k = fn.index_of(wrt)
    exact = reference(diff(fn.expression, wrt), dict(zip(fn.variables, values, strict=True)), DPS)
    errors, bounds, slopes = {}, {}, {}
    line = ValueLine(fn, k)
    for method in SWEEP_METHODS[:2]:
        used = stencil(method)  # type: ignore[arg-type]
        estimate = Table(line, Layout.single(used)).evaluate(values, h)
        errors[method] = _distance(estimate.value, exact)
        bounds[method] = np.asarray(estimate.truncation + estimate.rounding, dtype=float)
        slopes[method] = used.accuracy
    if not fn.not_analytic:
        estimate = complex_first_derivative(fn, [np.full(h.shape, v) for v in values], k, h)
        errors["complex"] = _distance(estimate.value, exact)
        bounds["complex"] = np.asarray(estimate.rounding, dtype=float)
        slopes["complex"] = 2
    point = dict(zip(fn.variables, values, strict=True))
    return StepSweep(fn.expression, wrt, point, float(exact), h, errors, bounds, slopes)


def _steps(steps: Sequence[float] | np.ndarray | None) -> np.ndarray:
    """The steps, sorted: positive finite numbers (default 65 from 10^-16 to 1)."""
    if steps is None:
        return np.logspace(-16, 0, 65)
    if isinstance(steps, (str, bytes)) or not isinstance(steps, (Sequence, np.ndarray)):
        raise SymdiffError(f"steps is a list of positive numbers, got {describe(steps)}")
    h = np.sort(np.array([real_number("a step", s) for s in np.ravel(np.asarray(steps, dtype=object))]))
    if np.ndim(steps) != 1 or not h.size or not np.all((h > 0) & np.isfinite(h)):
        raise SymdiffError("steps is a list of positive numbers")
    return h


def _distance(values: Any, exact: mpmath.mpf) -> np.ndarray:
    with mpmath.workdps(DPS):
        return np.array(
            [float(abs(mpmath.mpf(float(v)) - exact)) if np.isfinite(v) else np.inf for v in np.ravel(values)]
        )
