"""A tape's trace at one point: every node's value and adjoint, as data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..limits import serialized_class
from . import interpret
from .graph import Graph
from .interpret import Kink


@dataclass(frozen=True)
class TraceRow:
    """One node of the tape at a point.

    Attributes:
        label: how the listing names the node (``a``, ``v1``, ``h``).
        equation: the node's line in the listing (``v1 = a * b``), or its label for an input.
        kind: "input", "const" or "op".
        value: its value (a float, or an array for array inputs).
        adjoint: ∂output/∂node, summed over samples for array inputs (None if the output does not depend on it).
        kink: set when the node sits where its primitive is not differentiable.
        first_nonfinite: True for the first node that made a non-finite value out of finite arguments.
        arguments: the labels of the nodes it reads.
        shape: the node's declared shape (``()`` for scalars; array programs have others).
    """

    label: str
    equation: str
    kind: str
    value: Any
    adjoint: Any
    kink: Kink | None = None
    first_nonfinite: bool = False
    arguments: tuple[str, ...] = ()
    shape: tuple[int, ...] = ()


@serialized_class
@dataclass(frozen=True)
class Trace:
    """The forward values and backward adjoints of every node of a tape, at one point."""

    rows: tuple[TraceRow, ...]
    output: str
    variables: tuple[str, ...] = field(default=())

    @property
    def value(self) -> Any:
        return next(r.value for r in self.rows if r.label == self.output)

    @property
    def gradient(self) -> dict[str, Any]:
        adjoints = {r.label: r.adjoint for r in self.rows if r.kind == "input"}
        return {v: adjoints[v] if adjoints[v] is not None else 0.0 for v in self.variables}

    @property
    def kinks(self) -> list[TraceRow]:
        return [r for r in self.rows if r.kink is not None]

    @property
    def first_nonfinite(self) -> TraceRow | None:
        return next((r for r in self.rows if r.first_nonfinite), None)

    def __str__(self) -> str:
        from ..render.tape import trace_table

        return trace_table(self)


def _summed(adjoint: Any, shape: tuple[int, ...]) -> Any:
    """An adjoint reduced to the node's own shape (a data node keeps one entry per sample)."""
    if adjoint is None:
        return None
    reduced = interpret.unbroadcast(adjoint, shape)
    return float(reduced) if reduced.ndim == 0 and reduced.dtype == np.float64 else reduced[()]


def build_trace(graph: Graph, inputs: Sequence[np.ndarray]) -> Trace:
    """Run the interpreter forward and backward and keep everything it saw."""
    values = interpret.forward(graph, inputs)
    adjoints = interpret.backward(graph, values)
    origin = interpret.first_nonfinite(graph, values)
    rows = []
    for i, node in enumerate(graph.nodes):
        value = values[i]
        shape = np.shape(value)
        scalar = value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value
        rows.append(
            TraceRow(
                label=graph.label(i),
                equation=graph.equation(i),
                kind=node.kind,
                value=float(scalar) if isinstance(scalar, np.float64) else scalar,
                adjoint=_summed(adjoints[i], shape),
                kink=interpret.kink_at(graph, values, i) if node.kind == "op" else None,
                first_nonfinite=i == origin,
                arguments=tuple(graph.label(a) for a in node.args),
            )
        )
    return Trace(tuple(rows), graph.label(graph.output), graph.inputs)
