"""One-sided finite differences at a kink, bounded by the branch f takes on that side.

abs(x² - 1) at x = 1 is smooth on neither [1 - h, 1] nor [1, 1 + h] as interval arithmetic
sees it (rounded outward, x² - 1 straddles 0), yet on (1, 1 + h] it is x² - 1, a smooth
function whose derivatives bound a one-sided stencil's error. ``tape.branches`` finds the
branch of every kink at the point; a stencil on that side samples f, which equals its branch
there, and the branch's derivatives bound the truncation.

The branch holds on the stencil's whole interval when each kink's switch keeps its sign there.
The switch vanishes at x with its first m - 1 derivatives, so by Taylor's theorem
s(x + t) = s⁽ᵐ⁾(ξ)·tᵐ/m! for some ξ between x and x + t: an enclosure of s⁽ᵐ⁾ on the
interval that excludes 0 proves it. (Whether s and its derivatives vanish at x is decided at
high precision, as at the exact point everywhere.) Where f jumps (heaviside at 0) a side's
difference quotients diverge: that side has no estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import SymdiffError
from ..tape import branches, interpret
from .function import Function
from .lines import outward_box

DIGITS = 30  # precision of the decisions at the point: which branch, whether f meets it
SHRINK = 60


@dataclass(frozen=True)
class Branch:
    """f on one side of the point: the function to bound a one-sided stencil by, and what keeps it valid.

    Attributes:
        direction: -1 (left) or +1 (right).
        function: f's branch on that side, compiled; None where f jumps (no one-sided derivative).
        switches: for each kink, (its switch compiled, the order of the derivative that decides,
            the sign that derivative must keep on the stencil's interval).
    """

    direction: int
    function: Function | None
    switches: tuple[tuple[Function, int, int], ...]


def kinks_at(fn: Function, values: Sequence[float], k: int) -> list[int]:
    """The nodes of f at a kink at this point that variable k moves (none known along an array
    program's line: its one-sided derivatives come from the line itself, ``array_line``)."""
    graph = getattr(fn.f, "graph", None)
    if graph is None:
        return []
    nodes = interpret.forward(graph, [np.float64(values[fn.variables.index(name)]) for name in graph.inputs])
    name = fn.variables[k]
    moves = [False] * len(graph.nodes)
    found = []
    for i, node in enumerate(graph.nodes):
        moves[i] = (node.kind == "input" and node.name == name) or any(moves[a] for a in node.args)
        if moves[i] and node.kind == "op" and interpret.kink_at(graph, nodes, i) is not None:
            found.append(i)
    return found


def branches_at(fn: Function, values: Sequence[float], k: int) -> tuple[Branch, Branch] | None:
    """f's branches on either side of the point along variable k; None when there is no kink to
    resolve or it cannot be resolved (a vertical tangent, a switch flat to every order)."""
    found = kinks_at(fn, values, k)
    if not found:
        return None
    point = dict(zip(fn.variables, (float(v) for v in values), strict=True))
    sides = branches.sides(fn.f.graph, point, fn.variables[k], found, DIGITS)
    if sides is None:
        return None
    try:
        return tuple(_compiled(fn, side) for side in sides)  # type: ignore[return-value]
    except SymdiffError:
        return None  # a branch the tape cannot lower


def _compiled(fn: Function, side: branches.Side) -> Branch:
    switches = tuple(
        (Function(s.expression, fn.limits, fn.variables), s.order, s.sign * side.direction**s.order)
        for s in side.switches.values()
    )
    function = Function(side.expression, fn.limits, fn.variables) if side.continuous else None
    return Branch(side.direction, function, switches)


def holds(branch: Branch, values: Sequence[float], k: int, step: float) -> bool:
    """Whether every kink's switch keeps its sign on the stencil's interval [x, x ± step]: the branch holds there."""
    a, b = (Fraction(0), Fraction(1)) if branch.direction > 0 else (Fraction(-1), Fraction(0))
    lo, hi = outward_box(np.float64(values[k]), np.float64(step), a, b)
    boxes = [(float(v), float(v)) for v in values]
    boxes[k] = (float(lo), float(hi))
    for switch, order, sign in branch.switches:
        try:
            evaluator = switch.derivative((switch.variables[k],) * order)
        except SymdiffError:
            return False
        low, high, smooth = evaluator.enclose(boxes)
        if not smooth or not (low > 0 if sign > 0 else high < 0):
            return False
    return True


def valid_step(branch: Branch, values: Sequence[float], k: int, step: Any) -> float | None:
    """The largest of step, step/2, step/4, … on which the branch holds (None if none does)."""
    h = float(step)
    for _ in range(SHRINK):
        if holds(branch, values, k, h):
            return h
        h /= 2
    return None
