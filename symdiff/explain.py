"""Why methods disagree at a point: kinks, domain errors, singularities, overflow.

Everything here is read off the tape's trace of the function at the point (which node sits
on a kink, which node first produced a non-finite value from finite arguments) and off the
registry (what kind of kink, where a primitive is defined). One-sided slopes of the whole
function come from the high-precision reference just left and right of the point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import mpmath
import numpy as np
import sympy as sp

from . import reference
from .graph import Graph, lower
from .printing import to_text
from .reference import Exact
from .trace import Trace, TraceRow

ExplanationKind = Literal["corner", "jump", "vertical", "domain", "singularity", "overflow"]


@dataclass(frozen=True)
class Explanation:
    """One reason a derivative is not an ordinary number at this point.

    Attributes:
        kind: corner / jump / vertical (the derivative does not exist), domain (the expression
            is undefined), singularity (it is infinite), overflow (too large for float64).
        message: one sentence for people.
        node: the tape line involved, e.g. ``v1 = abs(x)``.
        slopes: for a kink, the one-sided slopes (left, right) of the function in the variable.
    """

    kind: ExplanationKind
    message: str
    node: str = ""
    slopes: tuple[float, float] | None = None


def _subexpression(graph: Graph, row_index: int, row: TraceRow) -> str:
    expr = graph.expressions[row_index]
    return to_text(expr) if expr is not None else row.equation


def _arguments(graph: Graph, trace: Trace, index: int) -> str:
    """The node's arguments and their values: ``x - 2 = -1``."""
    parts = []
    for a in graph.nodes[index].args:
        if graph.nodes[a].kind == "const":
            continue
        expr = graph.expressions[a]
        label = to_text(expr) if expr is not None else graph.label(a)
        parts.append(f"{label} = {_number(trace.rows[a].value)}")
    return ", ".join(parts)


def _number(value: object) -> str:
    array = np.asarray(value, dtype=float)
    return f"{float(array):.6g}" if array.ndim == 0 else f"{array.shape} values"


def _depends_on(graph: Graph, variable: str) -> list[bool]:
    """Which nodes change when ``variable`` does."""
    depends = [False] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):
        depends[i] = (node.kind == "input" and node.name == variable) or any(depends[a] for a in node.args)
    return depends


def nonfinite(graph: Graph, trace: Trace) -> Explanation | None:
    """Where the evaluation first went to inf or nan, and why."""
    index = next((i for i, r in enumerate(trace.rows) if r.first_nonfinite), None)
    if index is None:
        return None
    row = trace.rows[index]
    node = graph.nodes[index]
    assert node.op is not None
    args = [np.asarray(trace.rows[a].value, dtype=float) for a in node.args]
    defined = bool(np.all(node.op.domain(*args))) if node.op.domain is not None else True
    where = f"{_subexpression(graph, index, row)} at {_arguments(graph, trace, index)}"
    if np.all(np.isnan(np.asarray(row.value, dtype=float))):
        return Explanation("domain", f"outside the domain: {where} is undefined over the reals", row.equation)
    if not defined:
        return Explanation("singularity", f"singularity: {where} is infinite", row.equation)
    return Explanation("overflow", f"overflow: {where} is beyond the float64 range (about 1.8e308)", row.equation)


def kinks(graph: Graph, trace: Trace, variable: str) -> list[int]:
    """The nodes on a kink at this point that the variable moves."""
    depends = _depends_on(graph, variable)
    return [i for i, r in enumerate(trace.rows) if r.kink is not None and depends[i]]


def one_sided_slopes(
    derivative: sp.Expr, variable: str, point: Mapping[str, Exact], dps: int
) -> tuple[float, float] | None:
    """The derivative's limits from the left and the right of the point, from the reference.

    The derivative is evaluated a tiny distance (10^(-2·dps/3)) to each side; what is left of
    that distance in the answer (x² + relu(x) has slope −2δ just left of 0) is below
    10^(-dps/2) and is taken as the exact 0 it tends to.
    """
    graph = lower(derivative)
    if variable not in graph.inputs:
        value = float(reference.value(graph, point, dps))
        return value, value
    with mpmath.workdps(dps):
        x = reference.to_mpf(point[variable])
        step = mpmath.mpf(10) ** (-(2 * dps) // 3) * max(1, abs(x))
        negligible = mpmath.mpf(10) ** (-(dps // 2))
        sides = []
        for shifted in (x - step, x + step):
            slope = reference.value(graph, {**point, variable: shifted}, dps)
            sides.append(0.0 if abs(slope) < negligible else float(slope))
    return (sides[0], sides[1]) if all(math.isfinite(s) for s in sides) else None


def kink_explanation(what: str, row: TraceRow, variable: str, slopes: tuple[float, float] | None) -> Explanation:
    """A sentence about a kink of ``what``, with the function's one-sided slopes in ``variable``."""
    assert row.kink is not None
    kind: ExplanationKind = row.kink.kind  # type: ignore[assignment]
    message = f"not differentiable in {variable} here: {what} has a {row.kink.note}"
    if slopes is not None:
        message += f"; one-sided slopes {slopes[0]:.6g} (left) and {slopes[1]:.6g} (right)"
    if kind == "corner":
        message += "; every method gives the average of the two, the symmetric derivative"
    return Explanation(kind, message, row.equation, slopes)


def explain_row(
    graph: Graph,
    trace: Trace,
    derivative: sp.Expr,
    wrt: Sequence[str],
    point: Mapping[str, Exact],
    dps: int,
) -> list[Explanation]:
    """Every reason the derivative with respect to ``wrt`` is not an ordinary number here."""
    variable = wrt[-1]
    explanations = []
    for index in kinks(graph, trace, variable):
        row = trace.rows[index]
        slopes = one_sided_slopes(derivative, variable, point, dps) if len(wrt) == 1 else None
        what = f"{_subexpression(graph, index, row)} (at {_arguments(graph, trace, index)})"
        explanations.append(kink_explanation(what, row, variable, slopes))
    problem = nonfinite(graph, trace)
    if problem is not None:
        explanations.append(problem)
    return explanations
