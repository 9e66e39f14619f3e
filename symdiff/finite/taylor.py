"""Truncated Taylor series in one variable t with interval coefficients, on NumPy arrays.

Along a line t ↦ θ + t·v every value of an array program is a function u(t). Over an interval
T of t, a ``Series`` holds enclosures of its Taylor coefficients uₖ(t) = u⁽ᵏ⁾(t)/k!, k = 0 … d,
valid for every t in T at once: coefficient 0 encloses the values over T, coefficient 1 the
slopes, and so on. The input θ + t·v has u₀ = θ + T·v, u₁ = v and nothing above. Each
coefficient is an interval array stored as midpoint and radius (``mid``, ``rad``), shaped
(coefficients, boxes, samples, *declared shape): many intervals T are enclosed at once along
the box axis, and a batch's samples along the sample axis (size 1 when absent).

The rules are the exact identities of Taylor arithmetic, evaluated in interval arithmetic:

* sums and linear maps act coefficient by coefficient;
* products (element-wise, matrix, outer) by the Cauchy product (ab)ₖ = Σⱼ aⱼ bₖ₋ⱼ;
* quotients by the recurrence qₖ = (aₖ - Σⱼ₌₀ᵏ⁻¹ qⱼ bₖ₋ⱼ) / b₀;
* any other function φ by Faà di Bruno in series form: with δ = u - u₀,
  φ(u)ₖ = Σⱼ φ⁽ʲ⁾(u₀)/j! · [δʲ]ₖ, where φ⁽ʲ⁾ is enclosed over the interval of u₀ (two
  arguments: the mixed partials, [δaⁱ δbʲ]ₖ). ``PrimitiveDerivatives`` gets φ⁽ʲ⁾ from the
  registry: the primitive's SymPy form differentiated symbolically, evaluated by interval
  arithmetic; no primitive is named here.

Every floating-point operation rounds, so each radius also carries the rounding error of its
midpoint: exactly where it is known (TwoSum), else by the standard model |fl(x∘y) - x∘y| ≤
u·|fl(x∘y)| plus an underflow term, inflated (``inflate``) to cover the rounding of the radius
itself. Products and sums of arrays bound their own rounding (``products``: error-free sums,
or Rump's γₙ·|A||B| for BLAS). A radius of 0 always means an exact value, so that a relu
pre-activation exactly 0 at the point is known to be 0. A degree is tracked: polynomials
stay polynomials (a relu network along a line is piecewise polynomial), so the coefficients
beyond the degree are exactly zero.

Where a function is not smooth on its argument's interval (relu across 0) or is undefined
there, its higher coefficients are unknown: their radius is infinite, and the caller is told
(``Taylor.rough``) which elements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..errors import SymdiffError
from ..language.parser import symbol
from ..limits import Limits
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape, broadcast
from . import products
from .function import Evaluator, Function
from .lines import two_sum_error
from .products import ETA, Bilinear, U, aligned, gamma

LEAD = 2  # a coefficient's leading axes: boxes, samples
Pair = tuple[Any, Any]  # one coefficient: (mid, rad)


def inflate(x: Any, ops: int) -> Any:
    """An upper bound of the exact value of a non-negative quantity computed as ``x`` with ``ops`` roundings.

    Each rounding of non-negative terms loses at most a factor 1 - u, and underflow at most
    half the smallest subnormal; 1 + 8·ops·u and ops·2⁻¹⁰⁷⁰ cover both, and this function's
    own two roundings.
    """
    return x * (1 + 8 * ops * U) + ops * 2.0**-1070


def clean(mid: Any, rad: Any) -> tuple[Any, Any]:
    """nan or infinite midpoints and nan radii mean "no enclosure": midpoint 0, radius inf."""
    bad = ~np.isfinite(mid) | np.isnan(rad)
    if not np.any(bad):
        return mid, rad
    return np.where(bad, 0.0, mid), np.where(bad, np.inf, rad)


def up(x: Any) -> Any:
    """A float at least the exact value of which ``x`` is a rounding (a result of + - * /, within half an ulp).

    |x|·2⁻⁵² is at least an ulp of x (and exact: a power of 2), 2⁻¹⁰⁷³ covers the subnormals;
    adding them moves x up by at least half an ulp, whatever the rounding of the addition.
    Cheaper than ``np.nextafter``, which is a library call per element.
    """
    return x + (np.abs(x) * 2.0**-52 + 2.0**-1073)


def down(x: Any) -> Any:
    """The same, downwards."""
    return x - (np.abs(x) * 2.0**-52 + 2.0**-1073)


def up_positive(x: Any) -> Any:
    """``up`` for x ≥ 0: x·(1 + 2⁻⁵²) is at least an ulp above x."""
    return x * (1 + 2.0**-52) + 2.0**-1073


def from_bounds(lo: Any, hi: Any) -> Pair:
    """[lo, hi] as (mid, rad), rounded outward.

    Where lo or hi is not finite, the midpoint or the radius is not either: ``clean`` (which
    every new series goes through) turns that into "no enclosure".
    """
    with np.errstate(all="ignore"):
        point = lo == hi  # a point enclosure: exact, and kept exact
        mid = np.where(point, lo, 0.5 * lo + 0.5 * hi)
        return mid, np.where(point, 0.0, up_positive(np.maximum(hi - mid, mid - lo)))


def to_bounds(mid: Any, rad: Any) -> Pair:
    """(mid, rad) as [lo, hi], rounded outward (a radius of 0 is an exact value: [mid, mid])."""
    with np.errstate(invalid="ignore", over="ignore"):
        exact = rad == 0
        return np.where(exact, mid, down(mid - rad)), np.where(exact, mid, up(mid + rad))


def sum_radius(spread: Any, error: Any) -> Any:
    """The radius of a sum: the operands' radii ``spread`` plus the exact rounding ``error`` of the midpoints.

    A radius of 0 always means an exact value (every rule keeps it so): then the radius is
    the exact |error|, itself 0 when the sum is exact.
    """
    return np.where(spread == 0, np.abs(error), inflate(spread + np.abs(error), 3))


@dataclass(frozen=True)
class Rough:
    """Where a function was not smooth (``"rough"``) or had no finite enclosure (``"undefined"``) on its argument."""

    kind: str
    primitive: Primitive | None  # None: a division
    mask: Any  # (boxes, samples, *shape)


@dataclass(frozen=True, eq=False)
class Series:
    """A value's Taylor coefficients over intervals of t: midpoints and radii, (d + 1, boxes, samples, *shape).

    ``rad`` may be a zero-stride view (an exact input). ``shape`` is the declared shape.
    """

    mid: np.ndarray
    rad: np.ndarray
    shape: Shape
    taylor: Taylor
    edges: Pair | None = None  # coefficient 0 as [lo, hi], when that is tighter than mid ± rad (it may be exact)

    @property
    def degree(self) -> int:
        return int(self.mid.shape[0]) - 1

    @property
    def rank(self) -> int:
        return len(self.shape)

    def bounds(self, k: int = 0) -> Pair:
        """Coefficient k as [lo, hi]."""
        if k == 0 and self.edges is not None:
            return self.edges
        return to_bounds(self.mid[k], self.rad[k])

    def __add__(self, other: Any) -> Series:
        return self.taylor.add(self, self.taylor.lift(other))

    def __radd__(self, other: Any) -> Series:
        return self.taylor.add(self.taylor.lift(other), self)

    def __sub__(self, other: Any) -> Series:
        return self.taylor.add(self, -self.taylor.lift(other))

    def __rsub__(self, other: Any) -> Series:
        return self.taylor.add(self.taylor.lift(other), -self)

    def __neg__(self) -> Series:
        return Series(-self.mid, self.rad, self.shape, self.taylor)

    def __mul__(self, other: Any) -> Series:
        return self.taylor.multiply(self, self.taylor.lift(other))

    def __rmul__(self, other: Any) -> Series:
        return self.taylor.multiply(self.taylor.lift(other), self)

    def __truediv__(self, other: Any) -> Series:
        return self.taylor.divide(self, self.taylor.lift(other))

    def __rtruediv__(self, other: Any) -> Series:
        return self.taylor.divide(self.taylor.lift(other), self)


class PrimitiveDerivatives:
    """Enclosures of a primitive's partial derivatives of every order, from its SymPy form.

    ``p.sympy`` applied to symbols (and to exact constants where an argument is a constant of
    the program, so that x^2 differentiates as 2x, 2, 0 rather than as x^y·y/x) is compiled
    as a scalar ``Function``, whose symbolic derivatives are lowered and evaluated with
    interval arithmetic on arrays of boxes. Kept per primitive and constant, for every line.
    """

    def __init__(self, limits: Limits):
        self.limits = limits
        self._functions: dict[tuple[Any, ...], tuple[Function, tuple[str, ...]]] = {}

    def function(self, p: Primitive, constants: Sequence[sp.Expr | None]) -> tuple[Function, tuple[str, ...]]:
        """The primitive as a function of its non-constant arguments, and the name of every argument."""
        key = (p.name, tuple(constants))
        if key not in self._functions:
            names = tuple(f"a{i}" for i in range(p.arity))
            args = [symbol(n) if c is None else c for n, c in zip(names, constants, strict=True)]
            try:
                fn = Function(p.sympy(*args), self.limits)
            except SymdiffError:  # the constant does not substitute cleanly: keep it a variable
                if all(c is None for c in constants):
                    raise
                return self.function(p, [None] * p.arity)
            self._functions[key] = (fn, names)
        return self._functions[key]

    @staticmethod
    def partial(fn: Function, index: tuple[str, ...]) -> Evaluator | None:
        """The partial derivative for a multi-index, or None when it is identically zero."""
        evaluator = fn.derivative(index)
        return None if evaluator.expression == 0 else evaluator


class Taylor:
    """Taylor arithmetic truncated at ``order``: the operations on ``Series`` values.

    ``rough`` collects, while a node is evaluated, masks of the elements where a function was
    not smooth, or not defined, on its argument's interval: there the coefficients above 0
    are unknown. ``constant`` needs no interval: a number's enclosure is the float itself
    when exact, else one ulp either side.
    """

    def __init__(self, order: int, derivatives: PrimitiveDerivatives, *, care: int = 0):
        self.order = order
        self.derivatives = derivatives
        self.care = care  # at points, where rounding is all the width there is: see Bilinear.accurate
        self.rough: list[Rough] = []

    # -- values ----------------------------------------------------------------------------

    def series(self, mid: Any, rad: Any, shape: Shape) -> Series:
        mid, rad = clean(np.asarray(mid, dtype=float), np.asarray(rad, dtype=float))
        return Series(mid, np.broadcast_to(rad, mid.shape), shape, self)

    def constant(self, value: float, exact: bool = True, shape: Shape = ()) -> Series:
        mid = np.full((1, 1, 1) + (1,) * len(shape), value, dtype=float)
        rad = 0.0 if exact else np.abs(value) * U + ETA
        return self.series(mid, np.broadcast_to(rad, mid.shape), shape)

    def lift(self, value: Any) -> Series:
        """A series as it is; a number of a formula (an int, a float) as an exact constant when it is one."""
        if isinstance(value, Series):
            return value
        number = float(value)
        return self.constant(number, exact=not isinstance(value, int) or int(number) == value)

    def from_pairs(self, pairs: Sequence[Pair], shape: Shape) -> Series:
        lead = np.broadcast_shapes(*(np.shape(m) for m, _ in pairs), *(np.shape(r) for _, r in pairs))
        mid = np.stack([np.broadcast_to(m, lead) for m, _ in pairs])
        rad = np.stack([np.broadcast_to(r, lead) for _, r in pairs])
        return self.series(mid, rad, shape)

    # -- sums ------------------------------------------------------------------------------

    def add(self, a: Series, b: Series) -> Series:
        shape = broadcast(a.shape, b.shape)
        assert shape is not None, f"shapes {a.shape} and {b.shape} were checked when the program was read"
        rank = len(shape)
        am, ar = aligned(a.mid, a.rank, rank, LEAD + 1), aligned(a.rad, a.rank, rank, LEAD + 1)
        bm, br = aligned(b.mid, b.rank, rank, LEAD + 1), aligned(b.rad, b.rank, rank, LEAD + 1)
        if a.degree == b.degree:
            mid, error = two_sum_error(am, bm)
            return self.series(mid, sum_radius(ar + br, error), shape)
        lead = np.broadcast_shapes(am.shape[1:], bm.shape[1:])
        count = max(a.degree, b.degree) + 1
        mid = np.zeros((count, *lead))
        rad = np.zeros((count, *lead))
        mid[: a.degree + 1] += am
        rad[: a.degree + 1] += ar
        rad[: b.degree + 1] += br
        low = min(a.degree, b.degree) + 1  # only there are two midpoints added
        mid[:low], error = two_sum_error(mid[:low], bm[:low])
        mid[low : b.degree + 1] += bm[low:]
        rad[:low] = sum_radius(rad[:low], error)
        return self.series(mid, rad, shape)

    def total(self, x: Series, axes: tuple[int, ...] | None, *, samples: bool = False) -> Series:
        """The sum over declared ``axes`` (None: all), and over the sample axis too when ``samples``."""
        declared = tuple(range(x.rank)) if axes is None else tuple(sorted(k % x.rank for k in axes))
        actual = tuple(1 + LEAD + k for k in declared) + ((2,) if samples else ())
        if not actual:
            return x
        kept_axes = [k for k in range(x.mid.ndim) if k not in actual]
        count = math.prod(x.mid.shape[k] for k in actual)

        def flat(array: Any) -> Any:
            array = np.broadcast_to(array, x.mid.shape)
            moved = np.moveaxis(array, actual, tuple(range(-len(actual), 0)))
            return np.reshape(moved, (*(x.mid.shape[k] for k in kept_axes), count))

        mid, error = products.accurate_sum(flat(x.mid))
        spread = np.sum(flat(x.rad), axis=-1)
        if samples:
            mid, error, spread = (np.expand_dims(a, 2) for a in (mid, error, spread))
        rad = np.where((spread == 0) & (error == 0), 0.0, inflate(spread + error, count + 4))  # exact stays exact
        kept = tuple(n for k, n in enumerate(x.shape) if k not in declared)
        return self.series(mid, rad, kept)

    # -- products --------------------------------------------------------------------------

    def bilinear(self, a: Series, b: Series, product: Bilinear, shape: Shape) -> Series:
        """The Cauchy product of two series under a bilinear map: (ab)ₖ = Σⱼ aⱼ bₖ₋ⱼ.

        Each term in midpoint-radius form: the midpoint with its rounding bound
        (``Bilinear.accurate``), the radius |aⱼ|·rad(bᵢ) + rad(aⱼ)·(|bᵢ| + rad(bᵢ)).
        """
        count = min(self.order, a.degree + b.degree) + 1
        a_abs, b_abs = _Magnitudes(a.mid), _Magnitudes(b.mid)
        a_exact, b_exact = _exact(a), _exact(b)
        pairs_list = []
        for k in range(count):
            pairs = [(j, k - j) for j in range(max(0, k - b.degree), min(k, a.degree) + 1)]
            mid = error = size = spread = 0.0
            for j, i in pairs:
                term, rounding = product.accurate(a.mid[j], b.mid[i], self.care)
                mid = mid + term
                error = error + rounding
                if len(pairs) > 1:  # the sum over j rounds too
                    size = size + np.abs(term)
                if not b_exact[i]:
                    spread = spread + product.plain(a_abs[j], b.rad[i])
                if not a_exact[j]:
                    spread = spread + product.plain(a.rad[j], b_abs[i] + b.rad[i])
            terms = len(pairs)
            rad = inflate(spread + error + gamma(terms - 1) * size, product.inner + terms + 4)
            if terms == 1 and isinstance(spread, float):  # exact factors: an exact product stays exact
                rad = np.where(error == 0, 0.0, rad)
            pairs_list.append((mid, rad))
        return self.from_pairs(pairs_list, shape)

    def multiply(self, a: Series, b: Series) -> Series:
        """The element-wise product (with broadcasting); a square when both are the same value."""
        shape = broadcast(a.shape, b.shape)
        assert shape is not None
        rank = len(shape)
        if a is b:
            return self.square(a)

        return self.bilinear(a, b, products.elementwise(a.rank, b.rank, rank, LEAD), shape)

    def square(self, a: Series) -> Series:
        """a·a: as a product, except that coefficient 0 is the interval's square (never below 0)."""
        result = self.bilinear(a, a, products.elementwise(a.rank, a.rank, a.rank, LEAD), a.shape)
        lo, hi = a.bounds(0)
        with np.errstate(over="ignore", invalid="ignore"):
            straddles = (lo <= 0) & (hi >= 0)
            low = np.where(straddles, 0.0, down(np.minimum(lo * lo, hi * hi)))
            high = up(np.maximum(lo * lo, hi * hi))
        mid, rad = result.mid.copy(), np.array(result.rad)
        mid[0], rad[0] = from_bounds(np.maximum(low, 0.0), high)
        return self.series(mid, rad, a.shape)

    def reciprocal(self, b: Series) -> Series:
        """1/b₀ as a series of degree 0 (no enclosure where b₀'s interval holds 0: a pole)."""
        lo, hi = b.bounds(0)
        defined = (lo > 0) | (hi < 0)
        with np.errstate(all="ignore"):
            r_lo = down(1.0 / np.where(defined, hi, 1.0))
            r_hi = up(1.0 / np.where(defined, lo, 1.0))
        mid, rad = from_bounds(np.where(defined, r_lo, np.nan), np.where(defined, r_hi, np.nan))
        self.rough.append(Rough("undefined", None, ~defined))
        return self.series(mid[None], rad[None], b.shape)

    def divide(self, a: Series, b: Series) -> Series:
        """a/b: qₖ = (aₖ - Σⱼ₌₀ᵏ⁻¹ qⱼ bₖ₋ⱼ)/b₀, with 1/b₀ enclosed once."""
        inverse = self.reciprocal(b)
        if b.degree == 0:
            return self.multiply(a, inverse)
        shape = broadcast(a.shape, b.shape)
        assert shape is not None
        quotient: list[Series] = []
        for k in range(self.order + 1):
            term = self._coefficient(a, k, shape)
            for j, q in enumerate(quotient):
                term = term - self.multiply(q, self._coefficient(b, k - j, b.shape))
            quotient.append(self.multiply(term, inverse))
        return self.from_pairs([(q.mid[0], q.rad[0]) for q in quotient], shape)

    def _coefficient(self, x: Series, k: int, shape: Shape) -> Series:
        """Coefficient k of x as a series of degree 0 (zero beyond x's degree)."""
        if k > x.degree:
            return self.constant(0.0, shape=x.shape)
        return self.series(x.mid[k : k + 1], x.rad[k : k + 1], x.shape)

    # -- functions -------------------------------------------------------------------------

    def compose(self, p: Primitive, args: Sequence[Series], constants: Sequence[sp.Expr | None]) -> Series:
        """φ(u) by Faà di Bruno: φ(u)ₖ = Σ_α ∂^αφ(u₀)/α! · [Π δᵢ^αᵢ]ₖ over multi-indices 1 ≤ |α| ≤ k.

        α runs over the arguments that vary along the line; the others (and constants) enter
        ∂^αφ as intervals. Where φ is not smooth on u₀'s interval, or not defined, the
        coefficients above 0 are unknown (and the elements are recorded in ``rough``).
        """
        fn, names = self.derivatives.function(p, constants)
        shape: Shape = ()
        for arg in args:
            joined = broadcast(shape, arg.shape)
            assert joined is not None
            shape = joined
        rank = len(shape)
        boxes = {}
        for name, arg in zip(names, args, strict=True):
            lo, hi = arg.bounds(0)
            boxes[name] = (aligned(lo, arg.rank, rank, LEAD), aligned(hi, arg.rank, rank, LEAD))
        ordered = [boxes[name] for name in fn.variables]
        value_lo, value_hi, smooth = fn.f.enclose(ordered)
        lead = np.broadcast_shapes(
            (1,) * (LEAD + rank), *(np.shape(b) for box in ordered for b in box), np.shape(value_lo)
        )
        varying = [(name, arg) for name, arg, c in zip(names, args, constants, strict=True) if c is None and arg.degree]
        varying = [(name, arg) for name, arg in varying if name in fn.variables]
        # An element whose arguments do not move along the line is constant there, whatever φ does
        # at that value: relu(0 + 0·t) is 0 for every t, smooth, though 0 is relu's corner.
        moving = np.zeros(lead, dtype=bool)
        for _, arg in varying:
            velocity = (arg.mid[1:] != 0) | (arg.rad[1:] != 0)
            moving = moving | np.broadcast_to(aligned(np.any(velocity, axis=0), arg.rank, rank, LEAD), lead)
        smooth = np.broadcast_to(smooth, lead) | ~moving
        defined = np.isfinite(value_lo) & np.isfinite(value_hi)
        self.rough.append(Rough("undefined", p, np.broadcast_to(~defined, lead)))
        self.rough.append(Rough("rough", p, ~smooth & defined))
        pairs = [from_bounds(np.broadcast_to(value_lo, lead), np.broadcast_to(value_hi, lead))]
        if varying and self.order:
            pairs += self._higher(fn, ordered, varying, rank, lead)
            pairs = [pairs[0]] + [
                (np.where(moving, m, 0.0), np.where(moving, np.where(smooth, r, np.inf), 0.0)) for m, r in pairs[1:]
            ]
        return self.from_pairs(pairs, shape)

    def _higher(
        self, fn: Function, boxes: list[Pair], varying: list[tuple[str, Series]], rank: int, lead: tuple[int, ...]
    ) -> list[Pair]:
        """Coefficients 1 … of φ(u), from the partials over the boxes and products of the δᵢ.

        δᵢ = t·wᵢ with wᵢ = uᵢ₁ + uᵢ₂ t + …, so [Π δᵢ^αᵢ]ₖ = [Π wᵢ^αᵢ]ₖ₋|α|: the products are
        of the w, views of the arguments' own coefficients, truncated one order lower.
        """
        reduced = Taylor(self.order - 1, self.derivatives, care=self.care)
        shifted = [
            Series(
                aligned(arg.mid, arg.rank, rank, 1 + LEAD)[1:],
                aligned(arg.rad, arg.rank, rank, 1 + LEAD)[1:],
                (1,) * rank,
                reduced,
            )
            for _, arg in varying
        ]
        terms: dict[tuple[int, ...], Series | None] = {}  # α → ∂^αφ/α! as a series of degree 0
        unknown_from = self.order + 1  # the first order whose partial could not be had
        for total in range(1, self.order + 1):
            for alpha in _multi_indices(len(varying), total):
                index = tuple(name for (name, _), n in zip(varying, alpha, strict=True) for _ in range(n))
                try:
                    partial = PrimitiveDerivatives.partial(fn, index)
                except SymdiffError:
                    unknown_from = min(unknown_from, total)
                    continue
                if partial is None:
                    terms[alpha] = None
                    continue
                lo, hi, _ = partial.enclose(boxes)
                mid, rad = from_bounds(np.broadcast_to(lo, lead), np.broadcast_to(hi, lead))
                scale = math.prod(math.factorial(n) for n in alpha)
                if scale != 1:
                    mid = mid / scale
                    rad = inflate(rad / scale + U * np.abs(mid), 3)
                terms[alpha] = reduced.series(mid[None], rad[None], (1,) * rank)
        # The degree: with partials vanishing beyond total order J, φ(u) has degree J·deg(u).
        nonzero = [sum(alpha) for alpha, term in terms.items() if term is not None]
        highest = self.order if unknown_from <= self.order else max(nonzero, default=0)
        degree = min(self.order, highest * max(arg.degree for _, arg in varying))
        pieces: list[list[Pair]] = [[] for _ in range(degree)]
        powers = _Powers(reduced, shifted)
        for alpha, term in terms.items():
            total = sum(alpha)
            if term is None or total > degree:
                continue
            piece = reduced.multiply(term, powers.of(alpha))
            for j in range(min(piece.degree, degree - total) + 1):
                pieces[j + total - 1].append((piece.mid[j], piece.rad[j]))
        coefficients = [_summed(found, lead) for found in pieces]
        for k in range(unknown_from, degree + 1):
            coefficients[k - 1] = (np.zeros(lead), np.full(lead, np.inf))
        return coefficients


def _summed(pairs: list[Pair], lead: tuple[int, ...]) -> Pair:
    """The sum of a coefficient's contributions, rounding included (zero when there are none)."""
    if not pairs:
        return np.zeros(lead), np.zeros(lead)
    if len(pairs) == 1:
        return np.broadcast_to(pairs[0][0], lead), np.broadcast_to(pairs[0][1], lead)
    mid = sum((m for m, _ in pairs), np.zeros(lead))
    size = sum((np.abs(m) for m, _ in pairs), np.zeros(lead))
    rad = sum((r for _, r in pairs), np.zeros(lead))
    return mid, inflate(rad + gamma(len(pairs)) * size, len(pairs) + 3)


class _Powers:
    """Products Π wᵢ^αᵢ of series, truncated, each computed once."""

    def __init__(self, taylor: Taylor, factors: list[Series]):
        self.taylor = taylor
        self.factors = factors
        self._known: dict[tuple[int, ...], Series] = {}

    def of(self, alpha: tuple[int, ...]) -> Series:
        if alpha not in self._known:
            i = next(i for i, n in enumerate(alpha) if n)
            rest = tuple(n - (j == i) for j, n in enumerate(alpha))
            factor = self.factors[i]
            self._known[alpha] = factor if not any(rest) else self.taylor.multiply(self.of(rest), factor)
        return self._known[alpha]


class _Magnitudes:
    """|coefficient k| of a series, computed when first needed."""

    def __init__(self, mid: np.ndarray):
        self.mid = mid
        self._known: dict[int, np.ndarray] = {}

    def __getitem__(self, k: int) -> np.ndarray:
        if k not in self._known:
            self._known[k] = np.abs(self.mid[k])
        return self._known[k]


def _multi_indices(count: int, total: int) -> list[tuple[int, ...]]:
    """Every α with ``count`` entries summing to ``total``."""
    if count == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total, -1, -1) for rest in _multi_indices(count - 1, total - first)]


def _exact(x: Series) -> list[bool]:
    """Per coefficient: is its radius zero (an exact input), so that its radius terms can be skipped?"""
    if x.rad.strides and not any(x.rad.strides):  # a zero-stride view: one value for all
        return [bool(x.rad.flat[0] == 0)] * (x.degree + 1)
    return [not np.any(x.rad[k]) for k in range(x.degree + 1)]
