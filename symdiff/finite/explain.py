"""Where the error of a finite difference comes from, computed exactly (at 50 digits).

The true error of a stencil's estimate splits into three parts, each computed with mpmath:

* truncation: the formula itself in exact arithmetic at the intended points x + sᵢh, minus
  the exact derivative (for the seed, (f(3.001) - f(3))/0.001 - 14 = 3h = 0.003 exactly);
* step: x + h is a float, so the points actually used differ from the intended ones;
* rounding: every value f(xᵢ) is rounded, and the subtraction of nearly equal values keeps
  few correct digits (catastrophic cancellation).

The complex step has no subtraction: its error is the truncation term h²·f'''(x)/6, which
vanishes for h ≈ 1e-200, plus rounding inside f. The renderer (``render.finite``) formats
the ``Explanation``; nothing here is text for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from ..errors import SymdiffError
from ..symbolic.derivatives import diff
from ..tape.graph import lower
from ..tape.reference import evaluate
from ..tape.tape import Tape
from .function import Evaluator
from .stencils import Stencil

if TYPE_CHECKING:
    from .result import FiniteDifference

DPS = 50


@dataclass(frozen=True)
class Sample:
    """One point of the stencil: its offset, where it was meant to be and where it was, and f there."""

    offset: Fraction
    weight: Fraction
    intended: mpmath.mpf
    stored: float
    value: float


@dataclass(frozen=True)
class Explanation:
    """A finite difference taken apart.

    Attributes:
        result: the finite difference explained.
        derivative: the symbolic derivative.
        exact: its value at the point (50 digits; nan where it does not exist).
        samples: the stencil's points and values (empty when there is no single stencil).
        truncation: the error of the formula in exact arithmetic (None when not split).
        leading: the leading truncation term C·hᵖ·f⁽ᵖ⁺ᵈ⁾(x) with the exact derivative.
        step: the error from storing x + sᵢh as floats (None when not split).
        rounding: the error from rounding the values and the arithmetic (None when not split).
        smooth: f is smooth on the stencil's interval; where it is not (a kink, a jump), the
            truncation is the formula across it and Taylor's leading term says nothing about it.
    """

    result: FiniteDifference
    derivative: sp.Expr
    exact: mpmath.mpf
    samples: tuple[Sample, ...]
    truncation: mpmath.mpf | None
    leading: mpmath.mpf | None
    step: mpmath.mpf | None
    rounding: mpmath.mpf | None
    smooth: bool = True

    @property
    def true_error(self) -> mpmath.mpf:
        with mpmath.workdps(DPS):
            return mpmath.mpf(self.result.value) - self.exact

    @property
    def held(self) -> bool:
        """The reported bound really bounds the true error."""
        return bool(abs(self.true_error) <= self.result.error_bound)


def _scalar(result: FiniteDifference) -> None:
    if np.ndim(result.value):
        raise SymdiffError("explain() describes one point; call the method at a single point, or index the arrays")


def _symbolic(result: FiniteDifference) -> None:
    if isinstance(result.expression, AppliedUndef):  # g(t) = Σ f(θ + t·v), a line through an array program
        raise SymdiffError(
            "explain() and with_exact() take apart derivatives of expressions; for a directional derivative "
            "of an array program, compare it with symdiff.finite.arrays.directional_reference"
        )


def _point(result: FiniteDifference) -> dict[str, mpmath.mpf]:
    return {name: mpmath.mpf(float(value)) for name, value in result.point.items()}


def exact_derivative(result: FiniteDifference, dps: int = DPS) -> Any:
    """The symbolic derivative evaluated with mpmath at ``dps`` digits, as a float (or array of them)."""
    _symbolic(result)
    derivative = lower(diff(result.expression, list(result.wrt)))
    names = list(result.point)
    arrays = np.broadcast_arrays(*(np.asarray(result.point[n], dtype=float) for n in names))
    values = [
        float(evaluate(derivative, dict(zip(names, map(float, point), strict=True)), dps)[derivative.output])
        for point in zip(*(a.ravel() for a in arrays), strict=True)
    ]
    shaped = np.reshape(values, arrays[0].shape) if arrays else np.asarray(values[0])
    return float(shaped) if shaped.ndim == 0 else shaped


def explanation(result: FiniteDifference) -> Explanation:
    """Take a (single-point) finite difference apart: exact value, true error and its parts."""
    _scalar(result)
    _symbolic(result)
    derivative_expr = diff(result.expression, list(result.wrt))
    point = _point(result)
    graph = lower(result.expression)
    with mpmath.workdps(DPS):
        exact = _value(derivative_expr, point)
        if result.method == "complex" and len(result.wrt) == 1:
            third = _value(diff(result.expression, result.wrt[0], 3), point)
            h = mpmath.mpf(result.step)
            leading = -(h**2) * third / 6
            error = mpmath.mpf(result.value) - exact
            return Explanation(result, derivative_expr, exact, (), leading, leading, None, error - leading)
        if result.stencil is None:  # nested or hybrid: no single formula on f to take apart
            return Explanation(result, derivative_expr, exact, (), None, None, None, None)
        return _split(result, result.stencil, graph, derivative_expr, point, exact)


def _value(expression: sp.Expr, point: dict[str, mpmath.mpf]) -> mpmath.mpf:
    graph = lower(expression)
    return evaluate(graph, {name: point[name] for name in graph.inputs}, DPS)[graph.output]


def _split(
    result: FiniteDifference,
    stencil: Stencil,
    graph: Any,
    derivative_expr: sp.Expr,
    point: dict[str, mpmath.mpf],
    exact: mpmath.mpf,
) -> Explanation:
    name = result.wrt[0]
    x, h = float(result.point[name]), float(result.step)
    d = stencil.derivative
    tape = Tape(result.expression)
    samples = []
    ideal = stored_sum = mpmath.mpf(0)
    for offset, weight in zip(stencil.offsets, stencil.weights, strict=True):
        intended = mpmath.mpf(x) + mpmath.mpf(offset.numerator) / offset.denominator * mpmath.mpf(h)
        stored = x + float(offset) * h
        at_intended = evaluate(graph, {**point, name: intended}, DPS)[graph.output]
        at_stored = evaluate(graph, {**point, name: mpmath.mpf(stored)}, DPS)[graph.output]
        w = mpmath.mpf(weight.numerator) / weight.denominator
        ideal += w * at_intended
        stored_sum += w * at_stored
        floats = {n: (stored if n == name else float(point[n])) for n in graph.inputs}
        samples.append(Sample(offset, weight, intended, stored, float(tape.value(floats))))
    scale = mpmath.mpf(h) ** d
    ideal, stored_sum = ideal / scale, stored_sum / scale
    q = stencil.accuracy + d
    higher = _value(diff(result.expression, name, q), point) if q <= 10 else mpmath.nan
    box = [(float(point[n]), float(point[n])) for n in tape.variables]
    box[tape.variables.index(name)] = (x + float(stencil.span[0]) * h, x + float(stencil.span[1]) * h)
    smooth = bool(Evaluator(tape.graph, tape.variables).enclose(box)[2])
    leading = (
        mpmath.mpf(stencil.coefficient.numerator)
        / stencil.coefficient.denominator
        * mpmath.mpf(h) ** stencil.accuracy
        * higher
    )
    return Explanation(
        result,
        derivative_expr,
        exact,
        tuple(samples),
        truncation=ideal - exact,
        leading=leading,
        step=stored_sum - ideal,
        rounding=mpmath.mpf(result.value) - stored_sum,
        smooth=smooth,
    )
