"""The methods: stencils at one step, Richardson tables, the complex step, and mpmath.

Each takes a line (what to sample, see ``lines``) and the point, and returns an ``Estimate``
with a value, a bound split into truncation and rounding, the step, and a reason code.
Automatic steps are powers of 2 (so x ± h is usually exact), sized from the symbolic higher
derivative at the point, and shrunk until the stencil's interval keeps clear of every pole,
kink and domain edge. Richardson starts from the function's natural scale (estimated from
its Taylor coefficients) and halves the step row by row; near a singularity it goes one-sided.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from ..errors import SymdiffError
from ..primitives import intervals
from ..tape import taylor
from . import kinks
from .enclosure import magnitude
from .function import Function
from .lines import (
    JUMP,
    NOT_DIFFERENTIABLE,
    NOT_FINITE,
    NOT_SMOOTH,
    OK,
    ONE_SIDED,
    UNBOUNDED,
    Estimate,
    Layout,
    Line,
    Table,
    U,
    ValueLine,
    complex_step,
    error_from_enclosure,
    outward_box,
    point_boxes,
)
from .stencils import Stencil, make, richardson_column
from .stencils import stencil as central_stencil

ROWS = 20  # Richardson halves the step this many times: from the natural scale down to a millionth of it
SHRINK = 60  # how many halvings a step may take to keep clear of a singularity


@dataclass(frozen=True)
class Family:
    """Columns of a Richardson table: stencil j uses the points of rows r … r + j."""

    name: str
    columns: tuple[Stencil, ...]


def central_family(derivative: int, columns: int) -> Family:
    return Family("central", tuple(richardson_column(j, derivative) for j in range(columns)))


def one_sided_family(sign: int, derivative: int, columns: int) -> Family:
    points = [Fraction(0)] + [Fraction(sign, 2**m) for m in range(columns + derivative)]
    return Family(
        "forward" if sign > 0 else "backward",
        tuple(make(points[: j + derivative + 1], derivative) for j in range(columns)),
    )


def table_entries(family: Family, rows: int) -> list[tuple[Stencil, Fraction]]:
    """Entry (row r, column j) is column j's stencil at step h0/2ʳ; it uses rows r … r + j."""
    return [(stencil, Fraction(1, 2**r)) for j, stencil in enumerate(family.columns) for r in range(rows - j)]


class Plans:
    """The Richardson tables one compiled object uses, built on first use and kept.

    Exact weights and Peano constants cost milliseconds; a table is the same at every point.
    """

    def __init__(self) -> None:
        self._tables: dict[tuple[int, int, int], tuple[Family, Layout]] = {}

    def table(self, sign: int, derivative: int, columns: int) -> tuple[Family, Layout]:
        """The central table (sign 0) or a one-sided one (sign ±1), with ``columns`` columns."""
        key = (sign, derivative, columns)
        if key not in self._tables:
            family = central_family(derivative, columns) if sign == 0 else one_sided_family(sign, derivative, columns)
            self._tables[key] = (family, Layout.of(table_entries(family, ROWS)))
        return self._tables[key]


def columns_within_limit(fn: Function, line: Line, family: Family) -> int:
    """How many of the family's columns need a truncation derivative within the order limit (at least 1)."""
    orders = [len(line.index) + stencil.accuracy + stencil.derivative for stencil in family.columns]
    return max(1, sum(q <= fn.limits.max_order for q in orders))


# -- automatic steps ------------------------------------------------------------------------


def power_of_two_below(value: Any) -> Any:
    """The largest power of 2 at most ``value`` (elementwise; inf stays inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(value) & (value > 0), np.exp2(np.floor(np.log2(value))), value)


def scale_of(x: Any) -> Any:
    """A length comparable to x: the power of 2 at or above max(|x|, 1) (inf beyond the floats)."""
    with np.errstate(over="ignore"):
        return np.exp2(np.ceil(np.log2(np.maximum(np.abs(x), 1.0))))


def smallest_step(x: Any) -> Any:
    """Below this, x ± h hardly differs from x: 64 ulps of x (or of 1 near 0)."""
    return np.exp2(np.floor(np.log2(np.maximum(np.abs(x), 2.0**-1000)))) * 2.0**-46


def derivative_values(fn: Function, line: Line, values: Sequence[Any], q: int) -> Any:
    """|G⁽q⁾(x)| in floats (nan when the derivative is not available)."""
    try:
        return np.abs(fn.derivative(line.derivative(q)).array(values))
    except SymdiffError:
        return np.full(np.shape(values[line.k]), np.nan)


def line_derivatives(fn: Function, line: Line, values: Sequence[Any], orders: int) -> list[Any]:
    """|G⁽q⁾(x)| for q = 0 … orders, in floats, where a step is chosen (never where a bound is).

    Along f itself by Taylor mode over f's graph: one sweep, where differentiating the formula
    eight times over can take seconds (x^x). Along a derivative of f, or along a line through
    an array program (its own Taylor model, ``array_line``), by the evaluator's derivatives.
    """
    graph = getattr(fn.f, "graph", None)
    if line.index != () or graph is None:
        return [derivative_values(fn, line, values, q) for q in range(orders + 1)]
    point = {name: np.asarray(values[fn.variables.index(name)], dtype=float) for name in graph.inputs}
    variable = fn.variables[line.k]
    if variable not in graph.inputs:
        shape = np.shape(values[line.k])
        return [np.abs(np.broadcast_to(fn.f.array(values), shape))] + [np.zeros(shape)] * orders
    found = taylor.derivatives(graph, point, variable, orders, taylor.FloatNumbers())
    shape = np.shape(values[line.k])
    return [np.abs(np.broadcast_to(np.asarray(d, dtype=float), shape)) for d in found]


def automatic_step(fn: Function, line: Line, values: Sequence[Any], stencil: Stencil, *, clear: bool = True) -> Any:
    """The power-of-2 step that balances truncation and rounding, kept clear of singularities.

    ``clear=False`` skips the shrinking: ``stencil_at_step`` does it only where it is needed.
    Minimises kernel·hᵖ·|G⁽ᵖ⁺ᵈ⁾| + Σ|wᵢ|·E/hᵈ with E the likely error of a value; the
    derivative's slope is added so that a derivative that happens to vanish at x does not
    send the step to infinity.
    """
    x = np.asarray(values[line.k], dtype=float)
    p, d = stencil.accuracy, stencil.derivative
    noise = float(stencil.abs_weights) * line.noise(values)
    *_, growth, slope = line_derivatives(fn, line, values, p + d + 1)
    cap = scale_of(x)
    reach = float(max(-stencil.span[0], stencil.span[1]))
    with np.errstate(all="ignore"):
        first = np.fmin((d * noise / (p * stencil.kernel * growth)) ** (1 / (p + d)), cap)
        size = stencil.kernel * (growth + np.nan_to_num(slope) * first * reach)
        step = np.fmin((d * noise / (p * size)) ** (1 / (p + d)), cap)
    step = np.where(np.isfinite(step) & (step > 0), step, np.fmin(cap, np.abs(x) * 2.0**-17 + 2.0**-17))
    step = np.maximum(power_of_two_below(step), smallest_step(x))
    return clear_of_singularities(line, values, step, stencil.span) if clear else step


def clear_of_singularities(line: Line, values: Sequence[Any], step: Any, span: tuple[Fraction, Fraction]) -> Any:
    """Halve the step until f is smooth on [x + a·h, x + b·h] (left as is where it never is)."""
    x = np.asarray(values[line.k], dtype=float)
    lo, hi = outward_box(x, step, *span)
    smooth = np.asarray(line.smooth(values, lo[..., None], hi[..., None]), dtype=bool)
    smooth = np.broadcast_to(smooth, (*np.shape(lo), 1))[..., 0]  # a constant branch encloses as one value
    if np.all(smooth):
        return step
    halvings = np.exp2(-np.arange(SHRINK, dtype=float))
    candidates = np.asarray(step)[..., None] * halvings
    lo, hi = outward_box(x[..., None], candidates, *span)
    smooth_at = np.asarray(line.smooth(values, lo, hi), dtype=bool)
    smooth_at = np.broadcast_to(smooth_at, candidates.shape) & (candidates >= smallest_step(x)[..., None])
    first = np.argmax(smooth_at, axis=-1)
    found = np.take_along_axis(candidates, first[..., None], axis=-1)[..., 0]
    return np.where(np.any(smooth_at, axis=-1), found, step)


# -- methods --------------------------------------------------------------------------------


def stencil_at_step(line: Line, values: Sequence[Any], stencil: Stencil, step: Any = None) -> Estimate:
    """One stencil at the given step, or at the automatic one (shrunk only where a singularity is near)."""
    table = Table(line, Layout.single(stencil))
    if step is not None:
        return table.evaluate(values, step)
    step = automatic_step(line.fn, line, values, stencil, clear=False)
    estimate = table.evaluate(values, step)
    blocked = np.asarray(estimate.code) == NOT_SMOOTH
    if not np.any(blocked):
        return estimate
    cleared = _merge(
        blocked, table.evaluate(values, clear_of_singularities(line, values, step, stencil.span)), estimate
    )
    # A step chosen automatically that never cleared the kink gives a number about f elsewhere: none is given.
    uncleared = np.asarray(cleared.code) == NOT_SMOOTH
    return dataclasses.replace(cleared, value=_plain_where(uncleared, math.nan, cleared.value))


def _plain_where(where: Any, a: Any, b: Any) -> Any:
    result = np.where(where, a, b)
    return float(result) if np.ndim(result) == 0 else result


def natural_scale(fn: Function, line: Line, values: Sequence[Any], orders: int) -> Any:
    """About the radius of convergence of the line's Taylor series: the length f varies over.

    With aₖ = |G⁽ᵏ⁾(x)|/k!, the ratio test at the highest orders, (aⱼ/a_q)^(1/(q-j)) for the last
    few q: 1/x at x gives about x, sin(1000x) about 1/1000, a pole at distance r gives r. The
    low orders are not used: at a minimum found numerically, f′ is rounding noise (1e-32)
    that would make the scale 1e-21 instead of the distance to the pole. Where the highest
    coefficients vanish (a polynomial, sin at 0), the first terms decide as before: where the
    k-th term overtakes the first, t = (a₁/aₖ)^(1/(k-1)) (a₀ when a₁ is 0); infinite for a
    low-degree polynomial.
    """
    terms = [d / math.factorial(q) for q, d in enumerate(line_derivatives(fn, line, values, orders))]
    tail = np.full(np.shape(values[line.k]), np.inf)
    head = np.full(np.shape(values[line.k]), np.inf)
    with np.errstate(all="ignore"):
        for q in range(max(2, orders - 2), orders + 1):
            for j in range(max(1, q - 2), q):
                reach = (terms[j] / terms[q]) ** (1 / (q - j))
                usable = (terms[j] > 0) & (terms[q] > 0) & np.isfinite(reach)
                tail = np.where(usable, np.fmin(tail, reach), tail)
        for q in range(2, orders + 1):
            for first in (1, 0):
                reach = (terms[first] / terms[q]) ** (1 / (q - first))
                usable = (terms[first] > 0) & (terms[q] > 0) & np.isfinite(reach)
                if first == 0:
                    usable &= ~(terms[1] > 0)
                head = np.where(usable, np.fmin(head, reach), head)
    return np.where(np.isfinite(tail), tail, head)


def richardson(
    fn: Function, line: Line, values: Sequence[Any], derivative: int, first_step: Any = None, plans: Plans | None = None
) -> tuple[Estimate, Family]:
    """Richardson extrapolation, keeping the entry with the best certified bound.

    The table's first step is the largest power of 2 within the natural scale at which the
    central stencil's interval is smooth; ``first_step`` overrides it. Where no central
    interval is smooth (x sits next to a kink or the domain's edge), one-sided tables are tried.
    """
    plans = plans or Plans()
    columns = columns_within_limit(fn, line, plans.table(0, derivative, 4)[0])
    central, layout = plans.table(0, derivative, columns)
    x = np.asarray(values[line.k], dtype=float)
    if first_step is None:
        orders = min(8, fn.limits.max_order - len(line.index))
        scale = np.fmin(natural_scale(fn, line, values, orders), 4 * scale_of(x))
        start = np.fmax(power_of_two_below(scale), smallest_step(x))
        first_step = clear_of_singularities(line, values, start, (Fraction(-1), Fraction(1)))
    else:
        start = first_step
    estimate = Table(line, layout, mean_value=True).evaluate(values, first_step)
    blocked = np.asarray(estimate.code == NOT_SMOOTH)
    if not np.any(blocked):
        return estimate, central
    sides = []
    for sign in (-1, 1):  # no smooth central interval: look at each side
        side, side_layout = plans.table(sign, derivative, columns)
        step = clear_of_singularities(line, values, start, _span(sign))
        sides.append((side, Table(line, side_layout, mean_value=True).evaluate(values, step)))
    if np.ndim(x) == 0 and isinstance(line, ValueLine) and derivative == 1:
        sides = _on_branches(fn, line, values, sides, plans, columns)
    result, family = _one_sided(blocked, estimate, central, sides)
    if derivative > 1 and np.ndim(x) == 0 and result.code == OK:
        # Equal one-sided second derivatives prove nothing if the first ones differ (abs at 0: 0 and 0).
        lower, _ = richardson(fn, line, values, derivative - 1, None, plans)
        if lower.code in (NOT_DIFFERENTIABLE, JUMP):
            result = Estimate(math.nan, math.inf, math.inf, result.step, NOT_DIFFERENTIABLE, 0, result.evaluations)
            result.sides = lower.sides
    return result, family


def _span(sign: int) -> tuple[Fraction, Fraction]:
    return (Fraction(0), Fraction(sign)) if sign > 0 else (Fraction(sign), Fraction(0))


def _on_branches(
    fn: Function, line: Line, values: Sequence[Any], sides: list[tuple[Family, Estimate]], plans: Plans, columns: int
) -> list[tuple[Family, Estimate]]:
    """A side whose stencil interval is not smooth, estimated on the branch f takes there (see ``kinks``).

    A side where f jumps gets no estimate (code JUMP).
    """
    found = kinks.branches_at(fn, values, line.k)
    if found is None:
        return sides
    x = np.asarray(values[line.k], dtype=float)
    result = []
    for (family, estimate), branch in zip(sides, found, strict=True):
        if estimate.code == OK:
            result.append((family, estimate))
            continue
        if branch.function is None:
            result.append((family, Estimate(math.nan, math.inf, math.inf, estimate.step, JUMP, 0, 0)))
            continue
        side_line = ValueLine(branch.function, line.k)
        orders = min(8, fn.limits.max_order)
        scale = np.fmin(natural_scale(branch.function, side_line, values, orders), 4 * scale_of(x))
        start = np.fmax(power_of_two_below(scale), smallest_step(x))
        step = kinks.valid_step(
            branch, values, line.k, clear_of_singularities(side_line, values, start, _span(branch.direction))
        )
        if step is None:
            result.append((family, estimate))
            continue
        _, layout = plans.table(branch.direction, 1, columns)
        result.append((family, Table(side_line, layout, mean_value=True).evaluate(values, step)))
    return result


def _one_sided(
    blocked: Any, central: Estimate, family: Family, sides: list[tuple[Family, Estimate]]
) -> tuple[Estimate, Family]:
    """Where only one-sided stencils are smooth: the derivative exists if both sides agree.

    Both sides smooth and their certified intervals overlapping: the better side is the answer
    (x·|x| at 0). Disjoint: f is not differentiable there (abs at 0); the value is the average
    of the slopes, the symmetric derivative, with no bound. One side only (the domain's edge):
    that side, flagged as one-sided.
    """
    (left_family, left), (right_family, right) = sides
    left_ok, right_ok = np.asarray(left.code) == OK, np.asarray(right.code) == OK
    jumps = (np.asarray(left.code) == JUMP) | (np.asarray(right.code) == JUMP)
    # No side to read: no estimate. (The central stencil's value at a step that never cleared the kink
    # is about f four units away, not about f here.)
    nothing = Estimate(math.nan, math.inf, math.inf, central.step, np.where(jumps, JUMP, NOT_SMOOTH), 0, 0)
    central = _merge(blocked, nothing, central)
    with np.errstate(invalid="ignore"):
        left_bound = left.truncation + left.rounding
        right_bound = right.truncation + right.rounding
        agree = np.abs(left.value - right.value) <= left_bound + right_bound
    both = left_ok & right_ok
    right_better = right_bound <= left_bound
    best = _merge(both & right_better, right, left)
    result = _merge(blocked & both & agree, best, central)
    kink = blocked & both & ~agree
    with np.errstate(invalid="ignore", over="ignore"):
        average = (left.value + right.value) / 2
    result = _merge(kink, Estimate(average, np.inf, np.inf, right.step, NOT_DIFFERENTIABLE, 0, 0), result)
    only_right, only_left = blocked & right_ok & ~left_ok & ~jumps, blocked & left_ok & ~right_ok & ~jumps
    result = _merge(only_right, dataclasses.replace(right, code=ONE_SIDED), result)
    result = _merge(only_left, dataclasses.replace(left, code=ONE_SIDED), result)
    result.evaluations = central.evaluations + left.evaluations + right.evaluations
    result.sides = (left.value, right.value)
    if np.ndim(blocked) == 0 and (only_left or (both and agree and not right_better)):
        family = left_family
    elif np.ndim(blocked) == 0 and (only_right or (both and agree)):
        family = right_family
    return result, family


def _merge(where: Any, first: Estimate, second: Estimate) -> Estimate:
    value, truncation, rounding, step, code, entry = (
        np.where(where, getattr(first, name), getattr(second, name))
        for name in ("value", "truncation", "rounding", "step", "code", "entry")
    )
    return Estimate(value, truncation, rounding, step, code, entry, max(first.evaluations, second.evaluations))


def complex_first_derivative(fn: Function, values: Sequence[Any], k: int, step: Any) -> Estimate:
    """Im f(x + ih)/h, certified by an enclosure of the symbolic ∂f/∂x_k at the point.

    There is no subtraction, so no cancellation, and with h ≈ 1e-200 the truncation term
    h²·f'''/6 is far below any float. What remains is rounding inside f; instead of
    modelling it, the estimate is compared with an interval enclosure of the exact
    derivative: the error is at most the distance to the far end of the enclosure.
    """
    value = complex_step(fn, values, k, step)
    lo, hi, smooth = fn.derivative((fn.variables[k],)).enclose(point_boxes(values))
    smooth = smooth & smooth_at(fn, values)
    bound = error_from_enclosure(value, lo, hi)
    return Estimate(value, 0.0, bound, step, reason_code(smooth, value, bound), entry=0, evaluations=1)


def smooth_at(fn: Function, values: Sequence[Any]) -> Any:
    """Whether f is smooth at the point, given that the enclosure of its derivative there is.

    A domain edge or a pole of f makes f(x) nan or infinite (log at -1, where f' = 1/x is
    fine), and a vertical tangent makes the derivative's enclosure non-smooth; only a jump or
    a corner can hide from both, and then f's own enclosure is checked.
    """
    finite = np.isfinite(fn.f.array(values))
    if fn.hidden_kinks:
        return finite & fn.f.enclose(point_boxes(values))[2]
    return finite


def reason_code(smooth: Any, value: Any, bound: Any) -> Any:
    """OK, or why not: not smooth, not finite, unbounded (elementwise; a plain OK when all are fine)."""
    finite_value, finite_bound = np.isfinite(value), np.isfinite(bound)
    if np.all(smooth) and np.all(finite_value) and np.all(finite_bound):
        return OK
    return np.where(
        ~np.asarray(smooth), NOT_SMOOTH, np.where(~finite_value, NOT_FINITE, np.where(finite_bound, OK, UNBOUNDED))
    )


# -- mpmath ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HighPrecision:
    """A high-precision stencil's result at full working precision, with its bound's parts (mpmath numbers)."""

    value: Any
    truncation: Any
    rounding: Any
    step: float
    smooth: bool
    evaluations: int
    digits: str  # the value to as many digits as the bound certifies (at most the dps asked for)


def high_precision(
    fn: Function, values: Sequence[float], index: tuple[int, ...], dps: int, accuracy: int
) -> tuple[Estimate, str]:
    """A central stencil evaluated with mpmath, at one point, accurate to about ``dps`` digits.

    See ``high_precision_parts``; rounding the result to a float adds half an ulp. Returns the
    estimate and the value's decimal digits, as many as the bound certifies (at most ``dps``).
    """
    parts = high_precision_parts(fn, values, index, dps, accuracy)
    value = float(parts.value)
    up = intervals.HELPERS["scalar"]["up"]
    rounding_bound = up(float(parts.rounding) + math.ulp(value) / 2, 1.0)  # and the float conversion
    rounding_bound = rounding_bound if math.isfinite(rounding_bound) else math.inf  # never nan
    truncation_bound = up(float(parts.truncation), 1.0) if mpmath.isfinite(parts.truncation) else math.inf
    if not parts.smooth:
        code = NOT_SMOOTH
    elif not math.isfinite(value):
        code = NOT_FINITE
    else:
        code = OK if math.isfinite(truncation_bound) else UNBOUNDED
    estimate = Estimate(value, truncation_bound, rounding_bound, parts.step, code, 0, parts.evaluations)
    return estimate, parts.digits


def high_precision_parts(
    fn: Function, values: Sequence[float], index: tuple[int, ...], dps: int, accuracy: int
) -> HighPrecision:
    """A central stencil evaluated with mpmath, its value and bound kept at the working precision.

    The stencil works at ``w = dps + dps·d/p + 5`` digits with h ≈ 10^(-w/(p+d)), so that both
    truncation and rounding stay below 10^-dps. Mixed partials nest the stencil in both
    directions. The rounding of values at w digits is bounded by the float enclosure's width
    over the stencil scaled by 10^-w/u (a first-order rounding analysis is linear in the unit
    roundoff).
    """
    names = fn.variables
    k = index[0]
    mixed = len(index) == 2 and index[0] != index[1]
    stencil = central_stencil("central", 1 if mixed else len(index), accuracy)
    p, d = stencil.accuracy, 2 if mixed else stencil.derivative
    axes = [index[0], index[1]] if mixed else [k]
    work = dps + math.ceil(dps * d / p) + 5
    step, smooth, boxes = _mpmath_step(fn, values, axes, stencil, work)
    terms = list(itertools.product(*[list(zip(stencil.offsets, stencil.weights, strict=True)) for _ in axes]))
    widest = 0.0  # the largest float enclosure of a value, at the stencil's points rounded to floats
    for shifts in itertools.product(*[stencil.offsets for _ in axes]):
        moved = [float(v) for v in values]
        for axis, offset in zip(axes, shifts, strict=True):
            moved[axis] += float(offset) * step
        lo, hi, _ = fn.f.enclose(point_boxes(moved))
        widest = max(widest, hi - lo + 4 * U * magnitude(lo, hi))
    try:
        if mixed:
            inner, outer = names[index[0]], names[index[1]]
            maxima = [fn.derivative((outer,) * (p + 1) + (inner,)), fn.derivative((inner,) * (p + 1) + (outer,))]
            factors = [1.0, float(stencil.abs_moment)]
        else:
            maxima, factors = [fn.derivative((names[k],) * (p + d))], [1.0]
        sizes = [float(magnitude(*e.enclose(boxes)[:2])) for e in maxima]
    except SymdiffError:
        sizes, factors = [math.inf], [1.0]
    with mpmath.workdps(work):
        h = mpmath.mpf(step)
        total = mpmath.mpf(0)
        for term in terms:
            point = {name: mpmath.mpf(float(v)) for name, v in zip(names, values, strict=True)}
            weight = mpmath.mpf(1)
            for axis, (offset, factor) in zip(axes, term, strict=True):
                point[names[axis]] += mpmath.mpf(offset.numerator) / offset.denominator * h
                weight *= mpmath.mpf(factor.numerator) / factor.denominator
            total += weight * fn.f.mpmath_at(point, work)
        result = total / h**d
        noise = mpmath.mpf(widest) * mpmath.mpf(10) ** -work / U
        truncation = sum(f * stencil.kernel * h**p * size for f, size in zip(factors, sizes, strict=True))
        rounding = mpmath.mpf(float(stencil.abs_weights)) ** len(axes) * noise / h**d
        certified = (
            -mpmath.log10((truncation + rounding) / abs(result)) if result and mpmath.isfinite(truncation) else 0
        )
        digits = mpmath.nstr(result, int(max(1, min(dps, mpmath.floor(certified)))))
    return HighPrecision(result, truncation, rounding, step, smooth, len(terms), digits)


def _mpmath_step(
    fn: Function, values: Sequence[float], axes: list[int], stencil: Stencil, work: int
) -> tuple[float, bool, list[tuple[float, float]]]:
    """The power-of-2 step for ``high_precision``, scaled to the distance f is smooth over.

    That distance R is the largest power of 2, at most max(|x|, 1), with f smooth on
    [x - R, x + R] (found by bisection on the exponent: a smaller box is smooth if a larger
    one is). The step is R·10^(-work/(p+d)): truncation and rounding both scale like |f|/Rᵈ,
    as the derivative does, so log at 1e-15 keeps its digits instead of straddling 0.
    Returns the step, whether f is smooth on the stencil's box, and that box.
    """
    p, d = stencil.accuracy, 2 if len(axes) == 2 else stencil.derivative

    def box(h: float, a: Fraction, b: Fraction) -> list[tuple[float, float]]:
        boxes = point_boxes([float(v) for v in values])
        for axis in axes:
            lo, hi = outward_box(np.float64(values[axis]), np.float64(h), a, b)
            boxes[axis] = (float(lo), float(hi))
        return boxes

    def smooth_within(exponent: int) -> bool:
        return bool(fn.f.enclose(box(2.0**exponent, Fraction(-1), Fraction(1)))[2])

    top = max(math.floor(math.log2(max(abs(float(values[a])), 1.0))) for a in axes)
    low, high = -1074, top  # smooth_within(low) is assumed, and checked below
    if not smooth_within(high):
        while high - low > 1:  # invariant: not smooth at high
            middle = (low + high) // 2
            low, high = (middle, high) if smooth_within(middle) else (low, middle)
        top = low
    step = 2.0 ** max(-1074, math.floor(top - work * math.log2(10) / (p + d)))
    boxes = box(step, *stencil.span)
    return step, bool(fn.f.enclose(boxes)[2]), boxes
