"""The n-th derivative for a symbolic n, for the functions whose every derivative has a closed form.

SymPy leaves ``diff(x**k, (x, n))`` unevaluated. The textbook table is short: with u = a·x + b,

    dⁿ/dxⁿ uᵏ      = aⁿ · k(k−1)…(k−n+1) · uᵏ⁻ⁿ      (the falling factorial ff(k, n))
    dⁿ/dxⁿ e^u     = aⁿ · e^u
    dⁿ/dxⁿ c^u     = (a·ln c)ⁿ · c^u
    dⁿ/dxⁿ sin u   = aⁿ · sin(u + nπ/2),   cos likewise
    dⁿ/dxⁿ ln u    = (−1)ⁿ⁻¹ (n − 1)! · aⁿ / uⁿ

and sums and constant multiples of these (n ≥ 1). Anything else (a product needs Leibniz's
sum, a composition Faà di Bruno's) is refused with a message. Every formula is checked against
repeated differentiation for n = 1 … 4 before it is returned.
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymdiffError

CHECKED_ORDERS = (1, 2, 3, 4)
TABLE = "c·(ax + b)^k, e^(ax + b), c^(ax + b), sin(ax + b), cos(ax + b), ln(ax + b)"


class _OutsideTableError(Exception):
    """A term outside the table."""


def order_symbol(name: str) -> sp.Symbol:
    """The symbol an order is written with: a whole number n ≥ 1."""
    return sp.Symbol(name, integer=True, positive=True)


def nth_derivative(f: sp.Expr, x: sp.Symbol, n: sp.Symbol) -> sp.Expr:
    """dⁿf/dxⁿ for a symbolic ``n`` (a positive integer symbol), from the table above; verified.

    Raises:
        SymdiffError: f is not a sum of the table's functions, or the formula does not check.
    """
    if f.has(n):
        raise SymdiffError(f"the order's name {n} is a variable of the expression: call the order something else")
    try:
        result = sp.Add(*(_term(t, x, n) for t in sp.Add.make_args(sp.expand_mul(f))))
    except _OutsideTableError as refusal:
        raise SymdiffError(
            f"symdiff writes the n-th derivative for a symbolic n of sums of {TABLE}; "
            f"not of {refusal} (give n as a number)"
        ) from None
    for k in CHECKED_ORDERS:
        if sp.simplify(result.subs(n, k) - sp.diff(f, x, k)) != 0:
            raise SymdiffError(f"the n-th derivative formula {result} does not check at n = {k}; please report it")
    return result


def _linear(u: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """a when u = a·x + b with a ≠ 0 free of x, else None."""
    slope = sp.diff(u, x)
    return None if slope.has(x) or slope.is_zero else slope


def _falling(k: sp.Expr, n: sp.Symbol) -> sp.Expr:
    """k(k−1)…(k−n+1); for a negative whole k = −m it is (−1)ⁿ (m + n − 1)!/(m − 1)! (1/x: (−1)ⁿ n!)."""
    if k.is_Integer and k < 0:
        m = -k
        return (-1) ** n * sp.factorial(m + n - 1) / sp.factorial(m - 1)
    return sp.ff(k, n)


def _term(t: sp.Expr, x: sp.Symbol, n: sp.Symbol) -> sp.Expr:
    if not t.has(x):
        return sp.S.Zero  # n ≥ 1
    constant, g = t.as_independent(x, as_Add=False)
    return constant * _function(g, x, n)


def _function(g: sp.Expr, x: sp.Symbol, n: sp.Symbol) -> sp.Expr:
    base, exponent = g.as_base_exp()
    if isinstance(g, sp.exp) or (g.is_Pow and base is sp.E):
        u = g.args[0] if isinstance(g, sp.exp) else exponent
        a = _linear(u, x)
        if a is not None:
            return a**n * g
    elif g.is_Pow or g == x:
        if not exponent.has(x):
            a = _linear(base, x)
            if a is not None:
                return a**n * _falling(exponent, n) * base ** (exponent - n)
        elif not base.has(x):
            a = _linear(exponent, x)
            if a is not None:
                return (a * sp.log(base)) ** n * g
    elif isinstance(g, (sp.sin, sp.cos)):
        a = _linear(g.args[0], x)
        if a is not None:
            return a**n * g.func(g.args[0] + n * sp.pi / 2)
    elif isinstance(g, sp.log):
        a = _linear(g.args[0], x)
        if a is not None:
            return (-1) ** (n - 1) * sp.factorial(n - 1) * sp.powsimp(a**n / g.args[0] ** n, force=True)
    raise _OutsideTableError(sp.sstr(g))
