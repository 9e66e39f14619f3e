"""Stencils applied along a line through the point, each estimate with a rigorous error bound.

A *line* is what a stencil samples as one variable moves and the others stay put: the
function itself (``ValueLine``), its first partial in another direction taken by complex
step (``ComplexLine``, for second derivatives), or an inner difference quotient
(``DifferenceLine``, for mixed partials in real arithmetic). A line returns each sampled
value with a bound on that value's error, and knows which derivative of f its "true"
function is, so that truncation can be bounded.

``evaluate`` applies a table of (stencil, step) entries sharing their sample points and
bounds each one:

    |error| ≤ kernel · hᵖ · max|G⁽ᵖ⁺ᵈ⁾| over the stencil's interval       (truncation)
            + [Σ|wᵢ| eᵢ + γₙ Σ|wᵢ gᵢ| + Σ|wᵢ| max|G'| δᵢ] / hᵈ + d·u·|value|   (rounding)

where eᵢ bounds the error of the i-th value, γₙ = n·u/(1 - n·u) covers the weighted sum,
and δᵢ is how far the float point x + sᵢh is from the intended one (known exactly from an
error-free sum, usually 0 because automatic steps are powers of 2). The max|·| come from
interval evaluation of the symbolic derivative. The entry with the smallest bound wins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import SymdiffError
from ..primitives import intervals
from .enclosure import magnitude
from .function import Function, MultiIndex
from .stencils import Stencil

U = intervals.U
PAD = 1 + 16 * U  # bounds are computed in floats too: a few roundings of slack keep them bounds
COMPLEX_STEP = 2.0**-664  # about 1e-200, and a power of 2: dividing by it is exact

# Why an estimate is not "ok"; the first reason that applies is reported (see result.REASONS).
OK, NOT_SMOOTH, NOT_FINITE, UNBOUNDED, NOT_DIFFERENTIABLE, ONE_SIDED = 0, 1, 2, 3, 4, 5
NOT_A_POINT, OVERFLOW = 6, 7  # a coordinate is nan or ±inf; f is beyond the largest float (exp at 1000)
JUMP = 8  # f jumps at the point: its difference quotients from one side diverge


def gamma(n: int) -> float:
    """γₙ = n·u / (1 - n·u): the relative error of a sum of n rounded terms."""
    return n * U / (1 - n * U)


def two_sum_error(a: Any, b: Any) -> tuple[Any, Any]:
    """(a + b rounded, its exact rounding error): Knuth's error-free transformation."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def with_column(values: Sequence[Any], k: int, column: Any) -> list[Any]:
    """The point's values with variable k replaced by ``column`` (one more trailing axis for the others)."""
    return [column if j == k else np.asarray(v)[..., None] for j, v in enumerate(values)]


def point_boxes(values: Sequence[Any]) -> list[tuple[Any, Any]]:
    return [(v, v) for v in values]


def error_from_enclosure(value: Any, lo: Any, hi: Any) -> Any:
    """The largest distance from ``value`` to a point of [lo, hi]: bounds |value - true| when true is inside."""
    with np.errstate(invalid="ignore"):
        error = np.maximum(value - lo, hi - value) * PAD  # the subtraction rounds too
    return np.where(np.isfinite(error), error, np.inf)


# -- lines ---------------------------------------------------------------------------------


class Line:
    """f (or a derivative of it) restricted to the line through the point along variable k."""

    fn: Function
    k: int
    index: MultiIndex  # the derivative of f this line's values approximate (() for f itself)

    def sample(self, values: Sequence[Any], xs: Any) -> tuple[Any, Any]:
        """Values at x_k = xs (a trailing axis of points) and a bound on each value's error."""
        raise NotImplementedError

    def derivative(self, q: int) -> MultiIndex:
        """The multi-index of the q-th derivative along the line of what the line samples."""
        return self.index + (self.fn.variables[self.k],) * q

    def smooth(self, values: Sequence[Any], lo: Any, hi: Any) -> Any:
        """Whether f is smooth on every box [lo, hi] along the line (around an inner stencil too)."""
        return self.fn.f.enclose(self._boxes(values, lo, hi))[2]

    def _boxes(self, values: Sequence[Any], lo: Any, hi: Any) -> list[tuple[Any, Any]]:
        """[lo, hi] (a trailing axis of boxes) along the line, every other variable at its value."""
        boxes = [
            (lo, hi) if j == self.k else (np.asarray(v)[..., None], np.asarray(v)[..., None])
            for j, v in enumerate(values)
        ]
        return self._widen(boxes)

    def _widen(self, boxes: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        return boxes

    def extra(self, values: Sequence[Any], lo: Any, hi: Any) -> Any:
        """A truncation term the line adds on each box (an inner stencil's), per unit of the outer
        stencil's Σ|wⱼsⱼ| (``Stencil.abs_moment``)."""
        return 0.0

    def noise(self, values: Sequence[Any]) -> Any:
        """A rough size of each value's error, for choosing a step (never used as a bound)."""
        x = np.asarray(values[self.k])
        g = self.fn.derivative(self.index).array(values)
        slope = self.fn.derivative(self.derivative(1)).array(values)
        with np.errstate(all="ignore"):
            return 2 * U * (np.abs(g) + np.abs(x * slope)) + 1e-300


class ValueLine(Line):
    """The function itself."""

    def __init__(self, fn: Function, k: int):
        self.fn, self.k, self.index = fn, k, ()

    def sample(self, values: Sequence[Any], xs: Any) -> tuple[Any, Any]:
        points = with_column(values, self.k, xs)
        g = self.fn.f.array(points)
        lo, hi, _ = self.fn.f.enclose(point_boxes(points))
        return g, error_from_enclosure(g, lo, hi)


class ComplexLine(Line):
    """∂f/∂x_i by complex step, Im f(x + i·h·e_i)/h with h ≈ 1e-200, along variable k."""

    def __init__(self, fn: Function, k: int, inner: int):
        self.fn, self.k, self.inner = fn, k, inner
        self.index = (fn.variables[inner],)

    def sample(self, values: Sequence[Any], xs: Any) -> tuple[Any, Any]:
        points = with_column(values, self.k, xs)
        g = complex_step(self.fn, points, self.inner, COMPLEX_STEP)
        lo, hi, _ = self.fn.derivative(self.index).enclose(point_boxes(points))
        return g, error_from_enclosure(g, lo, hi)


class DifferenceLine(Line):
    """An inner stencil along variable i with a fixed step, sampled along variable k (mixed partials)."""

    def __init__(self, fn: Function, k: int, inner: int, stencil: Stencil, step: Any):
        self.fn, self.k, self.inner, self.stencil = fn, k, inner, stencil
        self.layout = Layout.single(stencil)
        self.step = np.asarray(step)
        self.index = (fn.variables[inner],)

    def sample(self, values: Sequence[Any], xs: Any) -> tuple[Any, Any]:
        points = with_column(values, self.k, xs)
        h = self.step[..., None]
        inner = Table(ValueLine(self.fn, self.inner), self.layout)
        return inner.rounding_only(points, h)

    def _widen(self, boxes: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        a, b = self.stencil.span
        x = boxes[self.inner][0]
        h = self.step[..., None] if np.ndim(x) > np.ndim(self.step) else self.step
        lo, hi = outward_box(x, h, a, b)
        return [(lo, hi) if j == self.inner else box for j, box in enumerate(boxes)]

    def extra(self, values: Sequence[Any], lo: Any, hi: Any) -> Any:
        # The inner truncation error E(y) is smooth along the outer line, so the outer stencil
        # applied to it is at most Σ|wⱼsⱼ|·max|E'|, and E' is the inner stencil's truncation of ∂f/∂y.
        q = self.stencil.accuracy + self.stencil.derivative
        index = (self.fn.variables[self.inner],) * q + (self.fn.variables[self.k],)
        try:
            d_lo, d_hi, _ = self.fn.derivative(index).enclose(self._boxes(values, lo, hi))
        except SymdiffError:
            return np.inf
        h = np.asarray(self.step, dtype=float)[..., None] ** self.stencil.accuracy
        return PAD * self.stencil.kernel * h * magnitude(d_lo, d_hi)

    def noise(self, values: Sequence[Any]) -> Any:
        base = ValueLine(self.fn, self.inner).noise(values)
        return float(self.stencil.abs_weights) * base / self.step**self.stencil.derivative


def complex_step(fn: Function, values: Sequence[Any], i: int, h: float) -> Any:
    """Im f(x + i·h·e_i) / h on arrays: no subtraction, so no cancellation."""
    shifted = [np.asarray(v) + (1j * h if j == i else 0) for j, v in enumerate(values)]
    return np.imag(fn.f.array(shifted)) / h


def outward_box(x: Any, h: Any, a: Fraction, b: Fraction) -> tuple[Any, Any]:
    """[x + a·h, x + b·h] (a ≤ 0 ≤ b), each end rounded outward unless it is exact.

    An exact end stays put, so that the interval of a one-sided stencil starts exactly at x:
    abs is smooth on [0, h] but not on [-tiny, h].
    """
    m = intervals.HELPERS["numpy"]
    ends = []
    for unit, widen in ((a, m["down"]), (b, m["up"])):
        t = float(unit) * np.asarray(h)
        exact_product = (unit == 0) or (_is_power_of_two(float(unit)) | (np.frexp(h)[0] == 0.5))
        end, error = two_sum_error(np.asarray(x), t)
        ends.append(np.where((error == 0) & exact_product, end, widen(end, intervals.EXACT)))
    return ends[0], ends[1]


def _is_power_of_two(value: float) -> bool:
    return value != 0 and math.frexp(abs(value))[0] == 0.5


# -- tables of stencil entries ----------------------------------------------------------------


@dataclass
class Estimate:
    """The best entry of a table at every point: value, bound parts, step, and why it is not ok."""

    value: Any
    truncation: Any
    rounding: Any
    step: Any
    code: Any
    entry: Any  # index of the chosen entry
    evaluations: int
    sides: tuple[Any, Any] | None = None  # the left and right one-sided slopes, where they were needed


@dataclass(frozen=True)
class Layout:
    """Entries (stencil, scale), each applied with step scale·h0, and the sample points they share.

    Working this out costs exact arithmetic, so a Richardson table's layout is built once.
    """

    entries: tuple[tuple[Stencil, Fraction], ...]
    offsets: tuple[Fraction, ...]  # every sample point, in units of h0
    columns: tuple[tuple[int, ...], ...]  # each entry's points, as indices into offsets
    units: np.ndarray  # the offsets as floats
    exact_units: np.ndarray  # 0 or a power of 2: u·h is exact whenever h is a float

    @classmethod
    def of(cls, entries: Sequence[tuple[Stencil, Fraction]]) -> Layout:
        offsets = sorted({s * scale for stencil, scale in entries for s in stencil.offsets})
        position = {u: n for n, u in enumerate(offsets)}
        columns = tuple(tuple(position[s * scale] for s in stencil.offsets) for stencil, scale in entries)
        units = np.array([float(u) for u in offsets])
        exact = np.array([float(u) == u and (u == 0 or _is_power_of_two(float(u))) for u in offsets])
        return cls(tuple(entries), tuple(offsets), columns, units, exact)

    @classmethod
    def single(cls, stencil: Stencil) -> Layout:
        return cls.of([(stencil, Fraction(1))])


class Table:
    """A layout's entries applied on one line: every entry's value and bound at every point."""

    def __init__(self, line: Line, layout: Layout, *, mean_value: bool = False):
        self.line = line
        self.layout = layout
        self.entries = layout.entries
        self.offsets = layout.offsets
        self.columns = layout.columns
        self.mean_value = mean_value  # tighten max|G⁽q⁾| over wide boxes with the mean-value form

    def _points(self, x: Any, h0: Any) -> tuple[Any, Any]:
        """The sample points x + u·h0 (trailing axis) and how far each float point is from the exact one."""
        h = np.asarray(h0)[..., None]
        t = self.layout.units * h
        product_error = np.where(self.layout.exact_units | (np.frexp(h)[0] == 0.5), 0.0, U * np.abs(t))
        xs, sum_error = two_sum_error(np.asarray(x)[..., None], t)
        return xs, np.abs(sum_error) + product_error

    def rounding_only(self, values: Sequence[Any], h0: Any) -> tuple[Any, Any]:
        """The single entry's value and a bound on its rounding error only (for inner stencils)."""
        stencil, scale = self.entries[0]
        x = values[self.line.k]
        xs, delta = self._points(x, h0)
        g, e = self.line.sample(values, xs)
        h = np.asarray(h0) * float(scale)
        value, rounding = self._combine(
            stencil, self.columns[0], g, e, delta, h, slope=self._slope(values, x, h, stencil, delta)
        )
        return value, rounding

    def _slope(self, values: Sequence[Any], x: Any, h: Any, stencil: Stencil, delta: Any) -> Any:
        """max|G'| over the stencil's box, needed only when some float point is off its exact place."""
        if not np.any(delta):
            return 0.0
        lo, hi = outward_box(np.asarray(x), h, *stencil.span)
        return self._bound(values, 1, lo, hi)

    def _bound(self, values: Sequence[Any], q: int, lo: Any, hi: Any) -> Any:
        """max|G⁽q⁾| over [lo, hi] along the line (inf when it cannot be had)."""
        try:
            evaluator = self.line.fn.derivative(self.line.derivative(q))
        except SymdiffError:
            return np.full(np.shape(lo), np.inf)
        boxes = [
            (lo, hi) if j == self.line.k else (np.asarray(v)[..., None] if np.ndim(lo) > np.ndim(v) else v,) * 2
            for j, v in enumerate(values)
        ]
        d_lo, d_hi, _ = evaluator.enclose(self.line._widen(boxes))
        naive = magnitude(d_lo, d_hi)
        naive = np.broadcast_to(naive, np.broadcast_shapes(np.shape(naive), np.shape(lo)))
        if not self.mean_value:
            return naive
        # G⁽q⁾ over the box ⊆ G⁽q⁾(c) + G⁽q⁺¹⁾(box)·(box - c): much tighter on wide boxes. The
        # centre c is the box's midpoint, not x: a one-sided box may start at a kink, where the
        # formula gives the convention value (sign(0) = 0) rather than the one-sided limit.
        try:
            slope_evaluator = self.line.fn.derivative(self.line.derivative(q + 1))
        except SymdiffError:
            return naive
        up = intervals.HELPERS["numpy"]["up"]
        with np.errstate(invalid="ignore", over="ignore"):
            c = 0.5 * lo + 0.5 * hi
            centre = [(c, c) if j == self.line.k else box for j, box in enumerate(boxes)]
            c_lo, c_hi, _ = evaluator.enclose(self.line._widen(centre))
            s_lo, s_hi, _ = slope_evaluator.enclose(self.line._widen(boxes))
            reach = up(np.maximum(c - lo, hi - c), intervals.EXACT)
            mean_value = up(up(magnitude(s_lo, s_hi) * reach, intervals.EXACT) + magnitude(c_lo, c_hi), intervals.EXACT)
        return np.fmin(naive, mean_value)

    def _combine(
        self, stencil: Stencil, columns: tuple[int, ...], g: Any, e: Any, delta: Any, h: Any, slope: Any
    ) -> tuple[Any, Any]:
        weights = np.array([float(w) for w in stencil.weights])
        absolute = np.abs(weights)
        index = list(columns)
        gs, es, ds = g[..., index], e[..., index], delta[..., index]
        d = stencil.derivative
        with np.errstate(all="ignore"):
            scale = np.asarray(h**d)[..., None]
            value = (gs @ weights) / scale[..., 0]
            # Divided by hᵈ first: a bound of a few subnormals times a weight of 1/2 must not round to 0.
            spread = (es / scale) @ absolute + gamma(len(columns) + 1) * ((np.abs(gs) / scale) @ absolute)
            moved = ((ds / scale) @ absolute) * slope
            rounding = (spread + moved + d * U * np.abs(value)) * PAD
        return value, np.where(np.isnan(rounding), np.inf, rounding)

    def evaluate(self, values: Sequence[Any], h0: Any) -> Estimate:
        """Every entry at every point; the one with the smallest bound wins at each point."""
        x = np.asarray(values[self.line.k])
        h0 = np.asarray(h0, dtype=float)
        xs, delta = self._points(x, h0)
        g, e = self.line.sample(values, xs)
        finite = np.isfinite(g)
        boxes: dict[tuple[Fraction, Fraction, Fraction], tuple[Any, Any]] = {}
        for stencil, scale in self.entries:
            a, b = stencil.span
            key = (a * scale, b * scale, scale)
            if key not in boxes:
                boxes[key] = outward_box(x, h0, a * scale, b * scale)
        keys = list(boxes)
        position = {key: n for n, key in enumerate(keys)}
        stacked_lo = np.stack([boxes[k][0] for k in keys], axis=-1)
        stacked_hi = np.stack([boxes[k][1] for k in keys], axis=-1)
        smooth = np.asarray(self.line.smooth(values, stacked_lo, stacked_hi), dtype=bool)
        smooth = np.broadcast_to(smooth, stacked_lo.shape)
        orders = sorted({stencil.accuracy + stencil.derivative for stencil, _ in self.entries})
        maxima = {q: self._bound(values, q, stacked_lo, stacked_hi) for q in orders}
        slopes = self._bound(values, 1, stacked_lo, stacked_hi) if np.any(delta) else np.zeros(stacked_lo.shape)
        # One enclosure over every box, not one per entry: a Hessian by Richardson has dozens of entries.
        with np.errstate(all="ignore"):
            extra = np.broadcast_to(self.line.extra(values, stacked_lo, stacked_hi), stacked_lo.shape)
        results = []
        for (stencil, scale), columns in zip(self.entries, self.columns, strict=True):
            a, b = stencil.span
            where = position[(a * scale, b * scale, scale)]
            h = h0 * float(scale)
            value, rounding = self._combine(stencil, columns, g, e, delta, h, slopes[..., where])
            with np.errstate(all="ignore"):
                truncation = PAD * (
                    stencil.kernel * h**stencil.accuracy * maxima[stencil.accuracy + stencil.derivative][..., where]
                )
                truncation = truncation + float(stencil.abs_moment) * extra[..., where]
            truncation = np.where(np.isnan(truncation), np.inf, truncation)
            code = np.where(
                ~smooth[..., where],
                NOT_SMOOTH,
                np.where(
                    ~np.all(finite[..., columns], axis=-1), NOT_FINITE, np.where(np.isfinite(truncation), OK, UNBOUNDED)
                ),
            )
            results.append((value, truncation, rounding, h, code))
        return _best(results, len(self.offsets))


def _best(results: list[tuple[Any, Any, Any, Any, Any]], evaluations: int) -> Estimate:
    """At each point, the entry with the smallest total bound among those that are smooth and finite."""
    if len(results) == 1:
        return Estimate(*results[0], entry=0, evaluations=evaluations)
    shape = np.broadcast_shapes(*(np.shape(part) for result in results for part in result))
    value, truncation, rounding, step, code = (
        np.stack([np.broadcast_to(p, shape) for p in part], axis=-1) for part in zip(*results, strict=True)
    )
    with np.errstate(invalid="ignore"):
        total = np.where(code == OK, truncation + rounding, np.inf)
    # Where no entry can be bounded, fall back on the most plausible one: the smoothest code first.
    rank = np.where(code == OK, 0, np.where(code == UNBOUNDED, 1, 2))
    order = np.lexsort((np.where(np.isfinite(total), total, np.inf), rank), axis=-1)[..., 0]
    pick = order[..., None]
    chosen = [np.take_along_axis(part, pick, axis=-1)[..., 0] for part in (value, truncation, rounding, step, code)]
    return Estimate(chosen[0], chosen[1], chosen[2], chosen[3], chosen[4], entry=order, evaluations=evaluations)
