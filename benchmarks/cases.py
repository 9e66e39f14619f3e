"""The expressions the benchmarks share: sums of n terms, a tanh chain, a one-hidden-layer network.

Each case builds a SymPy expression over real symbols (as symdiff's parser would) and a
point to evaluate it at, deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp


@dataclass(frozen=True)
class Case:
    name: str
    expression: sp.Expr
    symbols: tuple[sp.Symbol, ...]
    point: dict[str, float]


def _symbols(prefix: str, count: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"{prefix}{i}", real=True) for i in range(1, count + 1))


def sum_case(n: int) -> Case:
    """f = Σ sin(xᵢ)·xᵢ₊₁ + Σ exp(xᵢ/n)."""
    x = _symbols("x", n)
    expr = sp.Add(*(sp.sin(x[i]) * x[i + 1] for i in range(n - 1))) + sp.Add(*(sp.exp(xi / n) for xi in x))
    rng = np.random.default_rng(n)
    return Case(f"sum n={n}", expr, x, {s.name: float(v) for s, v in zip(x, rng.uniform(-1, 1, n), strict=True)})


def products_case(n: int) -> Case:
    """f = Σ xᵢ·xᵢ₊₁ + Σ xᵢ²: only sums, products and powers, so micrograd can run it too."""
    x = _symbols("x", n)
    expr = sp.Add(*(x[i] * x[i + 1] for i in range(n - 1))) + sp.Add(*(xi**2 for xi in x))
    rng = np.random.default_rng(n + 1)
    return Case(f"products n={n}", expr, x, {s.name: float(v) for s, v in zip(x, rng.uniform(-1, 1, n), strict=True)})


def chain_case(k: int = 50) -> Case:
    """f = tanh(w_k · tanh(… tanh(w_1 · x)))."""
    w = _symbols("w", k)
    x = sp.Symbol("x", real=True)
    expr: sp.Expr = x
    for wi in w:
        expr = sp.tanh(wi * expr)
    rng = np.random.default_rng(k)
    point = {s.name: float(v) for s, v in zip(w, rng.uniform(0.5, 1.5, k), strict=True)} | {"x": 0.7}
    return Case(f"tanh chain k={k}", expr, (*w, x), point)


def network_case(inputs: int = 16, hidden: int = 32) -> Case:
    """Squared error of one sample through a tanh hidden layer: L = (t − Σⱼ vⱼ·tanh(Σᵢ Wⱼᵢ·xᵢ))².

    16 inputs and 32 hidden units give 16·32 + 32 = 544 parameters (W and v); the data x and
    t are variables too, so the gradient has 561 partials.
    """
    weights = [[sp.Symbol(f"W{j}_{i}", real=True) for i in range(1, inputs + 1)] for j in range(1, hidden + 1)]
    v = _symbols("v", hidden)
    x = _symbols("x", inputs)
    t = sp.Symbol("t", real=True)
    hidden_units = [sp.tanh(sp.Add(*(weights[j][i] * x[i] for i in range(inputs)))) for j in range(hidden)]
    expr = (t - sp.Add(*(v[j] * hidden_units[j] for j in range(hidden)))) ** 2
    symbols = (*[w for row in weights for w in row], *v, *x, t)
    rng = np.random.default_rng(544)
    values = rng.normal(scale=0.3, size=len(symbols))
    return Case(
        f"network {inputs}-{hidden} ({inputs * hidden + hidden} parameters)",
        expr,
        symbols,
        {s.name: float(val) for s, val in zip(symbols, values, strict=True)},
    )
