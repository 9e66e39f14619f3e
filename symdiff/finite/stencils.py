"""Finite-difference stencils with exact rational weights, for any derivative and accuracy order.

A stencil approximates the d-th derivative by a weighted sum of values at offsets ``sᵢ·h``:

    f⁽ᵈ⁾(x) ≈ Σ wᵢ f(x + sᵢh) / hᵈ

The weights solve the moment conditions Σ wᵢ sᵢᵏ = d!·[k = d] for k = 0 … n-1, which make
the formula exact for polynomials of degree below n; they are computed exactly with
``fractions.Fraction``. The error of a stencil of accuracy p is, by Peano's kernel theorem,

    error = hᵖ ∫ K(t) f⁽ᵖ⁺ᵈ⁾(x + t·h) dt,   so   |error| ≤ hᵖ · ∫|K| · max |f⁽ᵖ⁺ᵈ⁾|

over the stencil's interval. ``Stencil.kernel`` is that ∫|K|, computed from the exact
piecewise-polynomial kernel and rounded up. For the forward difference it is 1/2 (the
familiar h·f''/2), for the central difference 1/6 (h²·f'''/6).

Richardson extrapolation with step ratio 2 produces, column by column, the central stencils
on the points ±h, ±h/2, …, ±h/2ʲ; ``richardson_column`` builds them directly.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import mpmath
import sympy as sp

from ..errors import SymdiffError, describe

Kind = Literal["forward", "backward", "central"]
MAX_DERIVATIVE = 10  # beyond it a stencil's weights amplify rounding by more than 10^13 (numdifftools stops here too)


@dataclass(frozen=True)
class Stencil:
    """f⁽ᵈ⁾(x) ≈ Σ wᵢ f(x + sᵢh) / hᵈ, with an error of order hᵖ.

    Attributes:
        offsets: the sᵢ, exact and increasing (points whose weight is 0 are left out).
        weights: the wᵢ, exact.
        derivative: d.
        accuracy: p.
        kernel: ∫|K|, rounded up: |error| ≤ kernel · hᵖ · max |f⁽ᵖ⁺ᵈ⁾| over the stencil's interval.
        coefficient: C in the leading error term C·hᵖ·f⁽ᵖ⁺ᵈ⁾(x).
    """

    offsets: tuple[Fraction, ...]
    weights: tuple[Fraction, ...]
    derivative: int
    accuracy: int
    kernel: float
    coefficient: Fraction

    @functools.cached_property
    def span(self) -> tuple[Fraction, Fraction]:
        """The interval [a, b] (in units of h) the stencil reaches, x itself included."""
        return min(Fraction(0), self.offsets[0]), max(Fraction(0), self.offsets[-1])

    @functools.cached_property
    def abs_weights(self) -> Fraction:
        """Σ|wᵢ|: how much the stencil amplifies errors in the values."""
        return sum((abs(w) for w in self.weights), Fraction(0))

    @functools.cached_property
    def abs_moment(self) -> Fraction:
        """Σ|wᵢ sᵢ|: bounds a first-derivative stencil applied to a function by max|slope| × this."""
        return sum((abs(w * s) for w, s in zip(self.weights, self.offsets, strict=True)), Fraction(0))

    @functools.cached_property
    def floats(self) -> tuple[tuple[float, ...], tuple[float, ...], float, float]:
        """Offsets, weights, and the span's ends as floats, for the fast path."""
        a, b = self.span
        return tuple(map(float, self.offsets)), tuple(map(float, self.weights)), float(a), float(b)

    @property
    def kind(self) -> str:
        """``forward``, ``backward``, ``central`` (symmetric offsets), or ``one-sided``/``general``."""
        if all(s >= 0 for s in self.offsets):
            return "forward"
        if all(s <= 0 for s in self.offsets):
            return "backward"
        return "central" if sorted(-s for s in self.offsets) == list(self.offsets) else "general"

    def __str__(self) -> str:
        from ..render.finite import formula  # the text view lives with the renderers

        return formula(self)


def weights(offsets: Sequence[Fraction | int], derivative: int) -> tuple[Fraction, ...]:
    """The exact weights of the d-th derivative on the given distinct offsets.

    Example:
        >>> weights([-1, 1], 1)
        (Fraction(-1, 2), Fraction(1, 2))
        >>> [str(w) for w in weights([-2, -1, 0, 1, 2], 2)]
        ['-1/12', '4/3', '-5/2', '4/3', '-1/12']
    """
    points = [Fraction(s) for s in offsets]
    n = len(points)
    if len(set(points)) != n:
        raise SymdiffError("stencil offsets must be distinct")
    if not 0 <= derivative < n:
        raise SymdiffError(f"the derivative of order {derivative} needs more than {n} points")
    # Moment conditions: row k is Σ wᵢ sᵢᵏ = d!·[k = d]. Gaussian elimination over the rationals.
    rows = [[s**k for s in points] + [Fraction(math.factorial(derivative) if k == derivative else 0)] for k in range(n)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [v / lead for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return tuple(row[n] for row in rows)


def make(offsets: Sequence[Fraction | int], derivative: int) -> Stencil:
    """The most accurate stencil for the d-th derivative on these offsets, with its error constants."""
    return _make(tuple(sorted(Fraction(s) for s in offsets)), derivative)


# Stencils are immutable and their error constants can cost a root-finding each (SymPy
# real_roots): a Richardson Hessian asks for the same few columns dozens of times.
@functools.lru_cache(maxsize=256)
def _make(offsets: tuple[Fraction, ...], derivative: int) -> Stencil:
    kept = [(s, wi) for s, wi in zip(offsets, weights(offsets, derivative), strict=True) if wi != 0]
    points, w = [s for s, _ in kept], [wi for _, wi in kept]
    order = len(offsets)  # exact for all polynomials of degree < number of points; maybe more
    while sum(wi * s**order for s, wi in zip(points, w, strict=True)) == 0:
        order += 1
    accuracy = order - derivative
    coefficient = sum((wi * s**order for s, wi in zip(points, w, strict=True)), Fraction(0)) / math.factorial(order)
    return Stencil(
        tuple(points), tuple(w), derivative, accuracy, _kernel_norm(points, w, derivative, order), coefficient
    )


def stencil(kind: Kind, derivative: int = 1, accuracy: int | None = None) -> Stencil:
    """The standard forward, backward or central stencil of the given accuracy order.

    Forward and backward stencils of accuracy p use p + d points on one side (x included);
    central stencils have even accuracy and use the points -m … m.

    Example:
        >>> s = stencil("forward")
        >>> s.offsets, s.weights, s.accuracy, s.kernel
        ((Fraction(0, 1), Fraction(1, 1)), (Fraction(-1, 1), Fraction(1, 1)), 1, 0.5)
        >>> print(stencil("central", accuracy=4))
        f'(x) ≈ [-f(x + 2h) + 8f(x + h) - 8f(x - h) + f(x - 2h)] / 12h
    """
    if isinstance(derivative, bool) or not isinstance(derivative, int) or not 1 <= derivative <= MAX_DERIVATIVE:
        raise SymdiffError(f"finite differences give derivatives of order 1 to {MAX_DERIVATIVE}, not {derivative!r}")
    p = accuracy if accuracy is not None else (2 if kind == "central" else 1)
    if isinstance(p, bool) or not isinstance(p, int) or p < 1:
        raise SymdiffError(f"accuracy must be a whole number of at least 1, got {describe(accuracy)}")
    if p > 16:
        raise SymdiffError(f"accuracy {describe(p)} is more than 16; high orders only amplify rounding")
    if kind == "central":
        if p % 2:
            raise SymdiffError(f"central stencils have even accuracy (2, 4, 6, …), not {p}")
        m = (p + derivative - 1) // 2
        return make(range(-m, m + 1), derivative)
    count = p + derivative
    sign = 1 if kind == "forward" else -1
    return make([sign * k for k in range(count)], derivative)


def richardson_column(column: int, derivative: int = 1) -> Stencil:
    """Column j of a Richardson table with step ratio 2: the central stencil on ±1, ±1/2, …, ±1/2ʲ.

    A derivative of order d needs d + 1 points: its column 0 already has ⌈d/2⌉ pairs
    (±1, ±1/2 for the third derivative), and each column one pair more, halving again.

    Example:
        >>> [str(w) for w in richardson_column(1).weights]  # (4·D(h/2) - D(h)) / 3
        ['1/6', '-4/3', '4/3', '-1/6']
    """
    pairs = (derivative + 1) // 2
    halves = [Fraction(1, 2**k) for k in range(column + pairs)]
    points = [-s for s in halves] + halves + ([Fraction(0)] if derivative % 2 == 0 else [])
    return make(points, derivative)


def _kernel_norm(points: list[Fraction], w: list[Fraction], derivative: int, order: int) -> float:
    """∫|K(t)| dt of the Peano kernel of Σ wᵢ f(sᵢ) - f⁽ᵈ⁾(0), for f with q = ``order`` derivatives.

    K(t) = [Σ wᵢ (sᵢ - t)₊^(q-1) - (q-1)!/(q-1-d)! · (-t)₊^(q-1-d)] / (q-1)! is a polynomial
    between consecutive breakpoints. Where Budan's theorem rules out a root, the piece
    keeps its sign and ∫|K| is exact; otherwise the integral is split at the real roots
    (SymPy) and summed at 40 digits. The total is rounded up.
    """
    q = order
    breaks = sorted({*points, Fraction(0)})
    exact = Fraction(0)
    approximate = mpmath.mpf(0)
    for left, right in itertools.pairwise(breaks):
        piece = [Fraction(0)] * q  # coefficients of t⁰ … t^(q-1)
        for s, wi in zip(points, w, strict=True):
            if s >= right:
                _add_power(piece, wi, s, -1, q - 1)  # wᵢ (sᵢ - t)^(q-1)
        if right <= 0:
            _add_power(
                piece, -Fraction(math.factorial(q - 1), math.factorial(q - 1 - derivative)), 0, -1, q - 1 - derivative
            )
        if not any(piece):
            continue
        if _sign_changes(_shift(piece, left)) == _sign_changes(_shift(piece, right)):
            exact += abs(_integral(piece, left, right))
        else:
            approximate += _split_integral(piece, left, right)
    with mpmath.workdps(40):
        total = (mpmath.mpf(exact.numerator) / exact.denominator + approximate) / math.factorial(q - 1)
        return float(total * (1 + mpmath.mpf(10) ** -30)) if total else 0.0


def _add_power(poly: list[Fraction], factor: Fraction, a: Fraction | int, b: int, n: int) -> None:
    """poly += factor · (a + b·t)ⁿ."""
    for k in range(n + 1):
        poly[k] += factor * math.comb(n, k) * Fraction(a) ** (n - k) * b**k


def _shift(poly: list[Fraction], a: Fraction) -> list[Fraction]:
    """Coefficients of p(t + a): the Taylor coefficients of p at a."""
    result = [Fraction(0)] * len(poly)
    for k, c in enumerate(poly):
        if c:
            for j in range(k + 1):
                result[j] += c * math.comb(k, j) * a ** (k - j)
    return result


def _sign_changes(coefficients: list[Fraction]) -> int:
    signs = [c > 0 for c in coefficients if c != 0]
    return sum(a != b for a, b in itertools.pairwise(signs))


def _integral(poly: list[Fraction], a: Fraction, b: Fraction) -> Fraction:
    return sum((c * (b ** (k + 1) - a ** (k + 1)) / (k + 1) for k, c in enumerate(poly)), Fraction(0))


def _split_integral(poly: list[Fraction], a: Fraction, b: Fraction) -> mpmath.mpf:
    """∫ₐᵇ |p(t)| dt, split at the real roots of p, at 40 digits."""
    t = sp.Symbol("t", real=True)
    p = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in reversed(poly)], t, domain="QQ")
    antiderivative = p.integrate()
    lo, hi = sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator)
    cuts = [lo, *sorted({r for r in p.real_roots() if lo < r < hi}, key=lambda r: sp.N(r, 50)), hi]
    with mpmath.workdps(40):
        return sum(
            (
                abs(mpmath.mpf(sp.N(antiderivative.eval(v) - antiderivative.eval(u), 45)))
                for u, v in itertools.pairwise(cuts)
            ),
            mpmath.mpf(0),
        )
