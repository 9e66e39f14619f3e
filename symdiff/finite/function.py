"""An expression compiled once for finite differences: fast evaluators and derivatives on demand.

``Function`` holds the expression's float, NumPy and complex evaluators (the tape's generated
code) and, computed the first time they are needed, its symbolic partial derivatives, each
compiled the same way and ready for interval evaluation. The derivatives are never the
answer: they bound the error of the answer (the higher derivative that drives truncation)
and let the complex step be checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ..errors import LimitError, SymdiffError
from ..language.dag import tree_size
from ..language.parser import Program, check_language, parse_program
from ..limits import Limits
from ..primitives.primitive import Primitive
from ..symbolic.derivatives import diff
from ..tape.codegen import compile_graph
from ..tape.graph import Graph, lower
from ..tape.reference import evaluate
from .enclosure import Box, IntervalProgram

MultiIndex = tuple[str, ...]


class Evaluator:
    """One expression's graph, evaluated at points given in the parent function's variable order."""

    def __init__(self, graph: Graph, variables: Sequence[str]):
        self.graph = graph
        # In the inputs alone: a program's output line is written in its line names (2*h0), which the
        # derivatives that bound the error must see through (d/dx of 2*h0 is not 0).
        self.expression: sp.Expr = graph.in_inputs(graph.expressions[graph.output])
        self._pick = [variables.index(name) for name in graph.inputs]
        self._all = self._pick == list(range(len(variables)))  # takes the point's values as they are
        self._float = compile_graph(graph, "scalar", False)
        self._numpy = compile_graph(graph, "numpy", False)
        self.intervals = IntervalProgram(graph)

    def at(self, values: Sequence[float]) -> float:
        """The value at one point of floats (NumPy's inf/nan where ``math`` would raise)."""
        args = values if self._all else [values[i] for i in self._pick]
        try:
            return float(self._float(*args))
        except (ArithmeticError, ValueError):
            with np.errstate(all="ignore"):
                return float(self._numpy(*(np.float64(a) for a in args)))

    def complex_at(self, values: Sequence[complex | float]) -> complex:
        """The value at one point with complex coordinates (NumPy's implementations, which accept them)."""
        with np.errstate(all="ignore"):
            return complex(self._numpy(*(values[i] for i in self._pick)))

    def array(self, values: Sequence[Any]) -> Any:
        """Values on broadcasting arrays (real or complex), shaped like all the inputs together."""
        shape = np.broadcast_shapes(*(np.shape(v) for v in values))
        with np.errstate(all="ignore"):
            result = self._numpy(*(np.asarray(values[i]) for i in self._pick))
        return np.broadcast_to(result, shape)

    def mpmath_at(self, point: Mapping[str, Any], dps: int) -> Any:
        """The value at a point of mpmath numbers (one per variable), computed with ``dps`` digits."""
        return evaluate(self.graph, point, dps)[self.graph.output]

    def enclose(self, boxes: Sequence[Box]) -> tuple[Any, Any, Any]:
        """(lo, hi, smooth) over a box given as (lo, hi) per variable of the parent function."""
        return self.intervals([boxes[i] for i in self._pick])

    def enclose_line(self, values: Sequence[float], k: int, lo: float, hi: float) -> tuple[float, float, bool]:
        """``enclose`` for floats: variable k in [lo, hi], the others at their values (the fast path)."""
        if self._all and len(values) == 1:
            return self.intervals.floats((lo, hi))
        flat: list[float] = []
        for i in self._pick:
            if i == k:
                flat += (lo, hi)
            else:
                flat += (values[i], values[i])
        return self.intervals.floats(flat)


class Function:
    """An expression ready for finite differences.

    Attributes:
        expression: the SymPy expression.
        variables: its variables in natural order (the order of every point's values).
        f: the evaluator of the expression itself.
        not_analytic: the primitives it uses that are not complex-analytic (no complex step).
        hidden_kinks: it uses a primitive with a jump or corner, which its derivative may not show.
    """

    def __init__(self, expr: str | sp.Basic | Program, limits: Limits, variables: Sequence[str] | None = None):
        """``variables``: the order of every point's values, when it is another function's (f's branch at a
        kink, which may not use all of f's variables); by default the expression's own."""
        source = parse_program(expr, limits=limits) if isinstance(expr, str) else expr
        if isinstance(source, sp.Basic):
            check_language(source, limits)
        graph = lower(source)
        self.limits = limits
        self.variables: tuple[str, ...] = graph.inputs if variables is None else tuple(variables)
        self.f = Evaluator(graph, self.variables)
        self.expression = self.f.expression
        used = {node.op.name: node.op for node in graph.nodes if node.op is not None}
        self.not_analytic: tuple[Primitive, ...] = tuple(p for p in used.values() if not p.analytic)
        # A jump or a corner can vanish from the derivative (acot jumps at 0; its derivative is
        # smooth there); a pole, a domain edge or a vertical tangent cannot hide like that.
        self.hidden_kinks = any(p.nondiff is not None and p.nondiff.kind != "vertical" for p in used.values())
        self._derivatives: dict[MultiIndex, Evaluator | SymdiffError] = {(): self.f}
        self._size = tree_size(self.expression)
        self._spent = 0  # nodes differentiated so far for derivatives of order 2 and more

    def derivative(self, index: MultiIndex) -> Evaluator:
        """The partial derivative for a multi-index such as ("x", "x", "y"), compiled.

        Raises SymdiffError (kept, and raised again on later calls) when it cannot be had:
        above the order limit, too large, or not lowerable to primitives.
        """
        key = tuple(sorted(index))
        if key not in self._derivatives:
            if len(key) > self.limits.max_order:
                self._derivatives[key] = SymdiffError(
                    f"bounding the error needs a derivative of order {len(key)}, "
                    f"above the limit of {self.limits.max_order} (max_order)"
                )
            else:
                self._derivatives[key] = self._differentiate(key)
        found = self._derivatives[key]
        if isinstance(found, SymdiffError):
            raise found
        return found

    def _differentiate(self, key: MultiIndex) -> Evaluator | SymdiffError:
        """One more derivative of the shorter index, or why it is not worth having.

        Higher derivatives can grow several times with every order (acsc's 8th derivative has
        26,000 nodes, its 10th 700,000, and takes seconds). A derivative of order 2 or more
        here only bounds an error, so one grown past ``bound_ops`` nodes (or 4 times the
        function, for a large function) is refused: the bound then uses a lower order, or says
        it has none, instead of making the user wait. All of them together differentiate at
        most 5 × ``bound_ops`` nodes: each costs about a millisecond per node (differentiate,
        lower, compile twice), and a 1,000-term sum asked for eight orders took 50 s.
        First derivatives are always computed: the complex step and the choice of a step need them.
        """
        parent = self.derivative(key[:-1])
        if len(key) >= 2:
            size, allowed = tree_size(parent.expression), max(self.limits.bound_ops, 4 * self._size)
            if size > allowed:
                return LimitError(
                    f"bounding the error needs a derivative of order {len(key)}, but the one below it already "
                    f"has {size} nodes, above the limit of {allowed} (bound_ops)"
                )
            total = 5 * self.limits.bound_ops
            if self._spent + size > total:
                return LimitError(
                    f"bounding the error needs a derivative of order {len(key)}; the higher derivatives so far "
                    f"took {self._spent:,} nodes, and {size:,} more would pass {total:,} (5 × bound_ops)"
                )
            self._spent += size
        try:
            return Evaluator(lower(diff(parent.expression, key[-1], limits=self.limits)), self.variables)
        except SymdiffError as error:
            return error

    def index_of(self, name: str) -> int:
        return self.variables.index(name)
