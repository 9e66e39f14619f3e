"""How far a float64 evaluation can honestly be from the exact value: a first-order rounding bound.

Every node of a graph rounds its result (a few units in the last place, ulp), and the input
values may be rounded too. To first order, the output moves by the node's adjoint times that
rounding, so the output's error is at most

    Σ over nodes  |∂output/∂node| · |node value| · ulps(node) · u,      u = 2⁻⁵³

The adjoints come from running the graph backward: the tape bounds its own rounding. This is
the tolerance the comparison uses to decide whether a float64 method agrees with the
high-precision reference: derived from the computation at hand, never a fixed 1e-6.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tape import interpret
from ..tape.graph import Graph

UNIT_ROUNDOFF = 2.0**-53
# Arithmetic is correctly rounded (½ ulp, counted as 1). Library functions are within a few
# ulps, and several registry functions are composites (sec = 1/cos, asec = acos(1/x)) whose
# inner rounding the graph cannot see: they get a wider allowance.
_ARITHMETIC_ULPS = 1.0
_FUNCTION_ULPS = 8.0
# The bound is first order and the constants above are estimates: leave a margin.
SAFETY = 4.0
# A sum is a cancellation when it is this much smaller than its larger part.
_CANCELLED = 1e-3


def contributions(graph: Graph, inputs: Sequence[float], *, inputs_exact: bool = False) -> list[float]:
    """Each node's share of the rounding bound (0 for nodes the output does not depend on).

    ``inputs_exact``: the inputs are exactly the floats given (the comparison accounts for the
    rounding of the point separately, by a reference at the float point).
    """
    values = interpret.forward(graph, [np.float64(v) for v in inputs])
    adjoints = interpret.backward(graph, values)
    shares = []
    for i, adjoint in enumerate(adjoints):
        if adjoint is None or (inputs_exact and graph.nodes[i].kind == "input"):
            shares.append(0.0)
            continue
        term = abs(float(adjoint)) * abs(float(values[i])) * _ulps(graph, i) * UNIT_ROUNDOFF
        shares.append(term if math.isfinite(term) else math.inf)
    return shares


def rounding_bound(graph: Graph, inputs: Sequence[float], *, inputs_exact: bool = False) -> float:
    """A bound on |float64 value − exact value| for ``graph`` at ``inputs`` (inf if non-finite)."""
    return SAFETY * sum(contributions(graph, inputs, inputs_exact=inputs_exact))


def cancelling_node(graph: Graph, inputs: Sequence[float]) -> tuple[int, float] | None:
    """The sum or difference whose cancellation costs the most, and the size of its larger part.

    A node cancels when its value is a ± b of its two arguments and much smaller than them;
    its cost is its adjoint times the size of the parts (what their rounding becomes).
    """
    values = interpret.forward(graph, [np.float64(v) for v in inputs])
    adjoints = interpret.backward(graph, values)
    best: tuple[float, int, float] | None = None
    for i, node in enumerate(graph.nodes):
        if len(node.args) != 2 or adjoints[i] is None:
            continue
        a, b, v = (float(values[k]) for k in (*node.args, i))
        part = max(abs(a), abs(b))
        if not (math.isfinite(part) and part > 0 and abs(v) < _CANCELLED * part):
            continue
        if min(abs(v - (a + b)), abs(v - (a - b))) > 4 * UNIT_ROUNDOFF * part:
            continue  # not a sum or a difference
        cost = abs(float(adjoints[i])) * part
        if best is None or cost > best[0]:
            best = (cost, i, part)
    return None if best is None else (best[1], best[2])


def _ulps(graph: Graph, index: int) -> float:
    node = graph.nodes[index]
    if node.kind != "op":
        return 1.0  # the input or constant itself was rounded to a float
    assert node.op is not None
    return _ARITHMETIC_ULPS if node.op.infix else _FUNCTION_ULPS


def within(value: Any, reference: float, bound: float) -> bool:
    """True when a float value is within ``bound`` of the reference (infinities must match)."""
    value = float(value)
    if math.isinf(reference) or math.isinf(value):
        return value == reference
    if math.isnan(reference) or math.isnan(value):
        return False
    return abs(value - reference) <= bound + 1e-300
