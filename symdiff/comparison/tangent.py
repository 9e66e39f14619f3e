"""The tangent line at a point, with f and f′ sampled around it: the picture a textbook draws.

f is sampled where it is defined (nan elsewhere), and a curve is never drawn across a pole or a
jump. The test is the mean value theorem: between two samples where f is differentiable, the
secant's slope is a value f′ takes in between. A secant far steeper than f′ at both ends, or
of the opposite sign to both, says f is not continuous there, and the curve is broken. f′ is
broken the same way with f″ (where f has a corner, f′ jumps), and wherever f is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..errors import LimitError, SymdiffError
from ..language.parser import Program, as_expression, parse_program, symbol, variable_names
from ..language.printing import to_text
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.derivatives import diff
from ..symbolic.exact import exact_value, given_exactly
from ..tape import reference
from ..tape.tape import Tape
from .explain import NOT_DIFFERENTIABLE, Explanation, exact_values, explain_row, nonfinite

SAMPLES = 1201
DIGITS = 30


@dataclass(frozen=True)
class Curve:
    """A function sampled along x: ``y`` is nan where it is undefined and where the curve is broken.

    ``view`` is the y range to show: the whole curve, or, near a pole, the part that is not
    running off to infinity.
    """

    x: np.ndarray
    y: np.ndarray
    view: tuple[float, float]


@dataclass(frozen=True)
class Tangent:
    """f near a point, its derivative, and the tangent line there.

    Attributes:
        expression: f.
        derivative: f′, symbolic (partial, the other variables held at the point).
        wrt: the variable along which f is drawn.
        point: every variable's value; f is drawn along ``wrt`` with the others held there.
        given: the point as it was given (``pi/4`` stays π/4), for showing it.
        value: f at the point.
        slope: f′ at the point; None where f is not differentiable.
        line: the tangent y = f(a) + f′(a)(x − a) in ``wrt``, exact when the point was; None
            without a slope.
        one_sided: at a corner, the slopes from the left and the right (drawn as two half-lines).
        note: why there is no tangent (a jump, a corner, a vertical tangent), or "".
        f, df: the sampled curves of f and f′.
    """

    expression: sp.Expr
    derivative: sp.Expr
    wrt: str
    point: dict[str, float]
    given: dict[str, Any]
    value: float
    slope: float | None
    line: sp.Expr | None
    one_sided: tuple[float, float] | None
    note: str
    f: Curve
    df: Curve

    def __str__(self) -> str:
        from ..render.tangent import summary

        return summary(self)

    def plot(self, path: str | Path) -> Path:
        """Draw f with the tangent, and f′ below it, to ``path`` (.png, .svg, .pdf; needs matplotlib)."""
        from ..render.tangent import plot_tangent_picture

        return plot_tangent_picture(self, path)

    def _repr_svg_(self) -> str | None:  # Jupyter shows the picture when matplotlib is installed
        from ..render.tangent import svg

        return svg(self)


def tangent(
    expr: str | sp.Basic | Program,
    wrt: str,
    at: Mapping[str, Any],
    *,
    x_range: tuple[float, float] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Tangent:
    """f, f′ and the tangent line at ``at``, sampled for a picture (``Tangent.plot``).

    Args:
        wrt: the variable to draw f along; any others are held at their values in ``at``.
        x_range: the interval of ``wrt`` to draw; by default a ± max(3, |a|/4), narrowed to
            where f is defined.

    Example:
        >>> print(tangent("3x^2 - 4x + 5", "x", {"x": 3}))
        tangent to f = 3x^2 - 4x + 5 at x = 3: 14x - 22 (slope 14)
    """
    source = parse_program(expr, limits=limits) if isinstance(expr, str) else expr
    f = as_expression(source, limits=limits)
    names = variable_names(f)
    if wrt not in names:
        raise SymdiffError(f"{wrt} does not occur in the expression (its variables: {', '.join(names) or 'none'})")
    missing = [name for name in names if name not in at]
    if missing:
        raise SymdiffError(f"the tangent needs a point: give {', '.join(missing)} a value (--at {missing[0]}=...)")
    point = {name: float(sp.N(at[name], 20)) if isinstance(at[name], sp.Basic) else float(at[name]) for name in names}
    exact = given_exactly(at, names)
    derivative = diff(f, wrt, limits=limits)
    assert isinstance(derivative, sp.Expr)
    value, slope = (_reference(e, exact or point) for e in (f, derivative))
    if not mpmath.isfinite(value):
        problem = nonfinite(Tape(f).graph, Tape(f).trace(point), exact or point)
        reason = f" ({problem.message})" if problem else ""
        raise SymdiffError(f"f is not defined at {_where(wrt, at)}{reason}: it has no tangent there")
    kink = _kink(f, derivative, wrt, point, exact)
    one_sided = kink.slopes if kink is not None and kink.kind == "corner" else None
    note = kink.message if kink is not None else ""
    has_slope = kink is None and mpmath.isfinite(slope)
    if kink is None and not has_slope:
        note = f"f′ is not finite at {_where(wrt, at)}: the tangent is vertical or does not exist"
    line = _line(f, derivative, wrt, point[wrt], exact, value, slope) if has_slope else None
    lo, hi = _range(point[wrt], x_range)
    curves = _sample(f, derivative, wrt, point, lo, hi, fit=x_range is None, limits=limits)
    given = {name: at[name] for name in names}
    return Tangent(
        f,
        derivative,
        wrt,
        point,
        given,
        float(value),
        float(slope) if has_slope else None,
        line,
        one_sided,
        note,
        *curves,
    )


def plot_tangent(
    expr: str | sp.Basic | Program,
    wrt: str,
    at: Mapping[str, Any],
    path: str | Path,
    *,
    x_range: tuple[float, float] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Path:
    """Draw f, its tangent at ``at`` and f′ to ``path`` (.png, .svg, .pdf; ``pip install "symdiff[plot]"``).

    Example:
        >>> plot_tangent("3x^2 - 4x + 5", "x", {"x": 3}, "tangent.png")  # doctest: +SKIP
        PosixPath('tangent.png')
    """
    return tangent(expr, wrt, at, x_range=x_range, limits=limits).plot(path)


def _where(wrt: str, at: Mapping[str, Any]) -> str:
    return f"{wrt} = {to_text(at[wrt]) if isinstance(at[wrt], sp.Basic) else f'{float(at[wrt]):g}'}"


def _reference(expr: sp.Expr, point: Mapping[str, Any]) -> mpmath.mpf:
    with mpmath.workdps(DIGITS):
        return reference.value(expr, point, DIGITS)


def _kink(
    f: sp.Expr, derivative: sp.Expr, wrt: str, point: dict[str, float], exact: dict[str, sp.Expr] | None
) -> Explanation | None:
    """The reason f is not differentiable at the point (the comparison's explanation), or None."""
    tape = Tape(f)
    graph, at = tape.graph, exact or point
    found, _ = explain_row(graph, tape.trace(point), derivative, [wrt], at, DIGITS, exact_values(graph, at, DIGITS))
    return next((e for e in found if e.kind in NOT_DIFFERENTIABLE), None)


def _line(
    f: sp.Expr,
    derivative: sp.Expr,
    wrt: str,
    a: float,
    exact: dict[str, sp.Expr] | None,
    value: mpmath.mpf,
    slope: mpmath.mpf,
) -> sp.Expr:
    """y = f(a) + f′(a)(x − a), exact when the point and both values are (and need no function
    of a number: not cos(1/10)); multiplied out when a is rational (14x − 22); else to 6 digits.
    """
    x = symbol(wrt)
    if exact is not None:
        f_a, slope_a = exact_value(f, exact, value), exact_value(derivative, exact, slope)
        if f_a is not None and slope_a is not None and not (f_a.atoms(sp.Function) | slope_a.atoms(sp.Function)):
            line = f_a + slope_a * (x - exact[wrt])
            return sp.expand(line) if exact[wrt].is_Rational else line
    return sp.Float(float(slope), 6) * x + sp.Float(float(value) - float(slope) * a, 6)


def _range(a: float, given: tuple[float, float] | None) -> tuple[float, float]:
    if given is None:
        width = max(3.0, abs(a) / 4)
        return a - width, a + width
    lo, hi = (float(v) for v in given)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < a < hi):
        raise SymdiffError(f"the x range must be two finite numbers around the point {a:g}, got {lo:g} to {hi:g}")
    return lo, hi


def _sample(
    f: sp.Expr,
    derivative: sp.Expr,
    wrt: str,
    point: dict[str, float],
    lo: float,
    hi: float,
    *,
    fit: bool,
    limits: Limits,
) -> tuple[Curve, Curve]:
    """f and f′ on a grid (through the point itself), narrowed to where f is defined when ``fit``."""
    x = _grid(lo, hi, point[wrt])
    y = _values(f, wrt, point, x)
    defined = np.flatnonzero(np.isfinite(y))
    if defined.size < 2:
        raise SymdiffError(f"f is undefined almost everywhere between {wrt} = {lo:g} and {hi:g}: nothing to draw")
    if fit and (defined[0] > 0 or defined[-1] < x.size - 1):
        x = _grid(float(x[defined[0]]), float(x[defined[-1]]), point[wrt])
        y = _values(f, wrt, point, x)
    slope = _values(derivative, wrt, point, x)
    try:
        second = diff(derivative, wrt, limits=limits)
        curvature = _values(second, wrt, point, x) if isinstance(second, sp.Expr) else None
    except LimitError:  # f″ too large to write: f′ is broken only where f is
        curvature = None
    f_breaks = _breaks(x, y, slope)
    df_breaks = f_breaks | (_breaks(x, slope, curvature) if curvature is not None else False)
    return _curve(x, y, f_breaks, point[wrt]), _curve(x, slope, df_breaks, point[wrt])


def _grid(lo: float, hi: float, a: float) -> np.ndarray:
    return np.union1d(np.linspace(lo, hi, SAMPLES), [a])


def _values(expr: sp.Expr, wrt: str, point: dict[str, float], x: np.ndarray) -> np.ndarray:
    tape = Tape(expr)
    at = {name: x if name == wrt else point[name] for name in tape.variables}
    y = np.broadcast_to(np.asarray(tape.value(at), dtype=float), x.shape).copy()
    y[~np.isfinite(y)] = np.nan
    return y


def _breaks(x: np.ndarray, y: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """For each interval between samples: does the mean value theorem say y cannot be continuous there?"""
    secant = np.diff(y) / np.diff(x)
    left, right = slope[:-1], slope[1:]
    low, high = np.minimum(left, right), np.maximum(left, right)
    finite = y[np.isfinite(y)]
    spread = float(np.ptp(np.quantile(finite, [0.05, 0.95]))) if finite.size else 0.0
    typical = max(float(np.nanmedian(np.abs(slope))) if np.isfinite(slope).any() else 0.0, spread / np.ptp(x))
    # Rounding in y makes a flat function's secant as large as eps·|y|/dx.
    noise = 1e-8 * (np.abs(y[:-1]) + np.abs(y[1:])) / np.diff(x)
    slack = (high - low) + 0.25 * typical + noise
    with np.errstate(invalid="ignore"):
        steep = (secant < low - slack) | (secant > high + slack)
        reversed_ = (secant * left < 0) & (secant * right < 0) & (np.abs(secant) > typical + noise)
    return np.asarray(steep | reversed_, dtype=bool)


def _curve(x: np.ndarray, y: np.ndarray, breaks: np.ndarray, a: float) -> Curve:
    """The samples with a nan between those the curve must not join, and the y range to show."""
    where = np.flatnonzero(breaks) + 1
    middle = (x[where - 1] + x[where]) / 2
    xs, ys = np.insert(x, where, middle), np.insert(y, where, np.nan)
    return Curve(xs, ys, _view(y, x, a))


def _view(y: np.ndarray, x: np.ndarray, a: float) -> tuple[float, float]:
    """The y range: all of the curve, unless it runs off near a pole (then its middle 90 %, widened)."""
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return (-1.0, 1.0)
    at_point = y[np.searchsorted(x, a)]
    q5, q95 = np.quantile(finite, [0.05, 0.95])
    spread = max(q95 - q5, 1e-9 * max(abs(q5), abs(q95), 1.0))
    low = max(float(finite.min()), q5 - spread)
    high = min(float(finite.max()), q95 + spread)
    if np.isfinite(at_point):
        low, high = min(low, float(at_point)), max(high, float(at_point))
    margin = 0.05 * max(high - low, 1e-9 * max(abs(low), abs(high), 1.0), 1e-12)
    return (low - margin, high + margin)
