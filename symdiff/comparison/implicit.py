"""Implicit differentiation: dy/dx of any order for y defined by an equation, checked at a point of the curve.

Differentiating F(x, y) = 0 (F the difference of the two sides) with y a function of x gives
F_x + F_y·y′ = 0, so y′ = −F_x/F_y; each higher derivative is the derivative of the one before
with y′ put in for dy/dx, y⁽ᵏ⁺¹⁾ = ∂y⁽ᵏ⁾/∂x + ∂y⁽ᵏ⁾/∂y·y′, as sympy.idiff computes it.

The check does not use the formula's derivation. At a point of the curve (given, or found by
solving F(x₀, y) = 0 with mpmath.findroot), the implicitly defined function is y(x) = the root
of F(x, ·) = 0 followed from y₀; mpmath.diff differentiates it at 50 digits, and the formula's
value at (x₀, y₀) must agree with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from ..errors import EvaluationError, ParseError, SymdiffError
from ..language.forms import derivative as classical
from ..language.parser import parse, symbol, variable_names
from ..limits import DEFAULT_LIMITS, Limits, sympy_recursion_guard
from ..symbolic.derivatives import tidy
from ..tape.graph import lower
from ..tape.reference import evaluate, to_mpf

DIGITS = 50
ON_CURVE = mpmath.mpf(10) ** -6  # relative: a given y may be rounded (2.6458 for √7); it is then refined
AGREEMENT = mpmath.mpf(10) ** -20  # relative: far above mpmath.diff's error at 50 digits, far below a wrong formula
VERTICAL = mpmath.mpf(10) ** -10  # |∂F/∂y| below this (relative) at the root: a vertical tangent or a singular point
GUESSES = (1, -1, 2, -2, 0.5, -0.5, 5, -5, 10, -10, 0)  # where findroot starts when only x is given


@dataclass(frozen=True)
class ImplicitCheck:
    """The formula's value at a point of the curve beside mpmath.diff of the implicitly defined y(x).

    Attributes:
        x, y: the point (y refined to the curve, or found there).
        given_y: the y given, or None when it was found by findroot.
        formula: the derivative formula at the point, to 50 digits.
        numeric: mpmath.diff of y(x), the root of F(x, ·) = 0 followed from y, at x.
        agree: whether the two agree to 20 digits.
    """

    x: mpmath.mpf
    y: mpmath.mpf
    given_y: mpmath.mpf | None
    formula: mpmath.mpf
    numeric: mpmath.mpf
    agree: bool


@dataclass(frozen=True)
class ImplicitDerivative:
    """dⁿy/dxⁿ for y defined by ``lhs = rhs``, in terms of x and y.

    Attributes:
        lhs, rhs: the two sides of the equation.
        y, x: the function and its variable.
        order: n.
        derivative: the formula, in x and y.
        check: the numeric check at a point, when one was asked for.
    """

    lhs: sp.Expr
    rhs: sp.Expr
    y: str
    x: str
    order: int
    derivative: sp.Expr
    check: ImplicitCheck | None = None

    @property
    def agree(self) -> bool:
        return self.check is None or self.check.agree

    def to_text(self) -> str:
        from ..render import implicit

        return implicit.text(self)

    def to_json(self) -> str:
        from ..render import implicit

        return implicit.json_text(self)

    def to_latex(self) -> str:
        from ..render import implicit

        return implicit.latex(self)

    def to_markdown(self) -> str:
        from ..render import implicit

        return implicit.markdown(self)

    def __str__(self) -> str:
        return self.to_text()


def implicit(
    equation: str,
    y: str,
    x: str,
    order: int = 1,
    *,
    at: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImplicitDerivative:
    """dⁿy/dxⁿ for y defined implicitly by ``equation``, checked numerically at a point when ``at`` is given.

    Args:
        equation: ``"lhs = rhs"`` (or an expression, meaning ``= 0``).
        y: the name of the function.
        x: the name of its variable.
        order: n, the order of the derivative.
        at: ``{x: x0}`` (y is found on the curve with mpmath.findroot) or ``{x: x0, y: y0}`` (a
            point that must lie on the curve; a rounded y0 is refined to it).

    Example:
        >>> implicit("x^2 + y^2 = 25", "y", "x").derivative
        -x/y
        >>> circle = implicit("x^2 + y^2 = 25", "y", "x", order=2, at={"x": 3, "y": 4})
        >>> circle.derivative, float(circle.check.formula), circle.check.agree
        ((-x**2 - y**2)/y**3, -0.390625, True)
    """
    lhs, rhs = equation_sides(equation, limits)
    fx = _function(lhs - rhs, y, x)
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise SymdiffError(f"order must be a whole number of at least 1, got {order!r}")
    limits.check_order(order)
    derivative = implicit_formula(fx, symbol(y), symbol(x), order, limits)
    check = None if at is None else _check(lhs, rhs, derivative, y, x, order, at)
    return ImplicitDerivative(lhs, rhs, y, x, order, derivative, check)


def equation_sides(equation: str, limits: Limits = DEFAULT_LIMITS) -> tuple[sp.Expr, sp.Expr]:
    """The two sides of ``lhs = rhs``, each read by symdiff's parser (a column in an error is the equation's)."""
    if not isinstance(equation, str):
        raise SymdiffError(f"expected an equation as text, such as 'x^2 + y^2 = 25'; got {type(equation).__name__}")
    parts = equation.split("=")
    if len(parts) > 2:
        second = equation.index("=", equation.index("=") + 1)
        raise ParseError("an equation has one '=': lhs = rhs", equation, second)
    sides = []
    offset = 0
    for part in parts:
        try:
            sides.append(parse(part, limits=limits))
        except ParseError as error:
            if not error.text:
                raise ParseError(
                    f"{error.reason} (the {'left' if offset == 0 else 'right'} side)", equation, offset
                ) from None
            raise ParseError(error.reason, equation, offset + error.offset, error.length) from None
        offset += len(part) + 1
    return sides[0], sides[1] if len(sides) == 2 else sp.S.Zero


def _function(f: sp.Expr, y: str, x: str) -> sp.Expr:
    """F = lhs − rhs, checked to be an equation in y (and x)."""
    if y == x:
        raise SymdiffError(f"y and x must be different names, got {y} for both")
    names = variable_names(f)
    if y not in names:
        raise SymdiffError(f"{y} does not occur in the equation (its variables: {', '.join(names) or 'none'})")
    others = sorted(set(names) - {x, y})
    if others:
        raise SymdiffError(
            f"the equation has other variables ({', '.join(others)}): implicit differentiation here is of {y} "
            f"as a function of {x} alone"
        )
    return f


def implicit_formula(f: sp.Expr, y: sp.Symbol, x: sp.Symbol, order: int, limits: Limits = DEFAULT_LIMITS) -> sp.Expr:
    """dⁿy/dxⁿ for F(x, y) = 0: y′ = −F_x/F_y, then each derivative of the one before with y′ put in."""
    with sympy_recursion_guard("differentiating implicitly"):
        fy = classical(f, y)
        if fy == 0:
            raise SymdiffError(f"the equation does not depend on {y} (∂F/∂{y} = 0): it does not define {y}")
        first = _simplified(-classical(f, x) / fy)
        derivative = first
        for _ in range(order - 1):
            derivative = _simplified(classical(derivative, x) + classical(derivative, y) * first)
        return tidy(derivative, limits)


def _simplified(expr: sp.Expr) -> sp.Expr:
    """SymPy's simplification, unless it splits the formula into cases: 1/sign(u) becomes a
    Piecewise on u = 1, which no tape evaluates (and a point where u = 1 is a kink anyway)."""
    simpler = sp.simplify(expr)
    return expr if simpler.has(sp.Piecewise) and not expr.has(sp.Piecewise) else simpler


def _check(
    lhs: sp.Expr, rhs: sp.Expr, derivative: sp.Expr, y: str, x: str, order: int, at: Mapping[str, Any]
) -> ImplicitCheck:
    """The formula at a point of the curve beside mpmath.diff of the implicitly defined function."""
    extra = sorted(set(at) - {x, y})
    if x not in at or extra:
        raise EvaluationError(
            f"the point gives {x} (and optionally {y}) for the curve; got {', '.join(at) or 'nothing'}"
        )
    f_graph, lhs_graph, rhs_graph = lower(lhs - rhs), lower(lhs), lower(rhs)
    with mpmath.workdps(DIGITS):
        x0 = _number(at[x], x)

        def residual(xv: mpmath.mpf, yv: mpmath.mpf) -> mpmath.mpf:
            return evaluate(f_graph, {x: xv, y: yv}, mpmath.mp.dps)[f_graph.output]

        given = None if y not in at else _number(at[y], y)
        y0 = (
            _on_curve(residual, x0, given, lhs_graph, rhs_graph, x, y)
            if given is not None
            else _found(residual, x0, x, y)
        )
        formula = _at(derivative, x0, y0, x, y)

        def implicit_y(xv: mpmath.mpf) -> mpmath.mpf:
            try:
                return mpmath.findroot(lambda yv: residual(xv, yv), y0)
            except (ValueError, ZeroDivisionError):  # findroot's "could not find root"
                raise EvaluationError(
                    f"the curve cannot be followed from ({_shown(x0)}, {_shown(y0)}): near {x} = {_shown(xv)}"
                    f" no {y} solves it (it ends or turns there), so {y}({x}) has no derivative to check"
                ) from None

        numeric = mpmath.diff(implicit_y, x0, order)
        agree = abs(formula - numeric) <= AGREEMENT * max(1, abs(formula))
    return ImplicitCheck(x0, y0, given, formula, numeric, bool(agree))


def _at(expr: sp.Expr, x0: mpmath.mpf, y0: mpmath.mpf, x: str, y: str) -> mpmath.mpf:
    graph = lower(expr)
    return evaluate(graph, {x: x0, y: y0}, DIGITS)[graph.output]


def _shown(value: mpmath.mpf) -> str:
    """A coordinate for a message: 3, not 3.0."""
    text = str(mpmath.nstr(value, 15))
    return text[:-2] if text.endswith(".0") else text


def _number(value: Any, name: str) -> mpmath.mpf:
    """A coordinate at the current precision: a number, a SymPy number (pi/4) or text read by symdiff's parser."""
    if isinstance(value, str):
        value = parse(value)
    if isinstance(value, bool) or not (isinstance(value, (int, float, sp.Basic)) and sp.sympify(value).is_number):
        raise EvaluationError(f"{name} must be a number, got {value!r}")
    number = to_mpf(value)
    if not mpmath.isfinite(number):
        raise EvaluationError(f"{name} must be a finite number, got {value!r}")
    return number


def _on_curve(
    residual: Callable[[mpmath.mpf, mpmath.mpf], mpmath.mpf],
    x0: mpmath.mpf,
    y0: mpmath.mpf,
    lhs_graph: Any,
    rhs_graph: Any,
    x: str,
    y: str,
) -> mpmath.mpf:
    """y0 refined to the curve, when (x0, y0) lies on it to within ON_CURVE (relative to the sides' size)."""
    point = {x: x0, y: y0}
    sides = [evaluate(g, point, mpmath.mp.dps)[g.output] for g in (lhs_graph, rhs_graph)]
    off = residual(x0, y0)
    if not mpmath.isfinite(off) or abs(off) > ON_CURVE * max(1, *(abs(s) for s in sides)):
        shown = _shown(sides[0]), _shown(sides[1])
        raise EvaluationError(
            f"({x}, {y}) = ({_shown(x0)}, {_shown(y0)}) is not on the curve: the left side is "
            f"{shown[0]} there and the right side {shown[1]}; give a point of the curve, or only {x} to find {y}"
        )
    return _root(residual, x0, y0, x, y, f" near {y} = {_shown(y0)}")


def _found(residual: Callable[[mpmath.mpf, mpmath.mpf], mpmath.mpf], x0: mpmath.mpf, x: str, y: str) -> mpmath.mpf:
    """A y with F(x0, y) = 0, by findroot from a few starting points in turn."""
    vertical: EvaluationError | None = None
    for guess in GUESSES:
        try:
            return _root(residual, x0, mpmath.mpf(guess), x, y, "")
        except EvaluationError as error:
            vertical = error if "∂F" in str(error) else vertical
    if vertical is not None:
        raise vertical  # the one point found has no dy/dx
    tried = ", ".join(str(g) for g in GUESSES)
    raise EvaluationError(
        f"no point of the curve with {x} = {_shown(x0)} found (findroot from {y} = {tried}); "
        f"give {y} too: --at {x}=…,{y}=…"
    )


def _root(
    residual: Callable[[mpmath.mpf, mpmath.mpf], mpmath.mpf],
    x0: mpmath.mpf,
    start: mpmath.mpf,
    x: str,
    y: str,
    near: str,
) -> mpmath.mpf:
    """The root of F(x0, ·) from ``start``, where the curve is the graph of a function of x (∂F/∂y ≠ 0)."""
    try:
        root = mpmath.findroot(lambda yv: residual(x0, yv), start)
    except (ValueError, ZeroDivisionError, TypeError):
        raise EvaluationError(f"findroot found no point of the curve with {x} = {_shown(x0)}{near}") from None
    if not isinstance(root, mpmath.mpf) or not mpmath.isfinite(root):
        raise EvaluationError(f"findroot found no real point of the curve with {x} = {_shown(x0)}{near}")
    slope = mpmath.diff(lambda yv: residual(x0, yv), root)
    if abs(slope) <= VERTICAL * max(1, abs(root)):
        raise EvaluationError(
            f"∂F/∂{y} = 0 at ({x}, {y}) = ({_shown(x0)}, {_shown(root)}): the curve has a vertical "
            f"tangent or a singular point there, and {y} is not a function of {x} near it"
        )
    return root
