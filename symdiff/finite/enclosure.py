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
from types import MappingProxyType, SimpleNamespace
from typing import Any

import numpy as np
import sympy as sp

from ..primitives import intervals, registry
from ..primitives.lazy import resolved
from ..primitives.primitive import Primitive
from ..tape.graph import Graph

Box = tuple[Any, Any]

# What interval extensions see as ``m``: every primitive's implementation and the interval helpers.
NAMESPACES: MappingProxyType[str, SimpleNamespace] = MappingProxyType(
    {
        backend: SimpleNamespace(
            **{**vars(registry.NAMESPACES[backend]), **{k: resolved(v) for k, v in intervals.HELPERS[backend].items()}}
        )
        for backend in ("scalar", "numpy")
    }
)


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
        >>> from symdiff.tape.graph import lower
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
        self._run = {backend: self._compile(backend) for backend in ("scalar", "numpy")}

    def _compile(self, backend: str) -> Any:
        """Straight-line code: one extension call per operation, as the tape's generated code does.

        The source is built from node indices only; extensions, implementations and constants
        are bound by name in the function's namespace.
        """
        names: dict[str, Any] = {"m": NAMESPACES[backend], "__builtins__": {}}
        for i, (lo, hi) in enumerate(self._start):
            if self.graph.nodes[i].kind == "const":
                names[f"l{i}"], names[f"h{i}"] = lo, hi
        params = []
        for index in self.graph.input_nodes:
            params += [f"l{index}", f"h{index}"]
        lines, flags = [], []
        for i, op, args in self._operations:
            names[f"e{i}"], names[f"f{i}"] = op.interval, op.implementation(backend)  # type: ignore[arg-type]
            arguments = ", ".join(f"l{a}, h{a}" for a in args)
            lines.append(f"l{i}, h{i}, s{i} = e{i}(m, f{i}, {arguments})")
            flags.append(f"s{i}")
        out = self.graph.output
        # The smoothness flags are combined 16 at a time: a single chain of thousands of '&' would
        # exhaust the compiler's recursion.
        lines.append("ok = True")
        for start in range(0, len(flags), 16):
            lines.append(f"ok = ok & {' & '.join(flags[start : start + 16])}")
        lines.append(f"return l{out}, h{out}, ok")
        source = f"def run({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in lines)
        exec(compile(source, f"<symdiff intervals, {backend}>", "exec"), names)  # node indices only, never user text
        return names["run"]

    def __call__(self, boxes: Sequence[Box]) -> tuple[Any, Any, Any]:
        """(lo, hi, smooth) over the box given as (lo, hi) per input, in ``inputs`` order.

        Bounds may be floats or broadcasting NumPy arrays. Where there is no enclosure (the box
        leaves the domain), lo and hi are -inf and inf and smooth is false.
        """
        flat = [b for box in boxes for b in box]
        if all(type(b) is float for b in flat):
            return self.floats(flat)
        arrays = [np.asarray(b, dtype=float) for b in flat]
        with np.errstate(all="ignore"):
            lo, hi, smooth = self._run["numpy"](*arrays)
            shape = np.broadcast_shapes(*(np.shape(b) for b in arrays), np.shape(lo), np.shape(hi))
            unknown = np.isnan(lo) | np.isnan(hi)
            lo = np.broadcast_to(np.where(unknown, -np.inf, lo), shape)
            hi = np.broadcast_to(np.where(unknown, np.inf, hi), shape)
            smooth = np.broadcast_to(np.asarray(smooth, dtype=bool) & ~unknown, shape)
        if not shape:
            return float(lo), float(hi), bool(smooth)
        return lo, hi, smooth

    def floats(self, flat: Sequence[float]) -> tuple[float, float, bool]:
        """``__call__`` for one box of floats, given flat as lo, hi of each input: the fast path."""
        try:
            lo, hi, smooth = self._run["scalar"](*flat)
        except (ArithmeticError, ValueError):  # a float implementation refused (overflow, log(0))
            lo, hi, smooth = self([(np.float64(a), np.float64(b)) for a, b in zip(flat[::2], flat[1::2], strict=True)])
            return lo, hi, smooth
        if lo != lo or hi != hi:
            return -math.inf, math.inf, False
        return lo, hi, bool(smooth)

    def culprit(self, boxes: Sequence[Box]) -> str | None:
        """The first primitive that is not smooth on its part of a (single) box, for messages."""
        m = NAMESPACES["numpy"]
        bounds = list(self._start)
        for index, box in zip(self.graph.input_nodes, boxes, strict=True):
            bounds[index] = (np.float64(box[0]), np.float64(box[1]))
        with np.errstate(all="ignore"):
            for index, op, args in self._operations:
                lo, hi, ok = op.interval(m, op.numpy, *(b for a in args for b in bounds[a]))  # type: ignore[misc]
                bounds[index] = (lo, hi)
                if not np.all(ok):
                    return op.name
        return None


def magnitude(lo: Any, hi: Any) -> Any:
    """The largest absolute value in [lo, hi]."""
    if type(lo) is float:
        return max(abs(lo), abs(hi))
    return np.maximum(np.abs(lo), np.abs(hi))
