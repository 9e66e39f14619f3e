"""The fast path for one point of floats: the complex step, and one stencil at one step.

The same mathematics as ``lines.Table``, ``methods.automatic_step`` and
``methods.complex_first_derivative``, written for Python floats (``math`` and the
interval programs' float backend) so that a call costs microseconds instead of the
NumPy overhead of the general path. The tests check that both paths agree. Whenever
something unusual happens (a step must shrink away from a singularity, a value is not
finite), the general path takes over.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import SymdiffError
from ..primitives.intervals import EXACT, HELPERS, U
from .function import Evaluator, Function, MultiIndex
from .lines import NOT_FINITE, NOT_SMOOTH, OK, PAD, UNBOUNDED, Estimate, gamma
from .stencils import Stencil

_DOWN, _UP = HELPERS["scalar"]["down"], HELPERS["scalar"]["up"]


def complex_step(fn: Function, values: list[float], k: int, h: float) -> Estimate:
    """Im f(x + ih)/h, bounded by the distance to the far end of an enclosure of ∂f/∂x_k."""
    shifted: list[complex | float] = list(values)
    shifted[k] = complex(values[k], h)
    value = fn.f.complex_at(shifted).imag / h
    lo, hi, smooth = fn.derivative((fn.variables[k],)).enclose_line(values, k, values[k], values[k])
    smooth = smooth and math.isfinite(fn.f.at(values))  # see methods.smooth_at
    if smooth and fn.hidden_kinks:
        smooth = fn.f.enclose_line(values, k, values[k], values[k])[2]
    bound = max(value - lo, hi - value) * PAD
    if not smooth:
        code = NOT_SMOOTH
    elif not math.isfinite(value):
        code = NOT_FINITE
    else:
        code = OK if math.isfinite(bound) else UNBOUNDED
    return Estimate(value, 0.0, bound if bound == bound else math.inf, h, code, 0, 1)


def _evaluator(fn: Function, index: MultiIndex) -> Evaluator | None:
    try:
        return fn.derivative(index)
    except SymdiffError:
        return None


class StencilPlan:
    """One stencil along variable k, with every evaluator and constant it needs looked up once."""

    def __init__(self, fn: Function, k: int, used: Stencil):
        name = fn.variables[k]
        self.fn, self.k, self.stencil = fn, k, used
        self.p, self.d, self.kernel = used.accuracy, used.derivative, used.kernel
        self.units, self.weights, self.a, self.b = used.floats
        self.absolute = [abs(w) for w in self.weights]
        self.abs_weights = float(used.abs_weights)
        self.gamma = gamma(len(self.weights) + 1)
        self.slope = _evaluator(fn, (name,))
        self.growth = _evaluator(fn, (name,) * (self.p + self.d))
        self.beyond = _evaluator(fn, (name,) * (self.p + self.d + 1))

    def step(self, values: list[float]) -> float:
        """``methods.automatic_step`` for one point, before any shrinking away from singularities."""
        x = values[self.k]
        p, d = self.p, self.d
        g = abs(self.fn.f.at(values))
        slope = abs(self.slope.at(values)) if self.slope is not None else math.nan
        noise = self.abs_weights * (2 * U * (g + abs(x * slope)) + 1e-300)
        growth = abs(self.growth.at(values)) if self.growth is not None else math.nan
        beyond = abs(self.beyond.at(values)) if self.beyond is not None else 0.0
        cap = 2.0 ** math.ceil(math.log2(max(abs(x), 1.0)))
        first = _balance(d * noise, p * self.kernel * growth, p + d, cap)
        size = self.kernel * (growth + (0.0 if beyond != beyond else beyond) * first * max(-self.a, self.b))
        step = _balance(d * noise, p * size, p + d, cap)
        if not (step > 0 and math.isfinite(step)):
            step = min(cap, abs(x) * 2.0**-17 + 2.0**-17)
        return max(2.0 ** math.floor(math.log2(step)), _smallest_step(x))

    def __call__(self, values: list[float], h: float, *, automatic: bool) -> Estimate | None:
        """The stencil at step h, with the bound of ``lines.Table`` for a single entry.

        Returns None when an ``automatic`` step would have to shrink to keep the stencil's
        interval clear of a singularity: the general path does that search.
        """
        fn, k, d = self.fn, self.k, self.d
        x = values[k]
        power_of_two = math.frexp(h)[0] == 0.5
        lo, hi = _end(x, self.a, h, power_of_two, _DOWN), _end(x, self.b, h, power_of_two, _UP)
        smooth = fn.f.enclose_line(values, k, lo, hi)[2]
        if automatic and not smooth:
            return None
        total = spread = size = moved = 0.0
        scale = h**d
        finite = True
        point = list(values)
        for unit, weight, absolute in zip(self.units, self.weights, self.absolute, strict=True):
            t = unit * h
            xs = x + t
            bb = xs - x
            offset_error = abs((x - (xs - bb)) + (t - bb))  # exact: an error-free sum
            if not (power_of_two or unit == 0 or math.frexp(abs(unit))[0] == 0.5):
                offset_error += U * abs(t)
            point[k] = xs
            g = fn.f.at(point)
            p_lo, p_hi, _ = fn.f.enclose_line(values, k, xs, xs)
            finite = finite and math.isfinite(g)
            total += weight * g
            spread += absolute * (max(g - p_lo, p_hi - g) * PAD / scale)  # divided first: see lines.Table._combine
            size += absolute * (abs(g) / scale)
            moved += absolute * (offset_error / scale)
        value = total / scale
        maximum = math.inf
        if self.growth is not None:
            maximum = max(map(abs, self.growth.enclose_line(values, k, lo, hi)[:2]))
        slope = 0.0
        if moved:
            slope = math.inf if self.slope is None else max(map(abs, self.slope.enclose_line(values, k, lo, hi)[:2]))
        rounding = (spread + self.gamma * size + moved * slope + d * U * abs(value)) * PAD
        truncation = PAD * self.kernel * h**self.p * maximum
        rounding = math.inf if rounding != rounding else rounding
        truncation = math.inf if truncation != truncation else truncation
        if not smooth:
            code = NOT_SMOOTH
        elif not finite:
            code = NOT_FINITE
        else:
            code = OK if math.isfinite(truncation) else UNBOUNDED
        return Estimate(value, truncation, rounding, h, code, 0, len(self.units))


def _end(x: float, unit: float, h: float, power_of_two: bool, widen: Callable[[float, float], float]) -> float:
    """x + unit·h, rounded outward by ``widen`` unless it is exact (see ``lines.outward_box``)."""
    t = unit * h
    end = x + t
    bb = end - x
    if (x - (end - bb)) + (t - bb) == 0 and (power_of_two or unit == 0 or math.frexp(abs(unit))[0] == 0.5):
        return end
    return widen(end, EXACT)


def _balance(numerator: float, denominator: float, power: int, cap: float) -> float:
    """min((numerator/denominator)^(1/power), cap), as NumPy's fmin would compute it."""
    if denominator == 0 or denominator != denominator:
        return cap if denominator == 0 else math.nan
    try:
        value = (numerator / denominator) ** (1 / power)
    except OverflowError:
        return cap
    return cap if value != value or value > cap else value


def _smallest_step(x: float) -> float:
    return 2.0 ** math.floor(math.log2(max(abs(x), 2.0**-1000))) * 2.0**-46
