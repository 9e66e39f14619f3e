"""High-precision evaluation: a graph run with the registry's mpmath implementations.

This is how symdiff computes the reference every other number is judged against: the same
graph of primitives as the tape, evaluated at ``dps`` decimal digits. It works over the
reals: a value that would be complex (``log`` of a negative, ``sqrt(-1)``) is nan, and
division by zero is a signed infinity, as in float arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import mpmath
import sympy as sp

from ..language.parser import Program
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives.primitive import Primitive
from .graph import Graph, lower

Exact: TypeAlias = "int | float | sp.Basic | mpmath.mpf"


def to_mpf(value: Exact) -> mpmath.mpf:
    """A point coordinate at the current precision: SymPy numbers (pi/4, 1/3) exactly, floats as they are."""
    if isinstance(value, sp.Basic):
        return mpmath.mpf(sp.N(value, mpmath.mp.dps + 5))
    return mpmath.mpf(value)


# Arguments beyond 2**65536 (about 1e19728) count as infinite, as float64 counts anything beyond
# 2**1024: mpmath would otherwise spend unbounded time reducing sin(10**(10**9)) modulo π.
HUGE_BITS = 2**16


def bounded(value: mpmath.mpf) -> mpmath.mpf:
    if mpmath.isfinite(value) and value != 0 and mpmath.mag(value) > HUGE_BITS:
        return mpmath.inf if value > 0 else -mpmath.inf
    return value


def _real(value: Any) -> mpmath.mpf:
    if isinstance(value, mpmath.mpc):
        return value.real if value.imag == 0 else mpmath.nan
    return value


def evaluate(graph: Graph, point: Mapping[str, Exact], dps: int = 50) -> list[mpmath.mpf]:
    """Every node's value at ``point``, computed with ``dps`` significant digits."""
    values: list[Any] = [None] * len(graph.nodes)
    with mpmath.workdps(dps):
        for index, name in zip(graph.input_nodes, graph.inputs, strict=True):
            values[index] = to_mpf(point[name])
        for i, node in enumerate(graph.nodes):
            if node.kind == "const":
                values[i] = constant(graph, i)
            elif node.kind == "op":
                assert node.op is not None
                values[i] = apply(node.op, [values[a] for a in node.args])
    return values


def apply(op: Primitive, args: Sequence[mpmath.mpf]) -> mpmath.mpf:
    """One primitive at the working precision, over the reals: nan outside its domain, inf at 1/0."""
    args = [bounded(a) for a in args]
    if any(mpmath.isnan(a) for a in args):
        return mpmath.nan
    try:
        return _real(op.mpmath(*args))
    except (ZeroDivisionError, OverflowError):
        return mpmath.inf  # 1/0, or a result too large for mpmath's exponent
    except (ValueError, ArithmeticError, TypeError):
        return mpmath.nan  # e.g. sin(inf)


def constant(graph: Graph, index: int) -> mpmath.mpf:
    """A constant at full precision: from its SymPy expression (pi, log(2)), not its float."""
    expr = graph.expressions[index]
    if expr is not None and expr.is_number:
        try:
            return _real(mpmath.mpmathify(sp.N(expr, mpmath.mp.dps + 5)))
        except (TypeError, ValueError, ArithmeticError):  # beyond SymPy's evalf: the float is inf
            pass
    return mpmath.mpf(graph.nodes[index].value)


def value(
    expr: str | sp.Basic | Program | Graph,
    point: Mapping[str, Exact],
    dps: int = 50,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> mpmath.mpf:
    """``expr`` at ``point`` to ``dps`` digits (nan outside the real domain).

    Example:
        >>> with mpmath.workdps(30):
        ...     print(value("sin(x)^2 + cos(x)^2", {"x": sp.pi / 7}, dps=30))
        1.0
    """
    limits.check_dps(dps)
    return output(expr if isinstance(expr, Graph) else lower(expr), point, dps)


def output(graph: Graph, point: Mapping[str, Exact], dps: int) -> mpmath.mpf:
    """The graph's output at ``point`` to ``dps`` digits, which the caller has checked against its limits.

    (``value`` checks them against the default limits: the comparison, run with
    ``max_dps=5000``, refused ``dps=2000`` there, after all the other work.)
    """
    return evaluate(graph, point, dps)[graph.output]
