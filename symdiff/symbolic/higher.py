"""Higher derivatives in one variable, by Taylor mode over the graph, written with shared definitions.

Differentiating a formula again and again multiplies its size with every order: the tenth
derivative of tanh(tanh(tanh(x))) written out has a tree of 10⁸ nodes, and SymPy needs tens of
seconds to build it. Taylor mode (``tape.taylor``) computes the Taylor coefficients of every
node of f's graph instead, here on SymPy expressions; each coefficient becomes a definition
(``v7 = …``), so the k-th derivative is k!·(one coefficient) after a list of definitions whose
length grows as the graph times k². Small derivatives are still SymPy's, differentiated
order by order and tidied: the textbook form of d²/dx² x³ is 6x, not a list of lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import LimitError
from ..language.dag import tree_size
from ..language.parser import symbol
from ..limits import Limits
from ..primitives.primitive import Primitive
from ..tape import taylor
from ..tape.graph import lower
from .reverse import Definition, fresh_prefix, prune

# A derivative written out up to this many nodes is differentiated again by SymPy; past it, Taylor mode.
WRITTEN_NODES = 2_000
# Series per node of the graph, about: its own and those of its rule's partials (cos(u) for sin(u)).
SERIES_PER_NODE = 4


class SymbolicNumbers(taylor.Numbers):
    """Taylor coefficients as SymPy expressions, each non-trivial one named as a definition."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.definitions: list[Definition] = []
        self.constants = {"pi": sp.pi, "e": sp.E}

    def number(self, value: Any) -> Any:
        if isinstance(value, float):  # the rules' 0.5 is the exact 1/2 it stands for
            fraction = Fraction(value)
            exact = fraction.denominator <= 1024
            return sp.Rational(fraction.numerator, fraction.denominator) if exact else sp.Float(value)
        return sp.sympify(value)

    def apply(self, op: Primitive, args: Sequence[Any]) -> Any:
        return sp.sympify(op.sympy(*args))

    def is_nan(self, value: Any) -> bool:
        return value is sp.nan

    def coefficient(self, value: Any) -> Any:
        if value is taylor.ZERO or _trivial(value):
            return value
        defined = symbol(f"{self.prefix}{len(self.definitions) + 1}")
        self.definitions.append((defined, value))
        return defined


def _trivial(expr: sp.Expr) -> bool:
    """Cheaper to repeat than to name: a number, a symbol, or a number times a symbol."""
    if expr.is_Atom:
        return True
    return bool(expr.is_Mul and len(expr.args) == 2 and expr.args[0].is_Number and expr.args[1].is_Atom)


def taylor_derivative(
    f: sp.Expr, v: sp.Symbol, order: int, limits: Limits, *, prefix: str | None = None, start: int = 1
) -> tuple[tuple[Definition, ...], sp.Expr]:
    """The ``order``-th derivative of f by ``v`` as (definitions, expression in terms of them).

    The definitions are named ``<prefix><start>``, ``<prefix><start + 1>``, … (the prefix by
    default one no variable's name can be confused with). The work is estimated from f's
    graph before it starts, and refused above ``max_ops``.
    """
    graph = lower(f)
    work = SERIES_PER_NODE * len(graph.nodes) * (order + 1) ** 2
    if work > limits.max_ops:
        raise LimitError(
            f"the {order}th derivative by Taylor mode needs about {work} operations ({len(graph.nodes)} nodes × "
            f"order²), above the limit of {limits.max_ops} (max_ops)"
        )
    numbers = SymbolicNumbers(prefix or fresh_prefix(graph.inputs))
    engine = taylor.Engine(numbers)
    inputs = {name: engine.variable(v) if name == v.name else engine.constant(symbol(name)) for name in graph.inputs}
    nodes = engine.of_graph(graph, inputs)
    for k in range(1, order + 1):
        for series in nodes:
            series[k]
    top = numbers.plain(nodes[graph.output][order])
    definitions, (result,) = prune(numbers.definitions, (), [sp.Integer(math.factorial(order)) * top])
    return _renumbered(definitions, result, numbers.prefix, start)


def _renumbered(
    definitions: Sequence[Definition], result: sp.Expr, prefix: str, start: int
) -> tuple[tuple[Definition, ...], sp.Expr]:
    """The definitions numbered from ``start`` again after pruning, in order."""
    names = {d: symbol(f"{prefix}{n}") for n, (d, _) in enumerate(definitions, start=start)}
    renamed = tuple((names[d], value.xreplace(names)) for d, value in definitions)
    return renamed, result.xreplace(names)


def written_out_is_small(expr: sp.Expr) -> bool:
    """Small enough to be differentiated again by SymPy and written out."""
    return tree_size(expr) <= WRITTEN_NODES
