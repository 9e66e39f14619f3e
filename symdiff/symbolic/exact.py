"""Exact values at exact points: d/dx(x² sin x) at x = π is −π², not −9.8696."""

from __future__ import annotations

import fractions
from collections.abc import Mapping
from typing import Any

import mpmath
import sympy as sp

from ..language.dag import free_symbols, printable, substitute, tree_size
from ..primitives.functions import GUARDED_AT_LARGE_NUMBERS, LARGE

# What sympy.simplify raises when it fails, its own bugs included (an AttributeError inside
# trigsimp for tan(tanh(cosh(z))) at pi/4): the value is then taken as it stands.
SIMPLIFY_FAILURES = (TypeError, ValueError, NotImplementedError, RecursionError, ArithmeticError, AttributeError)
SHORT = 24  # nodes: an exact value longer than this is shown as a decimal
# sympy.simplify's time grows steeply with the size of the value and the number of different
# functions in it (d³/dx³ of 40 sines at 3/10 took 48 s; 55 nodes of polygamma, coth and cos
# values 11 s; 75 nodes of tan, sec and log 7 s); a value that must end up at most SHORT nodes
# long rarely starts out larger than this.
_SIMPLIFY_NODES = 40
_SIMPLIFY_FUNCTIONS = 4  # different function values, like cos(3/10) and cos(3/5)
# Large whole numbers send simplify into factoring (log(10^8) at x = 1e-8 took minutes); the
# points a derivation is written at (3, 1/2, pi/4, -3.4) have small ones.
_SIMPLIFY_DIGITS = 6


def given_exactly(at: Mapping[str, Any] | None, names: tuple[str, ...]) -> dict[str, sp.Expr] | None:
    """The point as exact SymPy numbers when every variable has an exact value (3, 1/2, pi/4); else None.

    A float is not exact here (0.1 is 3602879701896397/2^55): from the command line, where decimals
    are read exactly, 0.1 is 1/10.
    """
    if at is None:
        return None
    point: dict[str, sp.Expr] = {}
    for name in names:
        value = at.get(name)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            point[name] = sp.Integer(value)
        elif isinstance(value, fractions.Fraction):
            point[name] = sp.Rational(value.numerator, value.denominator)
        elif isinstance(value, sp.Basic) and value.is_number and value.is_extended_real and not value.has(sp.Float):
            point[name] = value
        else:
            return None
    return point


def exact_value(expr: sp.Expr, point: Mapping[str, sp.Expr], approximately: Any = None) -> sp.Expr | None:
    """``expr`` at ``point`` in a short exact form, when SymPy finds one (−π², √2/2, 1/4); else None.

    ``approximately``: the value computed numerically (mpmath); the exact form must agree with it.
    """
    names = [s for s in free_symbols(expr) if isinstance(s, sp.Symbol)]
    if any(s.name not in point for s in names):
        return None  # a program's line, in the names of earlier lines
    if not printable(expr) or not all(_small(point[s.name]) for s in names):
        return None  # substituting alone could take minutes: see _small
    value = at_point(expr, point)
    if _worth_simplifying(value):
        try:
            value = sp.simplify(value)
        except SIMPLIFY_FAILURES:
            return None
    if not value.is_number or value.has(sp.Float, sp.nan, sp.zoo, sp.oo, -sp.oo) or tree_size(value) > SHORT:
        return None
    if not all(_small(f) for f in value.atoms(*GUARDED_AT_LARGE_NUMBERS)):
        return None  # gamma(10**8), left as written (see at_point), says less than its digits
    if approximately is not None:
        with mpmath.workdps(30):
            number = sp.N(value, 30)
            if not number.is_real or abs(mpmath.mpf(number) - approximately) > mpmath.mpf(10) ** -20 * max(
                1, abs(approximately)
            ):
                return None
    return value


def at_point(expr: sp.Expr, point: Mapping[str, sp.Expr]) -> sp.Expr:
    """``expr`` with the point's exact numbers put in for its variables, SymPy evaluating what it can.

    Gamma and its family stay unevaluated at large numbers, as when the text is parsed (see
    ``functions.unevaluated_at_large_numbers``): a formula SymPy built holds SymPy's own classes.
    """
    values = {s: point[s.name] for s in free_symbols(expr) if isinstance(s, sp.Symbol) and s.name in point}
    return substitute(expr, values, GUARDED_AT_LARGE_NUMBERS)


def _worth_simplifying(value: sp.Expr) -> bool:
    """Whether ``sympy.simplify`` is quick on ``value``: small, few functions and small numbers.

    A value that is not is still given when it is short as it stands.
    """
    if tree_size(value) > _SIMPLIFY_NODES or len(value.atoms(sp.Function)) > _SIMPLIFY_FUNCTIONS:
        return False
    largest = 10**_SIMPLIFY_DIGITS
    return all(abs(r.p) < largest and r.q < largest for r in value.atoms(sp.Rational))


def _small(number: sp.Expr) -> bool:
    """Whether SymPy evaluates functions at ``number`` exactly in good time: its whole numbers are at most LARGE.

    SymPy writes polygamma(0, -2000001/2) out as a sum of a million fractions, and a gamma
    function at a large rational much the same. Points a derivation is written at are small.
    """
    return all(abs(r.p) <= LARGE and r.q <= LARGE for r in number.atoms(sp.Rational))
