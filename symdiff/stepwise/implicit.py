"""Implicit differentiation as it is taught: differentiate both sides with y a function of x, solve for dy/dx.

Each side's derivation is an ordinary one (y declared to depend on x, so the chain rule writes
dy/dx, every step verified); the last step solves the differentiated equation, which is linear
in dy/dx, and is checked against y′ = −F_x/F_y from ``comparison.implicit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..comparison.implicit import equation_sides, implicit_formula
from ..errors import SymdiffError
from ..language.parser import symbol
from ..language.unknown import dependent, derivative_at
from ..limits import DEFAULT_LIMITS, Limits
from . import steps
from .record import Derivation


@dataclass(frozen=True)
class ImplicitDerivation:
    """d/dx of both sides of an equation, then dy/dx solved for.

    Attributes:
        left, right: the derivations of the two sides (y written as y(x)).
        differentiated: the two sides' derivatives, an equation linear in dy/dx.
        y, x: the function and its variable.
        solved: dy/dx, in x and y.
        verified: every step of both derivations, and the solution equal to −F_x/F_y.
    """

    left: Derivation
    right: Derivation
    differentiated: tuple[sp.Expr, sp.Expr]
    y: str
    x: str
    solved: sp.Expr
    solution_verified: bool

    @property
    def verified(self) -> bool:
        return self.left.verified and self.right.verified and self.solution_verified

    def to_text(self) -> str:
        from ..render import implicit

        return implicit.steps_text(self)

    def to_latex(self) -> str:
        from ..render import implicit

        return implicit.steps_latex(self)

    def to_markdown(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"

    def __str__(self) -> str:
        return self.to_text()


def implicit_steps(equation: str, y: str, x: str, *, limits: Limits = DEFAULT_LIMITS) -> ImplicitDerivation:
    """The derivation of dy/dx for y defined by ``equation``: both sides differentiated, then solved.

    Example:
        >>> d = implicit_steps("x^2 + y^2 = 25", "y", "x")
        >>> d.solved, d.verified
        (-x/y, True)
    """
    lhs, rhs = equation_sides(equation, limits)
    ys, xs = symbol(y), symbol(x)
    function = dependent(y)(xs)
    left, right = (_derivation(side.xreplace({ys: function}), x, limits) for side in (lhs, rhs))
    rate = derivative_at(function.func, function.args, [0])
    unknown = sp.Dummy("rate")
    linear = (left.result - right.result).xreplace({rate: unknown})
    solutions = sp.solve(linear, unknown)
    if len(solutions) != 1:
        raise SymdiffError(f"the differentiated equation does not determine d{y}/d{x}: ∂F/∂{y} is 0")
    solved = sp.simplify(solutions[0].xreplace({function: ys}))
    expected = implicit_formula(lhs - rhs, ys, xs, 1, limits)
    verified = sp.simplify(solved - expected) == 0
    return ImplicitDerivation(left, right, (left.result, right.result), y, x, solved, bool(verified))


def _derivation(side: sp.Expr, x: str, limits: Limits) -> Derivation:
    derivation = steps(side, x, limits=limits)
    assert isinstance(derivation, Derivation)  # a scalar expression: never the matrix form
    return derivation
