"""An array program along a line: g(t) = Σ f(θ + t·v), a function of one variable for finite differences.

``ArrayLine`` is a ``Function`` of one variable ``t``, so ``FiniteDifferences(line, "t", …)``
works with every method. Its values come from the tape's generated code (floats, complex
numbers for the complex step, mpmath numbers at any precision), summed over the outputs'
elements and the batch's samples as the tape's gradient is; g'(0) = ∇f·v.

Its enclosures — of g and of every derivative g⁽ᵠ⁾ over an interval of t, which bound the
rounding and the truncation of each estimate and say where a stencil would cross a kink —
come from Taylor arithmetic with interval coefficients (``taylor``) run over the tensor graph:
one pass per batch of intervals gives every coefficient at once, and is kept for the next
question about the same intervals. The registry's array primitives are run through their own
``forward`` formulas on series (``SeriesBackend`` speaks their vocabulary). Before a function
judges its argument (is relu's pre-activation on one side of 0?), the argument's enclosure
is tightened with the mean-value form u(c) + u'(T)·(T - c), c = 0 where the interval holds
it: before the first non-linear function a value is affine in t, and this form is then exact
up to rounding (the naive one counts each parameter's interval separately), and exact at an
edge t = 0 of a one-sided stencil.

Where an element-wise function is not smooth on its argument's interval (a relu
pre-activation changes sign), the enclosures of the higher coefficients are unknown; the
line says which node and element (``culprit``), and the finite-difference layer shrinks its
step until that no longer happens, or reports it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..errors import EvaluationError, SymdiffError
from ..language.parser import symbol
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives import registry
from ..primitives.arrays import ArrayPrimitive
from ..primitives.primitive import Primitive
from ..primitives.shapes import shape_text
from ..tape.array_tape import ArrayTape
from . import products
from .function import Function, MultiIndex
from .lines import two_sum_error
from .products import ETA, U
from .taylor import LEAD, PrimitiveDerivatives, Rough, Series, Taylor, down, from_bounds, inflate, to_bounds, up

BUDGET = 2**20  # floats per coefficient array: intervals are enclosed in batches of at most this size
CACHED = 16  # how many batches of intervals a line remembers
SHRINK = 64  # how many halvings a culprit's interval may take towards the point
NESTED = 8  # more nested intervals than this are settled by bisection (see LineModel._values_over)

_ARITHMETIC = {
    ("+", 2): lambda a, b: a + b,
    ("-", 2): lambda a, b: a - b,
    ("-", 1): lambda a: -a,
    ("*", 2): lambda a, b: a * b,
    ("/", 2): lambda a, b: a / b,
}


class SeriesBackend:
    """The ``m`` that array primitives' ``forward`` formulas see, on ``Series`` values.

    Linear operations act coefficient by coefficient; products are Cauchy products in
    midpoint-radius form; ``shift`` is a constant (the formulas do not depend on it); every
    scalar primitive of the registry is applied element-wise by ``Taylor.compose``.
    """

    def __init__(self, taylor: Taylor):
        self.taylor = taylor
        self.pi, self.e = math.pi, math.e
        for p in registry.PRIMITIVES:
            setattr(self, p.name, self._elementwise(p))

    def _elementwise(self, p: Primitive) -> Any:
        def apply(*args: Any) -> Series:
            return elementwise(self.taylor, p, [self.taylor.lift(a) for a in args], [None] * p.arity)

        return apply

    def matmul(self, a: Series, b: Series, into: Series | None = None) -> Series:
        shape = a.shape[:-1] + b.shape[1:]
        return self.taylor.bilinear(a, b, products.matrix(a.rank, b.rank, a.shape[-1]), shape)

    def outer(self, a: Series, b: Series, into: Series | None = None) -> Series:
        return self.taylor.bilinear(a, b, products.outer(), (a.shape[0], b.shape[0]))

    def scale(self, s: Series, x: Series, into: Series | None = None) -> Series:
        return s * x

    def transpose(self, a: Series) -> Series:
        if a.rank < 2:
            return a
        return Series(np.swapaxes(a.mid, -1, -2), np.swapaxes(a.rad, -1, -2), a.shape[::-1], self.taylor)

    def trace(self, a: Series) -> Series:
        n = a.shape[0]
        mid, error = products.accurate_sum(np.diagonal(a.mid, axis1=-2, axis2=-1))
        rad = inflate(np.trace(a.rad, axis1=-2, axis2=-1) + error, n + 4)
        return self.taylor.series(mid, rad, ())

    def eye(self, n: int) -> Series:
        return self.taylor.series(np.eye(n)[None, None, None], np.zeros((1, 1, 1, n, n)), (n, n))

    def ones(self, shape: tuple[int, ...]) -> Series:
        shape = tuple(shape)
        return self.taylor.series(np.ones((1, 1, 1, *shape)), np.zeros((1, 1, 1, *shape)), shape)

    def total(self, x: Series, axes: tuple[int, ...] | None) -> Series:
        return self.taylor.total(x, axes)

    def spread(self, g: Series, x: Series, axes: tuple[int, ...] | None) -> Series:
        declared = set(range(x.rank)) if axes is None else {k % x.rank for k in axes}
        kept = iter(g.mid.shape[1 + LEAD :])
        inserted = tuple(1 if k in declared else next(kept) for k in range(x.rank))

        def spread_out(array: Any) -> Any:
            array = np.reshape(array, array.shape[: 1 + LEAD] + inserted)
            return np.broadcast_to(array, array.shape[: 1 + LEAD] + x.shape)

        return Series(spread_out(g.mid), spread_out(g.rad), x.shape, self.taylor)

    def shift(self, x: Series) -> Series:
        """A constant near the largest value along the last axis: any constant would do."""
        centre = np.where(np.isfinite(x.mid[:1]), x.mid[:1], -np.inf)
        top = np.max(centre, axis=-1)
        top = np.where(np.isfinite(top), top, 0.0)
        return Series(top, np.broadcast_to(0.0, top.shape), x.shape[:-1], self.taylor)

    def index(self, x: Series, index: tuple[int, ...]) -> Series:
        where = (slice(None),) * (1 + LEAD) + tuple(index)
        return Series(x.mid[where], x.rad[where], x.shape[len(index) :], self.taylor)


def elementwise(taylor: Taylor, p: Primitive, args: Sequence[Series], constants: Sequence[sp.Expr | None]) -> Series:
    """A scalar primitive on series: the arithmetic operators by their rules, every other function by composition."""
    if p.infix is not None:
        return _ARITHMETIC[(p.infix, p.arity)](*args)  # type: ignore[operator]
    return taylor.compose(p, args, constants)


@dataclass(frozen=True)
class Enclosure:
    """Enclosures of g's Taylor coefficients over a batch of intervals of t.

    Attributes:
        mid, rad: coefficient k over interval i at [k, i] (zero beyond the degree).
        smooth: per interval, whether every function was smooth on its arguments' intervals.
        order: the coefficients computed (0 … order); beyond ``degree`` < order they are exactly 0.
        degree: the degree of the series (g is a polynomial of this degree along the line when < order).
    """

    mid: np.ndarray
    rad: np.ndarray
    smooth: np.ndarray
    order: int
    degree: int

    def answers(self, q: int) -> bool:
        return q <= self.order or self.degree < self.order

    def coefficient(self, q: int) -> tuple[np.ndarray, np.ndarray]:
        if q > self.degree:
            return np.zeros(self.smooth.shape), np.zeros(self.smooth.shape)
        return self.mid[q], self.rad[q]


class Aim:
    """The point θ and the direction v of a line, checked against the tape's declared shapes.

    Attributes:
        arrays: θ, one float64 array per input in the tape's order.
        directions: v per input (None where it is zero), shaped to broadcast against θ.
        batched: which inputs carry a sample axis.
    """

    def __init__(self, tape: ArrayTape, point: Mapping[str, Any], direction: Mapping[str, Any]):
        at = tape.point(point)
        if any(np.iscomplexobj(a) for a in at.arrays):
            raise EvaluationError("a directional derivative needs a real point; the point has complex values")
        self.arrays = [np.asarray(a, dtype=float) for a in at.arrays]
        self.batched = at.batched
        if not isinstance(direction, Mapping):
            raise EvaluationError(f"the direction is a dict of input name → array, got {type(direction).__name__}")
        unknown = sorted(set(direction) - set(tape.variables))
        if unknown:
            raise EvaluationError(
                f"the direction names {', '.join(unknown)}, which is not an input (inputs: {', '.join(tape.variables)})"
            )
        self.directions = [
            _direction(name, direction.get(name), tape.shapes[name], array)
            for name, array in zip(tape.variables, self.arrays, strict=True)
        ]


def _direction(name: str, value: Any, shape: tuple[int, ...], array: np.ndarray) -> np.ndarray | None:
    """v for one input: its declared shape (the same for every sample), or the point's own shape; None when 0."""
    if value is None:
        return None
    try:
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise EvaluationError(f"the direction for {name} must be an array of real numbers") from None
    if v.shape not in (shape, array.shape):
        raise EvaluationError(
            f"the direction for {name} must have shape {shape_text(shape)} (declared) or {shape_text(array.shape)} "
            f"(the point's), got {shape_text(v.shape)}"
        )
    if not np.all(np.isfinite(v)):
        raise EvaluationError(f"the direction for {name} has nan or infinite elements")
    return v if np.any(v) else None


class LineModel:
    """g along one aimed line: float, complex and mpmath values, and enclosures over intervals of t."""

    def __init__(self, line: ArrayLine, aim: Aim):
        self.line = line
        self.graph = line.tape.graph
        self.aim = aim
        self._forward = line.tape.function(aim.batched, gradient=False)
        self._cache: dict[tuple[bytes, bytes], Enclosure] = {}
        self._mpmath: tuple[list[Any], list[Any]] | None = None
        self._at_zero: list[Series] | None = None  # every node's value at t = 0 (see _anchors)
        self._per_interval = _per_interval(self.graph, aim)

    # -- values ----------------------------------------------------------------------------

    def values(self, ts: Any) -> Any:
        """g at each t (real or complex), by the tape's NumPy code."""
        ts = np.asarray(ts)
        flat = ts.ravel()
        out = np.empty(flat.shape, dtype=complex if np.iscomplexobj(ts) else float)
        with np.errstate(all="ignore"):
            for j, t in enumerate(flat):
                arrays = [
                    a if v is None else a + t * v for a, v in zip(self.aim.arrays, self.aim.directions, strict=True)
                ]
                out[j] = np.sum(self._forward(*arrays))
        return out.reshape(ts.shape)

    def mpmath_value(self, t: Any, dps: int) -> Any:
        """g(t) at ``dps`` digits, by the tape's forward code on arrays of mpmath numbers."""
        if self._mpmath is None:
            convert = np.frompyfunc(mpmath.mpf, 1, 1)
            self._mpmath = (
                [convert(a) for a in self.aim.arrays],
                [None if v is None else convert(v) for v in self.aim.directions],
            )
        arrays, directions = self._mpmath
        forward = self.line.tape.function(self.aim.batched, "mpmath", gradient=False)
        with mpmath.workdps(dps):
            t = mpmath.mpf(t)
            moved = [a if v is None else a + t * v for a, v in zip(arrays, directions, strict=True)]
            out = forward(*moved)
            return mpmath.fsum(np.ravel(out)) if np.ndim(out) else mpmath.mpf(out)

    # -- enclosures ------------------------------------------------------------------------

    def enclosure(self, lo: Any, hi: Any, q: int) -> Enclosure:
        """Coefficients 0 … ≥ q of g over the intervals [lo, hi] (flat arrays), remembered for later questions."""
        key = (lo.tobytes(), hi.tobytes())
        found = self._cache.get(key)
        if found is not None and found.answers(q):
            return found
        # The values alone need order 0 at points, and order 1 over intervals (for the mean-value
        # form); a derivative gets the line's planned order, so that the next one is at hand.
        point = bool(np.all(lo == hi))
        order = (0 if point else 1) if q == 0 else min(max(q, self.line.order), self.line.limits.max_order)
        pairs, where = np.unique(np.stack([lo, hi]), axis=1, return_inverse=True)  # each interval once
        lo, hi = pairs[0], pairs[1]
        nested = _nested(lo, hi) if q == 0 and lo.size > NESTED else None
        found = self._values_over(lo, hi, nested, order) if nested is not None else self._batches(lo, hi, order)
        where = np.ravel(where)  # np.unique sorts: back to the order asked for, always
        found = Enclosure(found.mid[:, where], found.rad[:, where], found.smooth[where], found.order, found.degree)
        if len(self._cache) >= CACHED:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = found
        return found

    def _batches(self, lo: Any, hi: Any, order: int) -> Enclosure:
        """``_enclose`` in batches of intervals small enough for the memory budget."""
        chunk = max(1, BUDGET // (self._per_interval * (order + 1)))
        parts = [self._enclose(lo[s : s + chunk], hi[s : s + chunk], order) for s in range(0, lo.size, chunk)]
        if len(parts) == 1:
            return parts[0]
        degree = max(p.degree for p in parts)
        mid = np.concatenate([_padded(p.mid, degree) for p in parts], axis=1)
        rad = np.concatenate([_padded(p.rad, degree) for p in parts], axis=1)
        return Enclosure(mid, rad, np.concatenate([p.smooth for p in parts]), order, degree)

    def _values_over(self, lo: Any, hi: Any, nested: np.ndarray, order: int) -> Enclosure:
        """The values over nested intervals (widest first in ``nested``), by bisection for the widest smooth one.

        Asked when a step is shrunk until its stencil keeps clear of kinks (sixty halvings at
        once). An enclosure over an interval holds over every interval inside it, and g is
        smooth on an interval inside one where it is smooth: each interval gets the enclosure
        of the widest smooth one around it, or that of the widest of all (not smooth).
        """
        widest = self._enclose(lo[nested[:1]], hi[nested[:1]], order)
        known = {0: widest}
        if not widest.smooth[0]:
            rough, smooth = 0, len(nested)  # invariant: nested[rough] is not smooth; smooth is, or is the end
            last = self._enclose(lo[nested[-1:]], hi[nested[-1:]], order)
            if last.smooth[0]:
                known[len(nested) - 1] = last
                smooth = len(nested) - 1
                while smooth - rough > 1:
                    middle = (rough + smooth) // 2
                    known[middle] = self._enclose(
                        lo[nested[middle : middle + 1]], hi[nested[middle : middle + 1]], order
                    )
                    rough, smooth = (rough, middle) if known[middle].smooth[0] else (middle, smooth)
        else:
            smooth = 0
        pick = np.zeros(lo.size, dtype=int)  # which computed enclosure answers each interval
        source = [known[0]]
        if smooth < len(nested):
            source.append(known[smooth])
            pick[nested[smooth:]] = 1
        degree = max(e.degree for e in source)
        mid = np.stack([_padded(e.mid, degree)[:, 0] for e in source], axis=1)[:, pick]
        rad = np.stack([_padded(e.rad, degree)[:, 0] for e in source], axis=1)[:, pick]
        smooth_flags = np.array([e.smooth[0] for e in source])[pick]
        return Enclosure(mid, rad, smooth_flags, order, degree)

    def _enclose(self, lo: Any, hi: Any, order: int) -> Enclosure:
        centre, radius = _centre(lo, hi)
        taylor = Taylor(order, self.line.derivatives, care=0 if np.any(radius) else products.CAREFUL)
        values, smooth = self._propagate(taylor, centre, radius, self._anchors(lo, hi, order))
        out = values[self.graph.output]
        total = taylor.total(out, None, samples=True)
        shape = (total.degree + 1, lo.size)  # a line along which nothing moves has one value for all intervals
        mid, rad = np.broadcast_to(total.mid[:, :, 0], shape), np.broadcast_to(total.rad[:, :, 0], shape)
        return Enclosure(mid, rad, smooth, order, total.degree)

    def _anchors(self, lo: np.ndarray, hi: np.ndarray, order: int) -> Anchors | None:
        """The point c of each interval the mean-value form is taken at, and every node's value there.

        c is t = 0 where the interval holds it (every stencil's interval holds the point it
        differentiates at): then one evaluation, kept, serves all of them, and T - c = T exactly.
        """
        if order == 0 or np.all(lo == hi):
            return None
        at_zero = (lo <= 0) & (hi >= 0)
        if np.all(at_zero):
            if self._at_zero is None:
                zero = np.zeros(1)
                exact = Taylor(0, self.line.derivatives, care=products.EXACT)
                self._at_zero = self._propagate(exact, zero, zero, None)[0]
            return Anchors(np.zeros(lo.size), self._at_zero, lo, hi)
        centre, radius = _centre(lo, hi)
        anchor = np.where(at_zero, 0.0, centre)
        taylor = Taylor(0, self.line.derivatives, care=products.EXACT)
        values = self._propagate(taylor, anchor, np.zeros(lo.size), None)[0]
        return Anchors(anchor, values, np.where(at_zero, lo, -radius), np.where(at_zero, hi, radius))

    def culprit(self, lo: float, hi: float) -> str | None:
        """The first node (and element) where a function is not smooth on its argument over [lo, hi].

        Over an interval around t = 0, the one that matters is the element rough on the
        narrowest interval that still is not smooth (the kink nearest the point): the interval
        is shrunk towards 0, by bisection on the number of halvings, as far as it stays rough.
        """
        if lo <= 0 <= hi and lo < hi:
            rough, smooth = 0, SHRINK  # invariant: 2^-rough·[lo, hi] is not smooth (or is the end)
            while smooth - rough > 1:
                middle = (rough + smooth) // 2
                scale = 2.0**-middle
                found = self.enclosure(np.array([lo * scale]), np.array([hi * scale]), 0)
                rough, smooth = (middle, smooth) if not found.smooth[0] else (rough, middle)
            lo, hi = lo * 2.0**-rough, hi * 2.0**-rough
        return self._culprit(lo, hi)

    def _culprit(self, lo: float, hi: float) -> str | None:
        low, high = np.array([lo]), np.array([hi])
        centre, radius = _centre(low, high)
        order = 1 if radius[0] else 0
        found: list[tuple[int, list[Rough]]] = []
        self._propagate(Taylor(order, self.line.derivatives), centre, radius, self._anchors(low, high, order), found)
        if not found:
            return None
        index, rough = found[0]
        return _where(self.graph, index, rough)

    def _propagate(
        self,
        taylor: Taylor,
        centre: np.ndarray,
        radius: np.ndarray,
        anchors: Anchors | None,
        found: list[tuple[int, list[Rough]]] | None = None,
    ) -> tuple[list[Series], np.ndarray]:
        """Every node's series over the intervals centre ± radius, and per interval whether all was smooth.

        ``anchors``: the nodes' values at a point of each interval, for the mean-value form, which
        tightens the arguments of the functions whose smoothness is judged on them.
        ``found``: collects (node, what was rough in it) for the first rough node, and stops there.
        """
        graph = self.graph
        m = SeriesBackend(taylor)
        values: list[Series] = []
        tightened: set[int] = set()
        smooth = np.ones(centre.shape, dtype=bool)
        inputs = dict(zip(graph.input_nodes, range(len(graph.inputs)), strict=True))
        with np.errstate(all="ignore"):
            for i, node in enumerate(graph.nodes):
                if node.kind == "input":
                    values.append(self._input(taylor, inputs[i], centre, radius))
                    continue
                if node.kind == "const":
                    values.append(_constant(taylor, node.value))
                    continue
                taylor.rough = []
                op = node.primitive
                if anchors is not None and _judged(op):
                    for k in set(graph.arguments(i)) - tightened:
                        if values[k].degree >= 1:
                            values[k] = _mean_value(values[k], anchors, k)
                        tightened.add(k)
                args = [values[graph.index(a)] for a in node.args]
                if isinstance(op, Primitive):
                    constants = [a.value if a.kind == "const" else None for a in node.args]
                    result = elementwise(taylor, op, args, constants)
                else:
                    result = op.forward(m, *args, *node.literals)
                for rough in taylor.rough:
                    smooth &= ~np.any(np.reshape(rough.mask, (rough.mask.shape[0], -1)), axis=1)
                if found is not None and any(np.any(rough.mask) for rough in taylor.rough):
                    found.append((i, list(taylor.rough)))
                    break
                values.append(result)
        return values, smooth

    def _input(self, taylor: Taylor, k: int, centre: np.ndarray, radius: np.ndarray) -> Series:
        """θ + t·v over the intervals: coefficient 0 encloses the values (rounding included), 1 is v."""
        theta, v = self.aim.arrays[k], self.aim.directions[k]
        shape = self.line.tape.shapes[self.graph.inputs[k]]
        batched = self.aim.batched[k]
        theta = _with_lead(theta, batched)
        if v is None:
            return taylor.series(theta[None], np.broadcast_to(0.0, (1, *theta.shape)), shape)
        v = _with_lead(v, v.ndim > len(shape))
        c = np.reshape(centre, (-1,) + (1,) * (v.ndim - 1))
        r = np.reshape(radius, c.shape)
        moved = c * v
        # The point's own rounding: θ + c·v, each rounding known exactly (TwoSum) or bounded.
        mid, added = two_sum_error(theta, moved)
        added = np.abs(added)
        exact_product = (c == 0) | ((np.frexp(c)[0] == 0.5) & (np.abs(moved) >= 2.0**-1021))
        multiplied = np.where(exact_product, 0.0, U * np.abs(moved) + ETA)
        rad = np.where((r == 0) & exact_product, added, inflate(r * np.abs(v) + added + multiplied, 3))
        if taylor.order == 0:
            return taylor.series(mid[None], rad[None], shape)
        return taylor.from_pairs([(mid, rad), (v, np.broadcast_to(0.0, v.shape))], shape)


def _nested(lo: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
    """The intervals' order from widest to narrowest when each holds the next (else None)."""
    order = np.argsort(lo - hi, kind="stable")  # widest first
    a, b = lo[order], hi[order]
    if np.all(a[:-1] <= a[1:]) and np.all(b[1:] <= b[:-1]):
        return order
    return None


def _per_interval(graph: Any, aim: Aim) -> int:
    """The most floats a node holds per interval of t: nodes that vary along the line, times their samples."""
    samples = max([a.shape[0] for a, b in zip(aim.arrays, aim.batched, strict=True) if b], default=1)
    batched = dict(zip(graph.input_nodes, aim.batched, strict=True))
    varying = {i: v is not None for i, v in zip(graph.input_nodes, aim.directions, strict=True)}
    widest = 1
    for i, node in enumerate(graph.nodes):
        if node.kind == "op":
            arguments = graph.arguments(i)
            batched[i] = any(batched.get(a, False) for a in arguments)
            varying[i] = any(varying.get(a, False) for a in arguments)
        if varying.get(i, False):
            widest = max(widest, math.prod(node.shape) * (samples if batched.get(i, False) else 1))
    return widest


def _with_lead(array: np.ndarray, batched: bool) -> np.ndarray:
    """An input's array with the box axis and the sample axis (size 1 when it has none) in front."""
    return array[None] if batched else array[None, None]


def _centre(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """c and r with [lo, hi] ⊆ [c - r, c + r]: r rounded up."""
    mid, rad = from_bounds(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    return mid, np.where(lo == hi, 0.0, rad)  # a point: the centre is the point itself


def _constant(taylor: Taylor, value: sp.Expr) -> Series:
    """A constant of the program: exact when its float is, else one ulp either side."""
    number = float(value)
    exact = math.isfinite(number) and value.is_Rational and sp.Rational(number) == value
    return taylor.constant(number, bool(exact))


def _judged(op: Primitive | ArrayPrimitive) -> bool:
    """Does the operation's smoothness (or its value's enclosure) depend on its arguments' intervals?

    Sums and linear maps do not; functions (relu, exp), quotients and softmax and its kin do.
    """
    if isinstance(op, Primitive):
        return op.infix is None or op.infix == "/"
    return not op.linear


@dataclass(frozen=True)
class Anchors:
    """A point c of each interval T of t, every node's value there (order 0), and T - c as [lo, hi]."""

    at: np.ndarray
    values: list[Series]
    lo: np.ndarray
    hi: np.ndarray


def _mean_value(result: Series, anchors: Anchors, index: int) -> Series:
    """Coefficient 0 intersected with the mean-value form u(c) + u'(T)·(T - c), in interval arithmetic.

    With c = 0 an edge of a one-sided interval [0, h], the form is exact there: a relu
    pre-activation exactly 0 at t = 0 is enclosed as [0, …], on one side of the kink, not
    [-ε, …] across it.
    """
    shape = (-1,) + (1,) * (result.mid.ndim - 2)
    t_lo, t_hi = np.reshape(anchors.lo, shape), np.reshape(anchors.hi, shape)
    s_lo, s_hi = result.bounds(1)
    corners = [_times(s, t) for s in (s_lo, s_hi) for t in (t_lo, t_hi)]
    # inf·0 is nan: ignored, because another corner holds the infinite end and 0·finite is 0.
    reach_lo = functools.reduce(np.fmin, [low for low, _ in corners])
    reach_hi = functools.reduce(np.fmax, [high for _, high in corners])
    at_lo, at_hi = anchors.values[index].bounds(0)
    naive_lo, naive_hi = result.bounds(0)
    with np.errstate(invalid="ignore"):
        total, error = two_sum_error(at_lo, reach_lo)
        lo = np.fmax(naive_lo, np.where(error >= 0, total, down(total)))  # an exact sum stays exact
        total, error = two_sum_error(at_hi, reach_hi)
        hi = np.fmin(naive_hi, np.where(error <= 0, total, up(total)))
    mid0, rad0 = from_bounds(lo, hi)
    mid, rad = result.mid.copy(), np.array(result.rad)
    lead = np.broadcast_shapes(mid0.shape, mid.shape[1:])
    if lead != mid.shape[1:]:
        mid = np.array(np.broadcast_to(mid, (mid.shape[0], *lead)))
        rad = np.array(np.broadcast_to(rad, (rad.shape[0], *lead)))
    mid[0], rad[0] = mid0, rad0
    tight = result.taylor.series(mid, rad, result.shape)
    return Series(tight.mid, tight.rad, tight.shape, tight.taylor, (lo, hi))


def _times(a: Any, b: Any) -> tuple[Any, Any]:
    """An enclosure of a·b, exactly 0 where a factor is 0."""
    with np.errstate(invalid="ignore", over="ignore"):
        product = a * b
        zero = (a == 0) | (b == 0)
        return np.where(zero, 0.0, down(product)), np.where(zero, 0.0, up(product))


def _padded(array: np.ndarray, degree: int) -> np.ndarray:
    missing = degree + 1 - array.shape[0]
    return array if missing <= 0 else np.concatenate([array, np.zeros((missing, *array.shape[1:]))])


_KINDS = {"corner": "has a corner", "jump": "has a jump", "vertical": "has a vertical tangent"}


def _where(graph: Any, index: int, found: list[Rough]) -> str:
    """ "relu(v2) has a corner at element (7,) of sample 3": the first rough element of a node, for messages."""
    node = graph.nodes[index]
    text = graph.equation(index).split(" = ", 1)[1]
    rough = next(r for r in found if np.any(r.mask))
    first = tuple(int(i) for i in np.argwhere(rough.mask[0])[0])
    sample, element = (first[0], first[1:]) if rough.mask.shape[1] > 1 else (None, first[1:])
    p = rough.primitive
    if rough.kind == "undefined":
        kind = "has a pole" if p is None else "has no finite value (a pole, the edge of its domain, or overflow)"
    else:
        kind = _KINDS[p.nondiff.kind] if p is not None and p.nondiff is not None else "is not smooth"
    inside = f" ({p.name} inside it)" if isinstance(node.op, ArrayPrimitive) and p is not None else ""
    where = f" at element {element}" if element else ""
    of = f" of sample {sample}" if sample is not None else ""
    return f"{text}{inside} {kind}{where}{of}"


class LineIntervals:
    """What the finite-difference layer asks of an evaluator's interval program: inputs, and the culprit."""

    inputs = ("t",)

    def __init__(self, line: ArrayLine):
        self.line = line

    def culprit(self, boxes: Sequence[tuple[float, float]]) -> str | None:
        ((lo, hi),) = boxes
        return self.line.model.culprit(float(lo), float(hi))


class LineEvaluator:
    """g⁽ᵠ⁾ along the line: values (floats for q = 0, midpoints of enclosures above) and enclosures."""

    def __init__(self, line: ArrayLine, q: int):
        self.line, self.q = line, q
        self.expression: sp.Expr = sp.Derivative(line.expression, symbol("t"), q) if q else line.expression
        self.intervals = LineIntervals(line)

    def at(self, values: Sequence[float]) -> float:
        return float(self.array([values[0]]))

    def complex_at(self, values: Sequence[complex | float]) -> complex:
        return complex(self.line.model.values(np.asarray(values[0], dtype=complex)))

    def array(self, values: Sequence[Any]) -> Any:
        ts = np.asarray(values[0])
        if self.q == 0:
            return self.line.model.values(ts)
        flat = np.ravel(ts).astype(float)
        mid, _ = self._scaled(self.line.model.enclosure(flat, flat, self.q))
        return mid.reshape(ts.shape)

    def enclose(self, boxes: Sequence[tuple[Any, Any]]) -> tuple[Any, Any, Any]:
        ((lo, hi),) = boxes
        shape = np.broadcast_shapes(np.shape(lo), np.shape(hi))
        flat_lo = np.ravel(np.broadcast_to(np.asarray(lo, dtype=float), shape))
        flat_hi = np.ravel(np.broadcast_to(np.asarray(hi, dtype=float), shape))
        found = self.line.model.enclosure(flat_lo, flat_hi, self.q)
        mid, rad = self._scaled(found)
        low, high = to_bounds(mid, rad)
        unknown = ~(np.isfinite(low) & np.isfinite(high))
        low, high = np.where(unknown, -np.inf, low), np.where(unknown, np.inf, high)
        smooth = found.smooth & ~unknown
        if not shape:
            return float(low[0]), float(high[0]), bool(smooth[0])
        return low.reshape(shape), high.reshape(shape), smooth.reshape(shape)

    def enclose_line(self, values: Sequence[float], k: int, lo: float, hi: float) -> tuple[float, float, bool]:
        return self.enclose([(lo, hi)])

    def mpmath_at(self, point: Mapping[str, Any], dps: int) -> Any:
        if self.q:
            raise SymdiffError("high-precision values are of g itself, not of its derivatives")
        return self.line.model.mpmath_value(point["t"], dps)

    def _scaled(self, found: Enclosure) -> tuple[np.ndarray, np.ndarray]:
        """g⁽ᵠ⁾ = q!·coefficient q."""
        mid, rad = found.coefficient(self.q)
        if self.q <= 1:
            return mid, rad
        factor = float(math.factorial(self.q))
        scaled = mid * factor
        return scaled, inflate(rad * factor + U * np.abs(scaled), 3)


class ArrayLine(Function):
    """g(t) = Σ f(θ + t·v) for an array tape: a ``Function`` of ``t`` for ``FiniteDifferences``.

    Aim it with ``aim(point, direction)`` (again for another line: the compiled pieces and the
    Richardson tables of a ``FiniteDifferences`` built on it are kept).

    Args:
        tape: the array tape.
        order: the Taylor order to enclose at once (a method's highest truncation order; more
            is computed when asked).

    Example:
        >>> import numpy as np
        >>> from symdiff.tape.tape import Tape
        >>> from symdiff.finite.api import FiniteDifferences
        >>> line = ArrayLine(Tape("x: 2; L = sum(sin(x))"))
        >>> line.aim({"x": np.array([0.0, 1.0])}, {"x": np.array([1.0, 0.0])})
        >>> FiniteDifferences(line, "t")({"t": 0.0}).value  # cos(0)
        1.0
    """

    def __init__(self, tape: ArrayTape, limits: Limits = DEFAULT_LIMITS, *, order: int = 4):
        if not isinstance(tape, ArrayTape):
            raise SymdiffError("a line through an array program needs an array tape (a program that declares shapes)")
        self.tape = tape
        self.limits = limits
        self.order = order
        self.variables = ("t",)
        self.expression = sp.Function("g")(symbol("t"))
        used = {node.op.name: node.op for node in tape.graph.nodes if isinstance(node.op, Primitive)}
        self.not_analytic = tuple(p for p in used.values() if not p.analytic)
        self.hidden_kinks = any(p.nondiff is not None and p.nondiff.kind != "vertical" for p in used.values())
        self.derivatives = PrimitiveDerivatives(limits)
        self.f = LineEvaluator(self, 0)  # type: ignore[assignment]
        self._evaluators: dict[int, LineEvaluator] = {0: self.f}  # type: ignore[dict-item]
        self._model: LineModel | None = None

    def aim(self, point: Mapping[str, Any], direction: Mapping[str, Any]) -> None:
        """Point the line: θ = ``point`` (dict of arrays, batches allowed), v = ``direction`` (missing names: 0)."""
        self._model = LineModel(self, Aim(self.tape, point, direction))

    @property
    def model(self) -> LineModel:
        if self._model is None:
            raise SymdiffError("aim the line first: line.aim(point, direction)")
        return self._model

    def derivative(self, index: MultiIndex) -> LineEvaluator:  # type: ignore[override]
        q = len(index)
        if any(name != "t" for name in index):
            raise SymdiffError(f"a line has one variable, t; got {', '.join(index)}")
        if q > self.limits.max_order:
            limit = self.limits.max_order
            raise SymdiffError(
                f"bounding the error needs a derivative of order {q}, above the limit of {limit} (max_order)"
            )
        if q not in self._evaluators:
            self._evaluators[q] = LineEvaluator(self, q)
        return self._evaluators[q]
