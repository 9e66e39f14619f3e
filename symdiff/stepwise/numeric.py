"""Evaluate a SymPy expression with mpmath, at the caller's working precision.

Functions are evaluated by their registry mpmath implementations (the same ones the rest of
symdiff trusts), so custom functions such as sigmoid need no SymPy evalf support. A point
outside the real domain (a complex, infinite or undefined value anywhere) gives ``None``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import mpmath
import sympy as sp

from ..language.dag import postorder
from ..primitives import registry

DIGITS = 30  # working precision of the values in a derivation and of its checks


class _UnsupportedNodeError(Exception):
    """A node the fast evaluator does not know; the whole expression goes to SymPy instead."""


def evaluate(expr: sp.Expr, point: Mapping[sp.Symbol, Any]) -> mpmath.mpf | None:
    """``expr`` at ``point`` as a real mpmath number, or ``None`` outside the real domain."""
    try:
        try:
            result = _fast(expr, point)
        except _UnsupportedNodeError:
            result = _by_sympy(expr, point)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):  # outside the domain
        return None
    if isinstance(result, mpmath.mpf) and mpmath.isfinite(result):
        return result
    return None


# A value beyond 2^4096 (about 10^1233) at a check point counts as an overflow: raising a number
# to such a power (6246^(2.2e-313^-1000)) would have mpmath work for minutes on one value.
MAX_MAGNITUDE = 4096


def _fast(expr: sp.Expr, point: Mapping[sp.Symbol, Any]) -> Any:
    values: dict[sp.Basic, Any] = {}
    for node in postorder(expr):
        value = _node(node, values, point)
        if _too_large(value):
            raise OverflowError(f"a value beyond 2^{MAX_MAGNITUDE}, which a check does not compare")
        if isinstance(value, mpmath.mpc):
            # Outside the real domain already: going on would only cost (the tangent of a complex number
            # with a 4000-bit real part reduces it by π at 4000 bits, then of its sinh, …).
            raise ValueError("a complex value: outside the real domain")
        values[node] = value
    return values[expr]


def _too_large(value: Any) -> bool:
    finite = isinstance(value, mpmath.mpf) and bool(value) and mpmath.isfinite(value)
    return finite and mpmath.mag(value) > MAX_MAGNITUDE


def _node(node: sp.Basic, values: dict[sp.Basic, Any], point: Mapping[sp.Symbol, Any]) -> Any:
    if isinstance(node, sp.Symbol):
        return mpmath.mpf(point[node])
    if isinstance(node, sp.Rational):
        return mpmath.mpf(node.p) / node.q
    if isinstance(node, (sp.Float, sp.NumberSymbol)):
        return mpmath.mpf(sp.N(node, mpmath.mp.dps + 5))
    if isinstance(node, sp.Add):
        return mpmath.fsum(values[a] for a in node.args)
    if isinstance(node, sp.Mul):
        return mpmath.fprod(values[a] for a in node.args)
    p = registry.for_sympy_node(node)
    if p is None:
        raise _UnsupportedNodeError(type(node).__name__)
    # Heaviside's hidden H0 is not an argument; LambertW(x)'s left-out branch 0 is
    args = [
        values[a] if a in values else mpmath.mpf(int(a))
        for a in registry.operands(p, getattr(node, "pargs", node.args))
    ]
    if len(args) > p.arity:  # max(a, b, c): max is associative
        return functools.reduce(p.mpmath, args)
    return p.mpmath(*args)


def _by_sympy(expr: sp.Expr, point: Mapping[sp.Symbol, Any]) -> Any:
    exact = {s: sp.Float(mpmath.mpf(v), mpmath.mp.dps) for s, v in point.items()}
    number = sp.N(expr.xreplace(exact), mpmath.mp.dps)
    if not number.is_real or not number.is_finite:
        return None
    return mpmath.mpf(number)
