"""How far a float64 evaluation can honestly be from the exact value: a first-order rounding bound.

Every node of a graph rounds its result (a few units in the last place, ulp), and the input
values are rounded too. To first order, the output moves by the node's adjoint times that
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

from . import interpret
from .graph import Graph

UNIT_ROUNDOFF = 2.0**-53
# Arithmetic is correctly rounded (½ ulp, counted as 1). Library functions are within a few
# ulps, and several registry functions are composites (sec = 1/cos, asec = acos(1/x)) whose
# inner rounding the graph cannot see: they get a wider allowance.
_ARITHMETIC_ULPS = 1.0
_FUNCTION_ULPS = 8.0
# The bound is first order and the constants above are estimates: leave a margin.
SAFETY = 4.0


def rounding_bound(graph: Graph, inputs: Sequence[float]) -> float:
    """A bound on |float64 value − exact value| for ``graph`` at ``inputs`` (inf if non-finite)."""
    values = interpret.forward(graph, [np.float64(v) for v in inputs])
    adjoints = interpret.backward(graph, values)
    total = 0.0
    for i, adjoint in enumerate(adjoints):
        if adjoint is None:
            continue
        ulps = _ulps(graph, i)
        term = abs(float(adjoint)) * abs(float(values[i])) * ulps * UNIT_ROUNDOFF
        total += term if math.isfinite(term) else math.inf
    return SAFETY * total


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
