"""f just left and just right of a kink: each kink primitive replaced by the branch it takes there.

At x = 0, abs(x^2 - 1)·… is not smooth, but on each side it is: just right of x = 1 it is
x² - 1, just left 1 - x². Which branch a primitive takes near the point follows from the sign
of its switch (the argument, or a - b for max(a, b)) on that side: the switch vanishes at the
point, so its first Taylor coefficient that does not vanish decides (x³ is positive to the
right of 0 and negative to the left). Kinks inside kinks are replaced first, so the switch of
the outer one is already smooth.

The branch expressions are what the comparison differentiates for one-sided derivatives, and
what finite differences sample for one-sided stencils. Whether f meets its branch at the
point tells a corner (abs) from a jump (sign: sign(0) = 0, but 1 just right of 0).

"Vanishes" is decided at two precisions, as everywhere at the exact point: a value that
shrinks from dps to 2·dps digits is 0 (sin(π) is 1e-51, then 1e-102).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ..language.dag import substitute
from . import taylor
from .graph import Graph, lower
from .reference import Exact, evaluate

# How many Taylor coefficients of a switch are looked at to find its sign beside the point.
SWITCH_ORDERS = 6


@dataclass(frozen=True)
class Switch:
    """A kink's switch on one side of the point.

    Attributes:
        expression: the switch (its inner kinks replaced by their branches on this side).
        sign: its sign on this side, near the point (±1).
        order: its first derivative along the variable that does not vanish at the point (0: it
            does not vanish itself); the branch holds as long as that derivative keeps its sign.
    """

    expression: sp.Expr
    sign: int
    order: int


@dataclass(frozen=True)
class Side:
    """f on one side of the point, near it.

    Attributes:
        direction: -1 (left) or +1 (right).
        expression: the expression f equals there, with each kink at the point replaced by its branch.
        continuous: whether that expression meets f at the point (false at a jump: heaviside(x)
            is 1/2 at 0, its right branch 1).
        switches: each kink node's switch on this side (node index → ``Switch``).
    """

    direction: int
    expression: sp.Expr
    continuous: bool
    switches: Mapping[int, Switch]


def vanishes(low: mpmath.mpf, high: mpmath.mpf, dps: int) -> bool:
    """Is a value that is ``low`` at dps digits and ``high`` at 2·dps exactly 0 at the exact point?"""
    with mpmath.workdps(dps):
        if not (mpmath.isfinite(low) and mpmath.isfinite(high)):
            return False
        small = mpmath.mpf(10) ** (-(dps // 2))
        return bool(abs(low) <= small and abs(high) <= max(abs(low) * small, mpmath.mpf(10) ** (-2 * dps)))


def _coefficients(expr: sp.Expr, point: Mapping[str, Exact], variable: str, order: int, dps: int) -> list[list]:
    """expr and its derivatives along ``variable`` at ``point``, at dps and at 2·dps digits."""
    graph = lower(expr)
    values = []
    for digits in (dps, 2 * dps):
        with mpmath.workdps(digits):
            at = {name: point[name] for name in graph.inputs}
            if variable not in graph.inputs:
                values.append([evaluate(graph, at, digits)[graph.output]] + [mpmath.mpf(0)] * order)
            else:
                values.append(taylor.derivatives(graph, at, variable, order, taylor.MpmathNumbers()))
    return values


def side_signs(switch: sp.Expr, point: Mapping[str, Exact], variable: str, dps: int) -> tuple[int, int, int] | None:
    """The sign of ``switch`` just left and just right of the point, and the order of its first
    derivative that does not vanish there (which decides); None if it is flat there or undefined."""
    low, high = _coefficients(switch, point, variable, SWITCH_ORDERS, dps)
    for order, (a, b) in enumerate(zip(low, high, strict=True)):
        if mpmath.isnan(a) or mpmath.isnan(b):
            return None
        if not vanishes(a, b, dps):
            right = 1 if a > 0 else -1
            return (right if order % 2 == 0 else -right), right, order
    return None


def _expression(graph: Graph, index: int) -> sp.Expr | None:
    """A node's expression in the inputs alone (None for a link of a folded max(a, b, c))."""
    expr = graph.expressions[index]
    return None if expr is None else graph.in_inputs(expr)


def _args(graph: Graph, index: int, replaced: Mapping[sp.Basic, sp.Expr]) -> list[sp.Expr] | None:
    args = [_expression(graph, a) for a in graph.nodes[index].args]
    if any(a is None for a in args):
        return None  # a link of a folded max(a, b, c): no expression of its own to replace
    return [substitute(a, replaced) if replaced else a for a in args]


def sides(
    graph: Graph, point: Mapping[str, Exact], variable: str, kinks: Sequence[int], dps: int
) -> tuple[Side, Side] | None:
    """f just left and just right of the point along ``variable``, given the kink nodes at the point.

    None when a kink cannot be resolved: a vertical tangent (no branches), a switch flat to
    every order looked at, a kink without an expression of its own, or a branch SymPy cannot build
    (at y = 0 the branch of min(1/frac(step(y)), y) holds 1/0, and Min refuses zoo).
    """
    try:
        return _sides(graph, point, variable, kinks, dps)
    except (ValueError, TypeError):
        return None


def _sides(
    graph: Graph, point: Mapping[str, Exact], variable: str, kinks: Sequence[int], dps: int
) -> tuple[Side, Side] | None:
    f = _expression(graph, graph.output)
    if f is None:
        return None
    found: list[Side] = []
    for direction in (-1, 1):
        replaced: dict[sp.Basic, sp.Expr] = {}
        switches: dict[int, Switch] = {}
        for index in sorted(kinks):
            node = graph.nodes[index]
            kink = node.op.nondiff if node.op is not None else None
            expr = _expression(graph, index)
            args = _args(graph, index, replaced)
            if kink is None or kink.branch is None or kink.switch is None or expr is None or args is None:
                return None
            switch = kink.switch(*args)
            signs = side_signs(switch, point, variable, dps)
            if signs is None:
                return None
            switches[index] = Switch(switch, signs[0] if direction < 0 else signs[1], signs[2])
            replaced[expr] = kink.branch(switches[index].sign, *args)
        expression = substitute(f, replaced)
        found.append(Side(direction, expression, _meets(f, expression, point, dps), switches))
    return found[0], found[1]


def _meets(f: sp.Expr, branch: sp.Expr, point: Mapping[str, Exact], dps: int) -> bool:
    """Whether the branch has f's value at the point (it is continuous there from that side)."""
    difference = f - branch
    if difference == 0:
        return True
    graph = lower(difference)
    at = {name: point[name] for name in graph.inputs}
    low = evaluate(graph, at, dps)[graph.output]
    high = evaluate(graph, at, 2 * dps)[graph.output]
    return vanishes(low, high, dps)


def one_sided_derivatives(
    side: Side, point: Mapping[str, Exact], variable: str, order: int, dps: int
) -> list[mpmath.mpf]:
    """The branch and its first ``order`` derivatives along ``variable`` at the point (Taylor mode, dps digits)."""
    graph = lower(side.expression)
    at = {name: point[name] for name in graph.inputs}
    with mpmath.workdps(dps):
        if variable not in graph.inputs:
            return [evaluate(graph, at, dps)[graph.output]] + [mpmath.mpf(0)] * order
        return taylor.derivatives(graph, at, variable, order, taylor.MpmathNumbers())
