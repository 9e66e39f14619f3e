"""Interval arithmetic with outward rounding: the pieces each primitive's interval extension is made of.

An interval extension ``interval(m, f, *bounds) -> (lo, hi, smooth)`` encloses a primitive's
values over a box of arguments (``bounds`` is lo, hi of each argument). ``f`` is the
primitive's own implementation and ``m`` a namespace holding every primitive's
implementation plus the helpers below, for one backend: Python floats (``math``, fast for
one point) or NumPy arrays (many boxes at once). Extensions are written once against ``m``,
like the derivative rules, so they read the same on both. They use ``&`` and ``|`` on
conditions (never ``not``, ``and`` or ``~``), ``m.where`` to choose, ``m.min``/``m.max``.

* ``lo`` and ``hi`` are rounded outward: each library result is moved out by as many floats
  as the implementation may be ulps off (``m.down(x, ulps)``, ``m.up(x, ulps)``), so the true
  values are inside even though every computation rounds.
* Where the box leaves the primitive's domain (a pole, log of a negative), lo and hi are nan.
* ``smooth`` is true where the primitive, restricted to the box, is defined and infinitely
  differentiable. A corner on the box's edge is fine (abs on [0, 1] is the identity); a
  corner inside, a jump at the edge, a vertical tangent, a pole or a domain edge is not.

A float implementation may raise (``math.log(0)``, overflow); the graph evaluator then
reruns on NumPy, which gives inf or nan instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .lazy import NumpyFunction, numpy_module

if TYPE_CHECKING:
    import numpy as np
else:
    np = numpy_module()  # imported on first use: the registry builds its table from this module without NumPy

U = 2.0**-53  # unit roundoff of float64
EXACT = 0.5  # + - * / and sqrt are correctly rounded: within half an ulp
SAFE_LOW, SAFE_HIGH = 2.0**-900, 2.0**900  # factors and product here: its error can be computed exactly

Extension = Callable[..., tuple[Any, Any, Any]]
Predicate = Callable[[Any, Any], Any]


def _steps(ulps: float) -> int:
    """How many floats to step: a result within ``ulps`` ulps of the truth is within this many floats of it."""
    return math.ceil(ulps)


# -- the float backend ------------------------------------------------------------------


def _s_down(x: float, ulps: float) -> float:
    """A lower bound of the true value when x is within ``ulps`` ulps of it: step down that many floats.

    +inf steps down to the largest float (an overflowed result is at least that); nan stays nan.
    """
    for _ in range(math.ceil(ulps)):  # _steps, inlined: this is the hottest line of the float path
        x = math.nextafter(x, -math.inf)
    return x


def _s_up(x: float, ulps: float) -> float:
    for _ in range(math.ceil(ulps)):
        x = math.nextafter(x, math.inf)
    return x


def _s_sum_down(a: float, b: float) -> float:
    """A lower bound of a + b: the float sum itself when it is exact or rounded down."""
    total = a + b
    bb = total - a
    error = (a - (total - bb)) + (b - bb)  # exact: a + b = total + error (Knuth's TwoSum)
    return total if error >= 0 else math.nextafter(total, -math.inf)


def _s_sum_up(a: float, b: float) -> float:
    total = a + b
    bb = total - a
    error = (a - (total - bb)) + (b - bb)
    return total if error <= 0 else math.nextafter(total, math.inf)


def _s_times(a: float, b: float) -> tuple[float, float]:
    """An enclosure of a·b: the float product alone when it is exact (Dekker's TwoProduct)."""
    product = a * b
    if SAFE_LOW < abs(product) < SAFE_HIGH and abs(a) < SAFE_HIGH and abs(b) < SAFE_HIGH:
        error = _product_error(a, b, product)
        if error == 0:
            return product, product
        return (
            (product, math.nextafter(product, math.inf)) if error > 0 else (math.nextafter(product, -math.inf), product)
        )
    if product == 0 and (a == 0 or b == 0):
        return product, product
    return _s_down(product, EXACT), _s_up(product, EXACT)


def _s_min(a: float, b: float) -> float:
    if a <= b:
        return a
    return b if b < a else a + b  # a + b is nan when either is


def _s_max(a: float, b: float) -> float:
    if a >= b:
        return a
    return b if b > a else a + b


def _s_where(condition: bool, a: float, b: float) -> float:
    return a if condition else b


def _s_multiples(lo: float, hi: float, phase: float, period: float) -> tuple[float, float]:
    """The first and last k with ``phase + k·period`` in [lo, hi]; none when first > last.

    ``phase`` and ``period`` are floats near irrational numbers and the quotients round, so
    a point within a few ulps of the box counts as inside: the answer errs towards "in".
    """
    first, last = (lo - phase) / period, (hi - phase) / period
    slack = 8 * U * (abs(first) + abs(last) + abs(phase / period) + 1)
    return math.ceil(first - slack), math.floor(last + slack)


def _s_include(a: float, b: float, hit: bool, value: float) -> tuple[float, float]:
    """[a, b] widened to contain ``value`` where ``hit``."""
    if hit:
        return (a if a <= value else value), (b if b >= value else value)
    return a, b


def _s_ends(f: Callable[[float], float], lo: float, hi: float) -> tuple[float, float]:
    """(f(lo), f(hi)), evaluating f once on a single point."""
    first = f(lo)
    return first, (first if hi == lo else f(hi))


def _s_either(condition: bool, then: Callable[[], Any], otherwise: Callable[[], Any]) -> Any:
    return then() if condition else otherwise()


def _s_hull(*values: float) -> tuple[float, float]:
    for v in values:
        if v != v:  # a nan: no enclosure
            return math.nan, math.nan
    return min(values), max(values)


# -- the NumPy backend ------------------------------------------------------------------


def _split(a: Any) -> tuple[Any, Any]:
    """Veltkamp's split of a float into two halves of 26 bits: a = high + low exactly."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high


def _product_error(a: Any, b: Any, product: Any) -> Any:
    """a·b - product exactly, for |a|, |b|, |a·b| in (SAFE_LOW, SAFE_HIGH) (Dekker's TwoProduct, no FMA)."""
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low


def _np_sum_down(a: Any, b: Any) -> Any:
    total = a + b
    bb = total - a
    error = (a - (total - bb)) + (b - bb)
    return np.where(error >= 0, total, np.nextafter(total, -np.inf))


def _np_sum_up(a: Any, b: Any) -> Any:
    total = a + b
    bb = total - a
    error = (a - (total - bb)) + (b - bb)
    return np.where(error <= 0, total, np.nextafter(total, np.inf))


def _np_times(a: Any, b: Any) -> tuple[Any, Any]:
    """An enclosure of a·b: one ulp either side, or the product itself when it is an exact 0.

    Cheaper than the float backend's exact test, which costs some twenty passes over the arrays.
    """
    product = a * b
    zero = (product == 0) & ((a == 0) | (b == 0))
    return np.where(zero, product, np.nextafter(product, -np.inf)), np.where(
        zero, product, np.nextafter(product, np.inf)
    )


def _np_down(x: Any, ulps: float) -> Any:
    for _ in range(_steps(ulps)):
        x = np.nextafter(x, -np.inf)
    return x


def _np_up(x: Any, ulps: float) -> Any:
    for _ in range(_steps(ulps)):
        x = np.nextafter(x, np.inf)
    return x


def _np_multiples(lo: Any, hi: Any, phase: float, period: float) -> tuple[Any, Any]:
    first, last = (lo - phase) / period, (hi - phase) / period
    slack = 8 * U * (np.abs(first) + np.abs(last) + abs(phase / period) + 1)
    return np.ceil(first - slack), np.floor(last + slack)


def _np_include(a: Any, b: Any, hit: Any, value: float) -> tuple[Any, Any]:
    return np.where(hit, np.minimum(a, value), a), np.where(hit, np.maximum(b, value), b)


def _np_ends(f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any]:
    if np.array_equal(lo, hi):
        first = f(lo)
        return first, first
    return f(lo), f(hi)


def _np_either(condition: Any, then: Callable[[], Any], otherwise: Callable[[], Any]) -> Any:
    if np.all(condition):  # the usual case (every box a point, say): one branch only
        return then()
    if not np.any(condition):
        return otherwise()
    return tuple(np.where(condition, a, b) for a, b in zip(then(), otherwise(), strict=True))


def _np_hull(*values: Any) -> tuple[Any, Any]:
    stacked = np.stack(np.broadcast_arrays(*values))
    return np.min(stacked, axis=0), np.max(stacked, axis=0)  # nan propagates


HELPERS: MappingProxyType[str, MappingProxyType[str, Any]] = MappingProxyType(
    {
        "scalar": MappingProxyType(
            {
                "down": _s_down,
                "up": _s_up,
                "min": _s_min,
                "max": _s_max,
                "where": _s_where,
                "either": _s_either,
                "ends": _s_ends,
                "sum_down": _s_sum_down,
                "sum_up": _s_sum_up,
                "times": _s_times,
                "multiples": _s_multiples,
                "include": _s_include,
                "hull": _s_hull,
                "floor": math.floor,
                "ceil": math.ceil,
                "nan": math.nan,
                "inf": math.inf,
            }
        ),
        "numpy": MappingProxyType(
            {
                "down": _np_down,
                "up": _np_up,
                "min": NumpyFunction("minimum"),
                "max": NumpyFunction("maximum"),
                "where": NumpyFunction("where"),
                "either": _np_either,
                "ends": _np_ends,
                "sum_down": _np_sum_down,
                "sum_up": _np_sum_up,
                "times": _np_times,
                "multiples": _np_multiples,
                "include": _np_include,
                "hull": _np_hull,
                "floor": NumpyFunction("floor"),
                "ceil": NumpyFunction("ceil"),
                "nan": math.nan,
                "inf": math.inf,
            }
        ),
    }
)

# -- predicates for the registry ---------------------------------------------------------


def everywhere(lo: Any, hi: Any) -> Any:
    return True


def positive(lo: Any, hi: Any) -> Any:
    return lo > 0


def nonnegative(lo: Any, hi: Any) -> Any:
    return lo >= 0


def away_from_zero(lo: Any, hi: Any) -> Any:
    """0 is not in the box: the box is on one side of a jump, pole or vertical tangent at 0."""
    return (lo > 0) | (hi < 0)


def one_side_of_zero(lo: Any, hi: Any) -> Any:
    """0 is not inside the box (it may be an edge): the box is on one side of a corner at 0."""
    return (lo >= 0) | (hi <= 0)


def within(low: float, high: float, *, closed: bool) -> Predicate:
    """The box lies in [low, high] (``closed``) or in (low, high)."""
    if closed:
        return lambda lo, hi: (lo >= low) & (hi <= high)
    return lambda lo, hi: (lo > low) & (hi < high)


def outside(low: float, high: float, *, closed: bool) -> Predicate:
    """The box lies in (-inf, low] or in [high, inf) (``closed``), or the open versions."""
    if closed:
        return lambda lo, hi: (hi <= low) | (lo >= high)
    return lambda lo, hi: (hi < low) | (lo > high)


# -- shapes of functions: factories for the registry's entries ---------------------------


def _defined_only(m: Any, defined: Predicate | None, lo: Any, hi: Any, a: Any, b: Any) -> tuple[Any, Any]:
    if defined is None:
        return a, b
    inside = defined(lo, hi)
    return m.where(inside, a, m.nan), m.where(inside, b, m.nan)


def monotone(
    direction: int, ulps: float, *, domain: Predicate | None = None, smooth: Predicate | None = None
) -> Extension:
    """A function increasing (``direction=1``) or decreasing (``-1``) wherever it is defined.

    Args:
        ulps: how far the implementation may be from the true value, in ulps.
        domain: ``domain(lo, hi)``: the box lies where the function is defined (default: everywhere).
        smooth: ``smooth(lo, hi)``: the function restricted to the box is smooth (default: ``domain``).
    """
    smooth = smooth or domain

    def extension(m: Any, f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any, Any]:
        at_lo, at_hi = m.ends(f, lo, hi)
        first, last = (at_lo, at_hi) if direction > 0 else (at_hi, at_lo)
        a, b = _defined_only(m, domain, lo, hi, m.down(first, ulps), m.up(last, ulps))
        return a, b, True if smooth is None else smooth(lo, hi)

    return extension


def increasing(ulps: float, *, domain: Predicate | None = None, smooth: Predicate | None = None) -> Extension:
    """See ``monotone``."""
    return monotone(1, ulps, domain=domain, smooth=smooth)


def decreasing(ulps: float, *, domain: Predicate | None = None, smooth: Predicate | None = None) -> Extension:
    """See ``monotone``."""
    return monotone(-1, ulps, domain=domain, smooth=smooth)


def turning(at: float, ulps: float, *, minimum: bool, smooth: Predicate | None = None) -> Extension:
    """A function that decreases then increases (``minimum``), or the reverse, turning at ``at``."""

    def extension(m: Any, f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any, Any]:
        ends = m.hull(*m.ends(f, lo, hi))
        inside = (lo <= at) & (at <= hi)
        turn = f(at)
        if minimum:
            a, b = m.where(inside, turn, ends[0]), ends[1]
        else:
            a, b = ends[0], m.where(inside, turn, ends[1])
        return m.down(a, ulps), m.up(b, ulps), True if smooth is None else smooth(lo, hi)

    return extension


def hits(m: Any, lo: Any, hi: Any, phase: float, period: float) -> Any:
    """Whether some ``phase + k·period`` (k an integer) may lie in [lo, hi]."""
    first, last = m.multiples(lo, hi, phase, period)
    return first <= last


def misses(m: Any, lo: Any, hi: Any, phase: float, period: float) -> Any:
    """Whether no ``phase + k·period`` lies in [lo, hi] (for sure)."""
    first, last = m.multiples(lo, hi, phase, period)
    return first > last


def periodic(
    ulps: float,
    *,
    period: float = 2 * math.pi,
    extrema: tuple[tuple[float, float], ...] = (),
    pole: tuple[float, float] | None = None,
) -> Extension:
    """A periodic function: monotone between its extrema and poles.

    Args:
        extrema: (phase, value) of each maximum and minimum in one ``period``.
        pole: (phase, spacing) of the poles, if any: a box containing one has no enclosure.
    """

    def extension(m: Any, f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any, Any]:
        def point() -> tuple[Any, Any]:  # a single point holds no extremum: just round outward
            value = f(lo)
            return m.down(value, ulps), m.up(value, ulps)

        def box() -> tuple[Any, Any]:
            a, b = m.hull(f(lo), f(hi))
            a, b = m.down(a, ulps), m.up(b, ulps)
            for phase, value in extrema:
                a, b = m.include(a, b, hits(m, lo, hi, phase, period), value)
            return a, b

        a, b = m.either(lo == hi, point, box)
        if pole is None:
            return a, b, True
        defined = misses(m, lo, hi, *pole)
        return m.where(defined, a, m.nan), m.where(defined, b, m.nan), defined

    return extension


def after_reciprocal(
    outer: Callable[[Any], Callable[[Any], Any]],
    direction: int,
    ulps: float,
    *,
    domain: Predicate = away_from_zero,
    smooth: Predicate | None = None,
    across_zero: tuple[float, float] | None = None,
) -> Extension:
    """``g(1/x)`` for a monotone ``g`` (acot is atan of 1/x): 1/x is enclosed first, then g.

    Enclosing 1/x before g keeps the bound honest where g amplifies the rounding of 1/x
    (acos near 1 does it a thousandfold). ``outer(m)`` picks g from the namespace;
    ``direction`` is g's. ``domain`` keeps 0 out of the box; ``across_zero`` is the hull of
    the values when a box containing 0 is still in the domain (acot, with its jump at 0).
    """

    def extension(m: Any, f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any, Any]:
        one_side = domain(lo, hi) & away_from_zero(lo, hi)
        safe_lo, safe_hi = m.where(one_side, lo, 1.0), m.where(one_side, hi, 1.0)
        r_lo, r_hi = m.down(1.0 / safe_hi, EXACT), m.up(1.0 / safe_lo, EXACT)  # 1/x decreases on each side
        g = outer(m)
        first, last = (g(r_lo), g(r_hi)) if direction > 0 else (g(r_hi), g(r_lo))
        wide_lo, wide_hi = across_zero or (m.nan, m.nan)
        a = m.where(one_side, m.down(first, ulps), m.down(wide_lo, EXACT))
        b = m.where(one_side, m.up(last, ulps), m.up(wide_hi, EXACT))
        return a, b, (smooth or domain)(lo, hi)

    return extension


# -- arithmetic --------------------------------------------------------------------------


def add(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    return m.sum_down(a_lo, b_lo), m.sum_up(a_hi, b_hi), True  # exact sums stay exact


def sub(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    return m.sum_down(a_lo, -b_hi), m.sum_up(a_hi, -b_lo), True


def neg(m: Any, f: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    return -hi, -lo, True


def mul(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    def points() -> tuple[Any, Any, Any]:  # the common case on a single point: exact when it can be
        return (*m.times(a_lo, b_lo), True)

    def boxes() -> tuple[Any, Any, Any]:
        lo, hi = m.hull(a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi)
        return m.down(lo, EXACT), m.up(hi, EXACT), True

    return m.either((a_lo == a_hi) & (b_lo == b_hi), points, boxes)


def div(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    defined = (b_lo > 0) | (b_hi < 0)  # a pole where the denominator can be 0
    b_lo, b_hi = m.where(defined, b_lo, 1.0), m.where(defined, b_hi, 1.0)
    lo, hi = m.hull(a_lo / b_lo, a_lo / b_hi, a_hi / b_lo, a_hi / b_hi)
    return m.where(defined, m.down(lo, EXACT), m.nan), m.where(defined, m.up(hi, EXACT), m.nan), defined


def power(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    """a^b: a whole-number exponent (x^3, x^-2) on any base, else a positive base (x^x, 2^x)."""

    def square() -> tuple[Any, Any, Any]:  # x^2, the commonest power: exact squares at the ends
        lo_lo, lo_hi = m.times(a_lo, a_lo)
        hi_lo, hi_hi = m.times(a_hi, a_hi)
        low = m.where(a_lo >= 0, lo_lo, m.where(a_hi <= 0, hi_lo, 0.0))
        high = m.where(a_lo >= 0, hi_hi, m.where(a_hi <= 0, lo_hi, m.max(lo_hi, hi_hi)))
        return low, high, True

    def whole() -> tuple[Any, Any, Any]:
        # Monotone on each side of 0, turning at 0 when n is even, a pole at 0 when n < 0.
        n = b_lo
        off_pole = (n >= 0) | (a_lo > 0) | (a_hi < 0)
        lo, hi = m.hull(f(m.where(off_pole, a_lo, 1.0), n), f(m.where(off_pole, a_hi, 1.0), n))
        turns = (n > 0) & (n == 2 * m.floor(n / 2)) & (a_lo <= 0) & (a_hi >= 0)
        lo = m.where(turns, 0.0, lo)
        return m.where(off_pole, lo, m.nan), m.where(off_pole, hi, m.nan), off_pole

    def corners() -> tuple[Any, Any, Any]:
        # a^b = exp(b·log a) is monotone in each argument: its extremes are at the corners.
        positive = a_lo > 0
        defined = positive | ((a_lo >= 0) & (b_lo > 0))
        base_lo = m.where(defined, m.where(positive, a_lo, 0.0), 1.0)
        base_hi = m.where(defined, a_hi, 1.0)
        lo, hi = m.hull(f(base_lo, b_lo), f(base_lo, b_hi), f(base_hi, b_lo), f(base_hi, b_hi))
        zero_base = (a_lo == 0) & (a_hi == 0) & (b_lo > 0)  # 0^b is the constant 0 while b > 0
        return m.where(defined, lo, m.nan), m.where(defined, hi, m.nan), positive | zero_base

    def general() -> tuple[Any, Any, Any]:
        is_whole = (b_lo == b_hi) & (b_lo == m.floor(b_lo))
        lo, hi, smooth = m.either(is_whole, whole, corners)
        return m.down(lo, 1.0), m.up(hi, 1.0), smooth

    return m.either((b_lo == 2) & (b_hi == 2), square, general)


def pairwise(larger: bool) -> Extension:
    """max (``larger``) or min of two arguments: monotone in each; smooth where one always wins."""

    def extension(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
        pick = m.max if larger else m.min
        return pick(a_lo, b_lo), pick(a_hi, b_hi), (a_lo >= b_hi) | (a_hi <= b_lo)

    return extension


# -- the functions of calculus courses: angles, steps, gamma and its kin -------------------

_PI_UP = math.nextafter(math.pi, math.inf)  # the float π is below the true π
GAMMA_MINIMUM = 1.4616321449683622  # where Γ and ln Γ turn on x > 0 (the root of ψ), within half an ulp
_SINC_MINIMUM = -0.2172336282112217  # sinc's least value (at x ≈ 4.4934), rounded down
BRANCH_POINT = -0.36787944117144233  # -1/e rounded up: the real branches of LambertW start here


def _hull_of(m: Any, f: Callable[..., Any], ulps: float, *points: tuple[Any, ...]) -> tuple[Any, Any]:
    lo, hi = m.hull(*(f(*p) for p in points))
    return m.down(lo, ulps), m.up(hi, ulps)


def angle(m: Any, f: Any, y_lo: Any, y_hi: Any, x_lo: Any, x_hi: Any) -> tuple[Any, Any, Any]:
    """atan2(y, x) over a box: the angles of a convex set that misses the origin lie between its corners'.

    Unless the box touches the negative x-axis, where the angle jumps from π to −π: then [−π, π].
    """
    defined = (y_lo > 0) | (y_hi < 0) | (x_lo > 0) | (x_hi < 0)
    smooth = (y_lo > 0) | (y_hi < 0) | (x_lo > 0)  # neither the origin nor the cut
    lo, hi = _hull_of(m, f, 2, (y_lo, x_lo), (y_lo, x_hi), (y_hi, x_lo), (y_hi, x_hi))
    lo, hi = m.where(smooth, lo, -_PI_UP), m.where(smooth, hi, _PI_UP)
    return m.where(defined, lo, m.nan), m.where(defined, hi, m.nan), smooth


def _nearest_to_zero(m: Any, lo: Any, hi: Any) -> Any:
    return m.where(lo > 0, lo, m.where(hi < 0, -hi, 0.0))


def norm(m: Any, f: Any, a_lo: Any, a_hi: Any, b_lo: Any, b_hi: Any) -> tuple[Any, Any, Any]:
    """hypot(a, b) grows with |a| and |b|: its extremes are at the points nearest to and farthest from 0."""
    lo = f(_nearest_to_zero(m, a_lo, a_hi), _nearest_to_zero(m, b_lo, b_hi))
    hi = f(m.max(-a_lo, a_hi), m.max(-b_lo, b_hi))
    return m.down(lo, 1), m.up(hi, 1), (a_lo > 0) | (a_hi < 0) | (b_lo > 0) | (b_hi < 0)


def staircase(m: Any, f: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """floor or ceiling: exact in floats, increasing, smooth on a box holding no integer."""
    return f(lo), f(hi), misses(m, lo, hi, 0.0, 1.0)


def fractional(m: Any, f: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """x − ⌊x⌋: increasing between two integers (x − 1 rounds: an ulp), anything in [0, 1] across one."""
    between = misses(m, lo, hi, 0.0, 1.0)
    return m.where(between, m.down(f(lo), 1), 0.0), m.where(between, m.up(f(hi), 1), 1.0), between


def _between_poles(m: Any, lo: Any, hi: Any) -> Any:
    """The box lies left of 0 strictly between two consecutive non-positive integers."""
    return (m.floor(lo) == m.floor(hi)) & (m.floor(lo) < lo) & (hi < 0)


def gamma_like(shift: float, ulps: float) -> Extension:
    """Γ(x + shift) (``shift`` 0: gamma, 1: factorial), from an implementation within ``ulps`` ulps.

    Right of the poles it falls to its minimum at x + shift = 1.4616… and rises again (``turning``;
    the float turning point is within half an ulp of the true one, where Γ is flat to 10⁻³²).
    Between two poles it is monotone on any box where ψ = Γ′/Γ keeps one sign; ψ increases
    there, so its signs at the two ends decide. Elsewhere (a pole, ψ changing sign): no enclosure.
    """
    right = turning(GAMMA_MINIMUM - shift, ulps, minimum=True)

    def extension(m: Any, f: Callable[[Any], Any], lo: Any, hi: Any) -> tuple[Any, Any, Any]:
        def on_the_left() -> tuple[Any, Any, Any]:
            u_lo, u_hi = lo + shift, hi + shift  # exact where it matters: a pole needs x + shift ≤ 0
            psi_lo, psi_hi = m.polygamma(0.0, u_lo), m.polygamma(0.0, u_hi)
            one_sign = ((psi_lo > 0) & (psi_hi > 0)) | ((psi_lo < 0) & (psi_hi < 0))
            monotone = _between_poles(m, u_lo, u_hi) & one_sign
            a, b = _hull_of(m, f, ulps, (lo,), (hi,))
            return m.where(monotone, a, m.nan), m.where(monotone, b, m.nan), monotone

        return m.either(lo + shift > 0, lambda: right(m, f, lo, hi), on_the_left)

    return extension


def log_gamma(m: Any, f: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """ln Γ(x) on x > 0: down to its minimum at 1.4616…, then up."""
    positive = lo > 0
    a, b, _ = turning(GAMMA_MINIMUM, 1, minimum=True)(m, f, m.where(positive, lo, 1.0), m.where(positive, hi, 1.0))
    return m.where(positive, a, m.nan), m.where(positive, b, m.nan), positive


def polygamma(m: Any, f: Any, n_lo: Any, n_hi: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """ψ⁽ⁿ⁾(x): monotone on x > 0; between two poles too when n is even (then ψ⁽ⁿ⁺¹⁾ > 0 everywhere)."""
    even = n_lo == 2 * m.floor(n_lo / 2)
    monotone = (n_lo == n_hi) & ((lo > 0) | (even & _between_poles(m, lo, hi)))
    a, b = _hull_of(m, f, 1, (n_lo, lo), (n_lo, hi))
    return m.where(monotone, a, m.nan), m.where(monotone, b, m.nan), monotone


def lambert(m: Any, f: Any, lo: Any, hi: Any, k_lo: Any, k_hi: Any) -> tuple[Any, Any, Any]:
    """LambertW on its branch k: 0 increases on [−1/e, ∞), −1 decreases on [−1/e, 0); vertical at −1/e."""
    upper = hi < m.where(k_lo == 0, m.inf, 0.0)
    branch = (k_lo == k_hi) & ((k_lo == 0) | (k_lo == -1))
    defined = branch & (lo >= BRANCH_POINT) & upper
    a, b = _hull_of(m, f, 1, (lo, k_lo), (hi, k_lo))
    return m.where(defined, a, m.nan), m.where(defined, b, m.nan), defined & (lo > BRANCH_POINT)


def sinc(m: Any, f: Any, lo: Any, hi: Any) -> tuple[Any, Any, Any]:
    """sin(x)/x: on [−3, 3] it falls with |x|; further out, the sine's enclosure over the box's.

    Never below its least value, never above 1.
    """
    central = (lo >= -3.0) & (hi <= 3.0)
    c_lo, c_hi = m.down(f(m.max(-lo, hi)), 2), m.up(f(_nearest_to_zero(m, lo, hi)), 2)
    s_lo, s_hi, _ = periodic(1, extrema=((math.pi / 2, 1.0), (3 * math.pi / 2, -1.0)))(m, m.sin, lo, hi)
    q_lo, q_hi, defined = div(m, None, s_lo, s_hi, lo, hi)
    q_lo, q_hi = m.where(defined, m.max(q_lo, _SINC_MINIMUM), _SINC_MINIMUM), m.where(defined, m.min(q_hi, 1.0), 1.0)
    return m.where(central, c_lo, q_lo), m.where(central, c_hi, q_hi), True


def root(m: Any, f: Any, lo: Any, hi: Any, n_lo: Any, n_hi: Any) -> tuple[Any, Any, Any]:
    """The real n-th root, increasing: of any x for odd n, of x ≥ 0 for even n; vertical at 0."""
    odd = n_lo != 2 * m.floor(n_lo / 2)
    defined = (n_lo == n_hi) & (odd | (lo >= 0))
    a, b = _hull_of(m, f, 2, (lo, n_lo), (hi, n_lo))
    return m.where(defined, a, m.nan), m.where(defined, b, m.nan), defined & ((lo > 0) | (hi < 0))


def binomial(m: Any, f: Any, n_lo: Any, n_hi: Any, k_lo: Any, k_hi: Any) -> tuple[Any, Any, Any]:
    """Γ(n+1) / (Γ(k+1) Γ(n−k+1)): at a point from the implementation; over a box from the three gammas' enclosures."""

    def point() -> tuple[Any, Any, Any]:
        value = f(n_lo, k_lo)
        return m.down(value, 1), m.up(value, 1), (n_lo > -1) | (n_lo != m.floor(n_lo))

    def box() -> tuple[Any, Any, Any]:
        gamma = gamma_like(0.0, 8)
        top = gamma(m, m.gamma, m.sum_down(n_lo, 1.0), m.sum_up(n_hi, 1.0))
        left = gamma(m, m.gamma, m.sum_down(k_lo, 1.0), m.sum_up(k_hi, 1.0))
        rest = gamma(m, m.gamma, m.sum_down(m.sum_down(n_lo, -k_hi), 1.0), m.sum_up(m.sum_up(n_hi, -k_lo), 1.0))
        below = mul(m, None, left[0], left[1], rest[0], rest[1])
        lo, hi, defined = div(m, None, top[0], top[1], below[0], below[1])
        return lo, hi, defined & top[2] & left[2] & rest[2]

    return m.either((n_lo == n_hi) & (k_lo == k_hi), point, box)
