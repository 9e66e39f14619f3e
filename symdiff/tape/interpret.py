"""The tape's interpreter: one loop forward over the nodes, one loop backward.

It is the inspectable twin of the generated code (``codegen``): slower, but it keeps every
value and adjoint, uses *strong zeros* (an exact 0 times anything, even inf, is 0, so the
gradient through a branch not taken is 0 and never nan), gives a primitive evaluated outside
its domain (log at -1) a nan derivative, and notes where things go wrong:
the first node to produce a non-finite value from finite arguments, and nodes evaluated
where their primitive is not differentiable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..primitives import registry
from .graph import Graph

_M = registry.NAMESPACES["numpy"]


def forward(graph: Graph, inputs: Sequence[Any]) -> list[Any]:
    """The value of every node, given the input values in ``graph.inputs`` order."""
    values: list[Any] = [None] * len(graph.nodes)
    for index, value in zip(graph.input_nodes, inputs, strict=True):
        values[index] = value
    with np.errstate(all="ignore"):
        for i, node in enumerate(graph.nodes):
            if node.kind == "const":
                values[i] = np.float64(node.value)
            elif node.kind == "op":
                assert node.op is not None
                values[i] = node.op.numpy(*(values[a] for a in node.args))
    return values


def strong_product(adjoint: Any, local: Any) -> Any:
    """adjoint × local derivative, where an exact zero wins over an infinity.

    A zero adjoint means the output does not move with this node, so even a nan local
    derivative (sqrt′ of a negative, in a branch not taken) contributes 0. A zero local
    derivative is a branch not taken (relu′ below 0), which wins over an infinite adjoint
    (sqrt′(0) downstream) but not over a nan one: a nan adjoint means the output itself is
    undefined, and the gradient must say so.
    """
    product = adjoint * local
    adjoint, local = np.asarray(adjoint), np.asarray(local)
    zero = (adjoint == 0) | ((local == 0) & ~np.isnan(adjoint))
    return np.where(zero, np.zeros_like(product), product)


def undefined_is_nan(domain: Any, args: Sequence[Any], out: Any, local: Any) -> Any:
    """The local derivative, nan where the primitive is undefined at its arguments.

    Outside the domain a rule's formula can still give a number (1/x for log at -1, the
    derivative of atanh at 2); a derivative of an undefined value is undefined. Where the
    value is ±inf instead (log at 0, 1/x at 0) the rule's own slope, IEEE's inf, is kept.
    """
    defined = np.asarray(domain(*args), dtype=bool) | np.isinf(out)
    if np.all(defined):
        return local
    return np.where(defined, local, np.nan)


def backward(graph: Graph, values: Sequence[Any]) -> list[Any]:
    """The adjoint ∂output/∂node of every node (None where the output does not depend on it)."""
    adjoints: list[Any] = [None] * len(graph.nodes)
    output = np.asarray(values[graph.output])
    # Undefined value, undefined gradient, along every path: ∂(x + log(z))/∂x is no number where log(z) is nan.
    adjoints[graph.output] = (
        np.where(np.isnan(output), np.nan, np.ones_like(output)) if output.dtype.kind in "fc" else np.ones_like(output)
    )
    with np.errstate(all="ignore"):
        for i in range(len(graph.nodes) - 1, -1, -1):
            node, adjoint = graph.nodes[i], adjoints[i]
            if node.kind != "op" or adjoint is None:
                continue
            assert node.op is not None
            args = [values[a] for a in node.args]
            for position, a in enumerate(node.args):
                if graph.nodes[a].kind == "const":
                    continue
                local = node.op.partials[position](_M, *args, values[i])
                if node.op.domain is not None:
                    local = undefined_is_nan(node.op.domain, args, values[i], local)
                contribution = strong_product(adjoint, local)
                adjoints[a] = contribution if adjoints[a] is None else adjoints[a] + contribution
    return adjoints


@dataclass(frozen=True)
class Kink:
    """A node evaluated at a point where its primitive is not differentiable.

    Attributes:
        kind: "corner", "jump" or "vertical" (see ``primitive.NonDifferentiable``).
        note: what the registry says, e.g. "corner at 0".
        slopes: for a corner, the (left, right) one-sided slopes of the node with respect to
            each argument; None where they do not exist (jumps, vertical tangents). For array
            inputs, at the first element at the kink.
        elements: for array inputs, the index of every element at the kink (() for a single point).
    """

    kind: str
    note: str
    slopes: tuple[tuple[float, float] | None, ...]
    elements: tuple[tuple[int, ...], ...] = ()


def kink_at(graph: Graph, values: Sequence[Any], index: int) -> Kink | None:
    """The kink of node ``index`` at these values, if its primitive has one there."""
    node = graph.nodes[index]
    if node.op is None or node.op.nondiff is None:
        return None
    args = [values[a] for a in node.args]
    with np.errstate(all="ignore"):
        at_kink = np.asarray(node.op.nondiff.where(*args), dtype=bool)
    if not np.any(at_kink):
        return None
    shape = np.broadcast_shapes(at_kink.shape, *(np.shape(a) for a in args))
    elements = tuple(tuple(int(i) for i in e) for e in np.argwhere(np.broadcast_to(at_kink, shape)))
    # The slopes at one element at the kink: averaged over a batch they would mean nothing.
    point = [np.broadcast_to(np.asarray(a, dtype=float), shape)[elements[0]] for a in args] if shape else args
    corner = node.op.nondiff.kind == "corner"
    slopes = tuple(_one_sided(node.op, point, k) if corner else None for k in range(len(args)))
    return Kink(node.op.nondiff.kind, node.op.nondiff.note, slopes, elements if shape else ())


def _one_sided(op: Any, point: Sequence[Any], position: int) -> tuple[float, float]:
    """Left and right slopes of a corner at one point: the rule's limit from each side of the argument."""
    args = [np.float64(a) for a in point]
    sides = []
    for direction in (-1.0, 1.0):
        nudged = list(args)
        nudged[position] = args[position] + direction * max(abs(args[position]), 1.0) * 2.0**-40
        out = op.numpy(*nudged)
        sides.append(float(op.partials[position](_M, *nudged, out)))
    return sides[0], sides[1]


def unbroadcast(adjoint: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Sum an adjoint over the axes along which its node was broadcast, back to ``shape``."""
    adjoint = np.asarray(adjoint)
    extra = adjoint.ndim - len(shape)
    broadcast = tuple(extra + k for k, n in enumerate(shape) if n == 1 and adjoint.shape[extra + k] != 1)
    axes = tuple(range(extra)) + broadcast
    return adjoint.sum(axis=axes).reshape(shape) if axes else adjoint


def first_nonfinite(graph: Graph, values: Sequence[Any]) -> int | None:
    """The first node whose value is not finite although all its arguments are."""
    for i, node in enumerate(graph.nodes):
        bad = node.kind == "op" and values[i] is not None and not np.all(np.isfinite(values[i]))
        if bad and all(np.all(np.isfinite(values[a])) for a in node.args):
            return i
    return None
