"""Interval evaluation of a graph: an enclosure of an expression's values over a box.

Each operation calls its primitive's interval extension (``Primitive.interval``), so the
result encloses the true values despite rounding, and says whether every primitive is
smooth on its part of the box. Finite differences use it three ways: to bound the
higher derivative that drives truncation error over a stencil's interval, to bound the
rounding error of each function value (the enclosure of f at a single point is a few ulps
wide), and to see where a stencil would cross a pole, a kink or the edge of the domain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import numpy as np
import sympy as sp

from .. import intervals, registry
from ..graph import Graph
from ..primitive import Primitive

Box = tuple[Any, Any]

NAMESPACES = {
    backend: SimpleNamespace(**{**vars(registry.NAMESPACES[backend]), **intervals.HELPERS[backend]})
    for backend in ("scalar", "numpy")
}


def _constant(graph: Graph, index: int) -> Box:
    """A constant's enclosure: the float itself when it is the exact value, else one ulp either side."""
    value = graph.nodes[index].value
    expr = graph.expressions[index]
    exact = expr is not None and expr.is_Rational and math.isfinite(value) and Fraction(value) == _fraction(expr)
    if exact or math.isnan(value):
        return value, value
    return intervals.HELPERS["scalar"]["down"](value, 0.5), intervals.HELPERS["scalar"]["up"](value, 0.5)


def _fraction(expr: sp.Rational) -> Fraction:
    return Fraction(int(expr.p), int(expr.q))


class IntervalProgram:
    """A graph ready for interval evaluation.

    Example:
        >>> from symdiff.graph import lower
        >>> program = IntervalProgram(lower("x^2 - 2x"))
        >>> lo, hi, smooth = program([(0.0, 3.0)])
        >>> lo <= -1.0 and hi >= 3.0 and smooth
        True
    """

    def __init__(self, graph: Graph):
        self.graph = graph
        self.inputs = graph.inputs
        self._start = [
            _constant(graph, i) if n.kind == "const" else (math.nan, math.nan) for i, n in enumerate(graph.nodes)
        ]
        self._operations: list[tuple[int, Primitive, tuple[int, ...]]] = []
        for i in graph.operations:
            op = graph.nodes[i].op
            assert op is not None
            assert op.interval is not None, f"{op} has no interval extension"
            self._operations.append((i, op, graph.nodes[i].args))
        self._implementations = {
            backend: [op.implementation(backend) for _, op, _ in self._operations] for backend in ("scalar", "numpy")
        }

    def __call__(self, boxes: Sequence[Box]) -> tuple[Any, Any, Any]:
        """(lo, hi, smooth) over the box given as (lo, hi) per input, in ``inputs`` order.

        Bounds may be floats or broadcasting NumPy arrays. Where there is no enclosure (the box
        leaves the domain), lo and hi are -inf and inf and smooth is false.
        """
        if all(type(b) is float for box in boxes for b in box):
            try:
                lo, hi, smooth = self._run("scalar", boxes)
            except (ArithmeticError, ValueError):
                pass  # a float implementation refused (overflow, log(0)); NumPy gives inf/nan
            else:
                if lo != lo or hi != hi:
                    return -math.inf, math.inf, False
                return lo, hi, bool(smooth)
        arrays = [(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)) for lo, hi in boxes]
        with np.errstate(all="ignore"):
            lo, hi, smooth = self._run("numpy", arrays)
            shape = np.broadcast_shapes(*(np.shape(b) for box in arrays for b in box), np.shape(lo), np.shape(hi))
            unknown = np.isnan(lo) | np.isnan(hi)
            lo = np.broadcast_to(np.where(unknown, -np.inf, lo), shape)
            hi = np.broadcast_to(np.where(unknown, np.inf, hi), shape)
            smooth = np.broadcast_to(np.asarray(smooth, dtype=bool) & ~unknown, shape)
        if not shape:
            return float(lo), float(hi), bool(smooth)
        return lo, hi, smooth

    def _run(self, backend: str, boxes: Sequence[Box]) -> tuple[Any, Any, Any]:
        m = NAMESPACES[backend]
        bounds = list(self._start)
        for index, box in zip(self.graph.input_nodes, boxes, strict=True):
            bounds[index] = box
        smooth: Any = True
        for (index, op, args), f in zip(self._operations, self._implementations[backend], strict=True):
            if len(args) == 1:
                lo, hi, ok = op.interval(m, f, *bounds[args[0]])  # type: ignore[misc]
            else:
                lo, hi, ok = op.interval(m, f, *bounds[args[0]], *bounds[args[1]])  # type: ignore[misc]
            bounds[index] = (lo, hi)
            smooth = smooth & ok
        lo, hi = bounds[self.graph.output]
        return lo, hi, smooth

    def culprit(self, boxes: Sequence[Box]) -> str | None:
        """The first primitive that is not smooth on its part of a (single) box, for messages."""
        m = NAMESPACES["numpy"]
        bounds = list(self._start)
        for index, box in zip(self.graph.input_nodes, boxes, strict=True):
            bounds[index] = (np.float64(box[0]), np.float64(box[1]))
        with np.errstate(all="ignore"):
            for (index, op, args), f in zip(self._operations, self._implementations["numpy"], strict=True):
                flat = [b for a in args for b in bounds[a]]
                lo, hi, ok = op.interval(m, f, *flat)  # type: ignore[misc]
                bounds[index] = (lo, hi)
                if not np.all(ok):
                    return op.name
        return None


def magnitude(lo: Any, hi: Any) -> Any:
    """The largest absolute value in [lo, hi]."""
    if type(lo) is float:
        return max(abs(lo), abs(hi))
    return np.maximum(np.abs(lo), np.abs(hi))
