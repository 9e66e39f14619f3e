"""Random expressions over the registry, and points where they are smooth: shared by tests."""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from symdiff.language.parser import symbol
from symdiff.primitives import registry

VARIABLES = tuple(symbol(n) for n in ("x", "y", "z"))

# Unary primitives that are smooth on the whole line, and ones that need a positive argument.
_SMOOTH = [
    p.sympy for p in registry.PRIMITIVES if p.arity == 1 and p.infix is None and p.domain is None and p.nondiff is None
]
_POSITIVE_ONLY = [registry.primitive(n).sympy for n in ("log", "sqrt")]


def random_expression(rng: np.random.Generator, depth: int = 3) -> sp.Expr:
    """A random expression in x, y, z built from sums, products, quotients, powers and registry functions."""
    if depth == 0 or rng.random() < 0.15:
        choice = rng.integers(4)
        if choice == 3:
            return sp.Rational(int(rng.integers(1, 6)), int(rng.integers(1, 4))) * (-1) ** int(rng.integers(2))
        return VARIABLES[choice]
    a = random_expression(rng, depth - 1)
    kind = rng.integers(7)
    if kind == 0:
        return a + random_expression(rng, depth - 1)
    if kind == 1:
        return a * random_expression(rng, depth - 1)
    if kind == 2:
        return a / (1 + random_expression(rng, depth - 1) ** 2)
    if kind == 3:
        return a ** int(rng.integers(2, 4))
    if kind == 4:
        return _POSITIVE_ONLY[int(rng.integers(len(_POSITIVE_ONLY)))](1 + a**2)
    return _SMOOTH[int(rng.integers(len(_SMOOTH)))](a / 2)


def exact_gradient(gradient: dict[str, sp.Expr], point: dict[str, float], dps: int = 50) -> dict[str, mpmath.mpf]:
    """Each symbolic partial evaluated at ``point`` with mpmath at ``dps`` digits (the reference)."""
    exact = {symbol(k): sp.Rational(v) for k, v in point.items()}
    with mpmath.workdps(dps):
        return {k: mpmath.mpf(sp.N(g.xreplace(exact), dps)) for k, g in gradient.items()}


def float_gradient(gradient: dict[str, sp.Expr], point: dict[str, float]) -> dict[str, float]:
    """Each symbolic partial evaluated in float64 by SymPy's lambdify: an independent float path."""
    custom = {p.sympy_class.__name__: p.numpy for p in registry.PRIMITIVES if p.sympy_class is not None}
    result = {}
    for k, g in gradient.items():
        f = sp.lambdify(list(VARIABLES), g, modules=[custom, "numpy"])
        with np.errstate(all="ignore"):
            result[k] = float(f(*(point.get(v.name, 0.0) for v in VARIABLES)))
    return result
