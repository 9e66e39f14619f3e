"""Why methods disagree at a point: kinks, domain errors, singularities, overflow, cancellation.

Everything here is read off the tape's trace of the function at the point (which node sits
on a kink, which node first produced a non-finite value from finite arguments), off the
high-precision values of the nodes at the exact point (a kink or pole that only the exact
point hits: abs(sin(x)) at x = π), and off the registry (what kind of kink, where a
primitive is defined). One-sided slopes of the whole function come from the high-precision
reference just left and right of the point.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import mpmath
import numpy as np
import sympy as sp

from ..language.dag import printable
from ..language.printing import scientific, to_text
from ..primitives import registry
from ..tape import branches, reference
from ..tape.graph import Graph, lower
from ..tape.reference import Exact
from ..tape.trace import Trace
from .tolerance import cancelling_node

ExplanationKind = Literal[
    "corner",
    "jump",
    "vertical",
    "convention",
    "domain",
    "singularity",
    "overflow",
    "underflow",
    "indeterminate",
    "cancellation",
]
# Kinds that say the derivative does not exist at the point (a kink of f, of whatever sort).
NOT_DIFFERENTIABLE = frozenset({"corner", "jump", "vertical"})
# Kinds after which nan or ±inf is a right answer: the derivative does not exist as a float64 number.
NONFINITE_KINDS = frozenset({"jump", "vertical", "domain", "singularity", "overflow", "indeterminate"})
FLOAT_MAX = sys.float_info.max
FLOAT_TINY = sys.float_info.min  # the smallest normal float64


@dataclass(frozen=True)
class Explanation:
    """One reason a derivative is not an ordinary number at this point.

    Attributes:
        kind: corner / jump / vertical (the derivative does not exist), domain (the expression
            or its derivative's formula is undefined over the reals), singularity (infinite),
            overflow / underflow (beyond the float64 range), indeterminate (the derivative's
            formula is 0/0-like although f is defined), cancellation (float64 rounding could be
            larger than the derivative itself).
        message: one sentence for people.
        node: the tape line involved, e.g. ``v1 = abs(x)``.
        slopes: for a kink, the one-sided slopes (left, right) of the function in the variable;
            for an indeterminate formula, its limits from each side.
        exact_only: found at the exact point only (float64, beside it, sees a smooth point).
    """

    kind: ExplanationKind
    message: str
    node: str = ""
    slopes: tuple[float, float] | None = None
    exact_only: bool = False


def _subexpression(graph: Graph, index: int) -> str:
    """How a message names a node: its expression, or its tape line when that is too long to write out."""
    expr = graph.expressions[index]
    return to_text(expr) if expr is not None and printable(expr) else graph.equation(index)


def _arguments(graph: Graph, values: Sequence[Any], index: int) -> str:
    """The node's arguments and their values: ``x - 2 = -1``."""
    parts = []
    for a in graph.nodes[index].args:
        if graph.nodes[a].kind == "const":
            continue
        expr = graph.expressions[a]
        label = to_text(expr) if expr is not None and printable(expr) else graph.label(a)
        parts.append(f"{label} = {_number(values[a])}")
    return ", ".join(parts)


def _number(value: object) -> str:
    if isinstance(value, mpmath.mpf):
        if value == 0:
            return "0"
        return scientific(value)
    array = np.asarray(value, dtype=float)
    return f"{float(array):.6g}" if array.ndim == 0 else f"{array.shape} values"


def _trace_values(trace: Trace) -> list[Any]:
    return [r.value for r in trace.rows]


def _depends_on(graph: Graph, variable: str) -> list[bool]:
    """Which nodes change when ``variable`` does."""
    depends = [False] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):
        depends[i] = (node.kind == "input" and node.name == variable) or any(depends[a] for a in node.args)
    return depends


def _out_of_range(graph: Graph, trace: Trace, exact: Mapping[str, Exact] | None) -> Explanation | None:
    """An input or a constant already beyond float64 (a = 1e400, exp(1000)): no operation is to blame."""
    for i, node in enumerate(graph.nodes):
        value = np.asarray(trace.rows[i].value, dtype=float)
        if node.kind == "op" or np.all(np.isfinite(value)):
            continue
        if node.kind == "input":
            shown = _number(reference.to_mpf(exact[node.name])) if exact and node.name in exact else "its value"
            what = f"the input {node.name} = {shown}"
        else:
            with mpmath.workdps(20):
                what = f"the constant {_subexpression(graph, i)} = {_number(reference.constant(graph, i))}"
        return Explanation("overflow", f"overflow: {what} is beyond the float64 range (about 1.8e308)", graph.label(i))
    return None


def nonfinite(graph: Graph, trace: Trace, exact: Mapping[str, Exact] | None = None) -> Explanation | None:
    """Where the evaluation first went to inf or nan, and why."""
    out_of_range = _out_of_range(graph, trace, exact)
    if out_of_range is not None:
        return out_of_range
    index = next((i for i, r in enumerate(trace.rows) if r.first_nonfinite), None)
    if index is None:
        return None
    row = trace.rows[index]
    node = graph.nodes[index]
    assert node.op is not None
    args = [np.asarray(trace.rows[a].value, dtype=float) for a in node.args]
    defined = bool(np.all(node.op.domain(*args))) if node.op.domain is not None else True
    where = f"{_subexpression(graph, index)} at {_arguments(graph, _trace_values(trace), index)}"
    if np.all(np.isnan(np.asarray(row.value, dtype=float))):
        return Explanation("domain", f"outside the domain: {where} is undefined over the reals", row.equation)
    if not defined:
        return Explanation("singularity", f"singularity: {where} is infinite", row.equation)
    return Explanation("overflow", f"overflow: {where} is beyond the float64 range (about 1.8e308)", row.equation)


def kinks(graph: Graph, trace: Trace, variable: str) -> list[int]:
    """The nodes on a kink at this point that the variable moves."""
    depends = _depends_on(graph, variable)
    return [i for i, r in enumerate(trace.rows) if r.kink is not None and depends[i]]


# -- the exact point ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExactValues:
    """Every node at the exact point at ``dps`` and at twice as many digits.

    A value that shrinks with the precision is exactly zero at the exact point (sin(x) at
    x = π is 1e-51 at 50 digits and 3e-102 at 100); one that grows is a pole (tan(x) at π/2).
    """

    low: list[mpmath.mpf]
    high: list[mpmath.mpf]
    dps: int

    def vanishes(self, low: mpmath.mpf, high: mpmath.mpf) -> bool:
        with mpmath.workdps(self.dps):
            small = mpmath.mpf(10) ** (-(self.dps // 2))
            return bool(abs(low) <= small and abs(high) <= abs(low) * small)

    def grows(self, index: int) -> bool:
        low, high = self.low[index], self.high[index]
        with mpmath.workdps(self.dps):
            big = mpmath.mpf(10) ** (self.dps // 2)
            return bool(mpmath.isfinite(low) and abs(low) >= big and abs(high) >= abs(low) * big)


def exact_values(graph: Graph, point: Mapping[str, Exact], dps: int) -> ExactValues:
    return ExactValues(reference.evaluate(graph, point, dps), reference.evaluate(graph, point, 2 * dps), dps)


def _snapped(exact: ExactValues, args: Sequence[int]) -> list[float]:
    """The arguments as floats, with what is exactly 0, ±1 or a tie at the exact point made exact."""
    snapped = [float(exact.low[a]) for a in args]
    for k, a in enumerate(args):
        for target in (0, 1, -1):
            if exact.vanishes(exact.low[a] - target, exact.high[a] - target):
                snapped[k] = float(target)
        for j in range(k):
            if exact.vanishes(exact.low[a] - exact.low[args[j]], exact.high[a] - exact.high[args[j]]):
                snapped[k] = snapped[j]
    return snapped


def _snapped_values(exact: ExactValues) -> list[mpmath.mpf]:
    """Node values at the exact point, with what vanishes there shown as the 0 it is."""
    return [mpmath.mpf(0) if exact.vanishes(lo, hi) else lo for lo, hi in zip(exact.low, exact.high, strict=True)]


def exact_kinks(graph: Graph, exact: ExactValues, variable: str) -> list[int]:
    """Nodes the variable moves that sit on a kink at the exact point (float64 may miss it)."""
    depends = _depends_on(graph, variable)
    found = []
    for i, node in enumerate(graph.nodes):
        if node.op is None or node.op.nondiff is None or not depends[i]:
            continue
        finite = all(mpmath.isfinite(exact.low[a]) for a in node.args)
        if finite and np.any(node.op.nondiff.where(*_snapped(exact, node.args))):
            found.append(i)
    return found


def exact_pole(graph: Graph, exact: ExactValues, floats: Trace) -> Explanation | None:
    """The first node that is infinite at the exact point although float64, beside it, is finite."""
    for i, node in enumerate(graph.nodes):
        if node.op is not None and exact.grows(i) and not any(exact.grows(a) for a in node.args):
            where = f"{_subexpression(graph, i)} at {_arguments(graph, exact.low, i)}"
            seen = _number(floats.rows[i].value)
            message = f"singularity: {where} is infinite at the exact point (float64, just beside it, gives {seen})"
            return Explanation("singularity", message, graph.equation(i), exact_only=True)
    return None


def exact_domain(graph: Graph, exact: ExactValues, floats: Trace) -> Explanation | None:
    """The first node undefined at the exact point although float64 gives it a value: rounding
    moved an argument into the domain (z^(|z| + atanh(z)) at z = -1e-8, whose exponent is
    -3.3e-25 exactly and 0 in float64)."""
    for i, node in enumerate(graph.nodes):
        finite_args = all(mpmath.isfinite(exact.low[a]) for a in node.args)
        if node.op is not None and mpmath.isnan(exact.low[i]) and finite_args:
            seen = np.asarray(floats.rows[i].value, dtype=float)
            if not np.all(np.isfinite(seen)):
                return None  # float64 finds it too: nonfinite() explains it
            where = f"{_subexpression(graph, i)} at {_arguments(graph, exact.low, i)}"
            message = f"outside the domain: {where} is undefined over the reals (float64 rounds it to {_number(seen)})"
            return Explanation("domain", message, graph.equation(i), exact_only=True)
    return None


# -- one-sided slopes ------------------------------------------------------------------------------


def one_sided_slopes(
    derivative: sp.Expr, variable: str, point: Mapping[str, Exact], dps: int
) -> tuple[float, float] | None:
    """The derivative's limits from the left and the right of the point, from the reference.

    The derivative is evaluated a tiny distance (10^(-2·dps/3)) to each side; what is left of
    that distance in the answer (x² + relu(x) has slope −2δ just left of 0) is below
    10^(-dps/2) and is taken as the exact 0 it tends to. The slope must have settled: it is
    evaluated again 10^(dps/6) times farther away and must be the same to 10^(-dps/4)
    (abs(x)^x, whose slope log|x| + 1 runs off to -inf, has no one-sided slopes).
    None when either side is not a finite number.
    """
    graph = lower(derivative)
    if variable not in graph.inputs:
        value = reference.output(graph, point, dps)
        return (float(value), float(value)) if mpmath.isfinite(value) else None
    with mpmath.workdps(dps):
        x = reference.to_mpf(point[variable])
        near = mpmath.mpf(10) ** (-(2 * dps) // 3) * max(1, abs(x))
        far = near * mpmath.mpf(10) ** (dps // 6)
        negligible = mpmath.mpf(10) ** (-(dps // 2))
        settled = mpmath.mpf(10) ** (-(dps // 4))
        sides = []
        for direction in (-1, 1):
            slope = reference.output(graph, {**point, variable: x + direction * near}, dps)
            farther = reference.output(graph, {**point, variable: x + direction * far}, dps)
            if not (mpmath.isfinite(slope) and mpmath.isfinite(farther)):
                return None
            if abs(slope - farther) > settled * max(1, abs(slope)):
                return None
            sides.append(0.0 if abs(slope) < negligible else float(slope))
    return (sides[0], sides[1]) if all(math.isfinite(s) for s in sides) else None


def _kink_explanation(
    graph: Graph, index: int, values: Sequence[Any], variable: str, slopes: tuple[float, float] | None, beside: str
) -> Explanation:
    """A sentence about the kink of node ``index``, with the function's one-sided slopes in ``variable``."""
    node = graph.nodes[index]
    assert node.op is not None
    assert node.op.nondiff is not None
    kind: ExplanationKind = node.op.nondiff.kind
    what = f"{_subexpression(graph, index)} (at {_arguments(graph, values, index)})"
    message = f"not differentiable in {variable} here: {what} has a {node.op.nondiff.note}"
    if beside:
        message += f" at the exact point; float64 sees {beside}, just beside it"
    if slopes is not None:
        message += f"; one-sided slopes {slopes[0]:.6g} (left) and {slopes[1]:.6g} (right)"
    elif kind == "corner":
        message += "; the one-sided slopes do not settle to finite numbers"
    if kind == "corner" and slopes is not None and not beside:
        message += "; every method gives the average of the two, the symmetric derivative"
    return Explanation(kind, message, graph.equation(index), slopes, exact_only=bool(beside))


def _smooth(kind: str, slopes: tuple[float, float] | None) -> bool:
    """A corner with equal one-sided slopes is no corner of f: x·abs(x) is differentiable at 0."""
    return kind == "corner" and slopes is not None and slopes[0] == slopes[1]


@dataclass(frozen=True)
class KinkAssessment:
    """What f does at kinks on the point, read off its branches on either side (``tape.branches``).

    Attributes:
        explanations: what to say (nothing when f is differentiable and the rules give its derivative).
        derivative: the derivative where it exists; the symmetric value (the average of the
            one-sided ones) at a corner; None at a jump, where the rules' convention stands.
        accepted: the finite answers that are right: the derivative, or anything between the
            one-sided values at a corner; None at a jump (only nan, ±inf and the convention).
    """

    explanations: tuple[Explanation, ...]
    derivative: mpmath.mpf | None
    accepted: tuple[mpmath.mpf, mpmath.mpf] | None
    exact_only: bool = False  # the kink is at the exact point only; float64, beside it, sees a smooth point


_ORDINAL = {1: "first", 2: "second", 3: "third"}


def _ordinal(n: int) -> str:
    return _ORDINAL.get(n, f"{n}th")


def _same(a: mpmath.mpf, b: mpmath.mpf, dps: int) -> bool:
    with mpmath.workdps(dps):
        if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
            return bool(a == b)
        return bool(abs(a - b) <= mpmath.mpf(10) ** (-(dps // 2)) * max(1, abs(a), abs(b)))


def assess_kinks(
    graph: Graph,
    indices: Sequence[int],
    variable: str,
    order: int,
    point: Mapping[str, Exact],
    dps: int,
    convention: mpmath.mpf,
    where: str,
) -> KinkAssessment | None:
    """The derivative of ``order`` along ``variable`` at kink nodes ``indices``, from f's branches.

    ``convention`` is what the rules give there (sign(0) = 0); ``where`` names the kink for
    people. None when a kink has no branches to read (a vertical tangent) or cannot be resolved.
    """
    found = branches.sides(graph, point, variable, indices, dps)
    if found is None:
        return None
    left, right = found
    node = "; ".join(graph.equation(i) for i in indices)
    if not (left.continuous and right.continuous):
        jump = "; f jumps here, so its one-sided difference quotients diverge"
        return KinkAssessment(
            (Explanation("jump", f"not differentiable in {variable} here: {where}{jump}"),), None, None
        )
    lows = branches.one_sided_derivatives(left, point, variable, order, dps)
    highs = branches.one_sided_derivatives(right, point, variable, order, dps)
    for k in range(1, order):
        if not _same(lows[k], highs[k], dps):
            message = (
                f"the {_ordinal(order)} derivative in {variable} does not exist here: {where}; the one-sided "
                f"{_ordinal(k)} derivatives are {float(lows[k]):.6g} (left) and {float(highs[k]):.6g} (right)"
            )
            return KinkAssessment((Explanation("jump", message, node),), None, None)
    low, high = lows[order], highs[order]
    if not (mpmath.isfinite(low) and mpmath.isfinite(high)):
        return None
    if _same(low, high, dps):
        if _same(convention, high, dps):
            return KinkAssessment((), high, (high, high))
        message = (
            f"differentiable in {variable} here, although {where}: the one-sided derivatives are both "
            f"{float(high):.6g}, but the rules' values at the kink give {float(convention):.6g}"
        )
        return KinkAssessment(
            (Explanation("convention", message, slopes=(float(low), float(high))),), high, (high, high)
        )
    slopes = (float(low), float(high))
    message = (
        f"not differentiable in {variable} here: {where}; one-sided slopes {slopes[0]:.6g} (left) and "
        f"{slopes[1]:.6g} (right)"
    )
    with mpmath.workdps(dps):
        middle = (low + high) / 2
    if _same(convention, middle, dps):
        message += "; every method gives the average of the two, the symmetric derivative"
    return KinkAssessment((Explanation("corner", message, node, slopes),), middle, (min(low, high), max(low, high)))


def _formula_value(derivative: sp.Expr, point: Mapping[str, Exact], dps: int) -> mpmath.mpf:
    """What the rules give at the point: the derivative's formula there."""
    graph = lower(derivative)
    return reference.evaluate(graph, {name: point[name] for name in graph.inputs}, dps)[graph.output]


def _where(graph: Graph, indices: Sequence[int], values: Sequence[Any], beside: str) -> str:
    """The kinks at the point, for people: ``abs(x - 1) (at x - 1 = 0) has a corner at 0``."""
    parts = []
    for index in indices:
        node = graph.nodes[index]
        assert node.op is not None
        assert node.op.nondiff is not None
        what = f"{_subexpression(graph, index)} (at {_arguments(graph, values, index)})"
        parts.append(f"{what} has a {node.op.nondiff.note}")
    where = " and ".join(parts)
    return where + (f" at the exact point; float64 sees {beside}, just beside it" if beside else "")


def explain_row(
    graph: Graph,
    trace: Trace,
    derivative: sp.Expr,
    wrt: Sequence[str],
    point: Mapping[str, Exact],
    dps: int,
    exact: ExactValues | None = None,
    convention: mpmath.mpf | None = None,
) -> tuple[list[Explanation], KinkAssessment | None]:
    """Every reason the derivative with respect to ``wrt`` is not an ordinary number here.

    With ``exact`` (the nodes at the exact point), kinks and poles that only the exact point
    hits are found too. At kinks, a derivative in one variable is read off f's branches on
    either side (``assess_kinks``, which also says what the derivative is); ``convention`` is
    what the rules give there. Returns the explanations and that assessment (None when there
    is none: no kink, a mixed partial, a vertical tangent).
    """
    variable = wrt[-1]
    explanations: list[Explanation] = []
    found = kinks(graph, trace, variable)
    only_exact = [i for i in exact_kinks(graph, exact, variable) if i not in found] if exact else []
    assessment = None
    if (found or only_exact) and len(set(wrt)) == 1:
        beside = ""
        values: Sequence[Any] = _trace_values(trace)
        if not found:
            assert exact is not None
            values = _snapped_values(exact)
            beside = ", ".join(f"{r.label} = {r.value!r}" for r in trace.rows if r.kind == "input")
        where = _where(graph, found or only_exact, values, beside)
        rules = convention if convention is not None else _formula_value(derivative, point, dps)
        assessment = assess_kinks(graph, found + only_exact, variable, len(wrt), point, dps, rules, where)
        if assessment is not None and not found:
            assessment = dataclasses.replace(assessment, exact_only=True)
    if assessment is not None:
        explanations += assessment.explanations
    else:
        slopes = one_sided_slopes(derivative, variable, point, dps) if len(wrt) == 1 and (found or only_exact) else None
        for index in found + only_exact:
            kind = graph.nodes[index].op.nondiff.kind  # type: ignore[union-attr]
            if _smooth(kind, slopes):
                continue
            if index in found:
                values = _trace_values(trace)
                beside = ""
            else:
                assert exact is not None
                values = _snapped_values(exact)
                beside = ", ".join(f"{r.label} = {r.value!r}" for r in trace.rows if r.kind == "input")
            explanations.append(_kink_explanation(graph, index, values, variable, slopes, beside))
    problem = nonfinite(graph, trace, point)
    if problem is None and exact is not None:
        problem = exact_pole(graph, exact, trace) or exact_domain(graph, exact, trace)
    if problem is not None:
        explanations.append(problem)
    return explanations, assessment


# -- the derivative's own value ---------------------------------------------------------------------


def formula_problem(
    derivative_graph: Graph,
    derivative_trace: Trace,
    f_value: float,
    limits: tuple[float, float] | None,
) -> Explanation:
    """The derivative's formula is not a number here although f is: x^y·y/x at x = 0, log(x) in x^x at -2."""
    output = derivative_graph.expressions[derivative_graph.output]
    formula = to_text(output) if output is not None and printable(output) else "(too long to write out)"
    defined = f"although f itself is defined here (f = {_number(f_value)})"
    index = next((i for i, r in enumerate(derivative_trace.rows) if r.first_nonfinite), None)
    if index is None:
        return Explanation("indeterminate", f"the derivative's formula {formula} is not a number here, {defined}")
    values = _trace_values(derivative_trace)
    where = f"{_subexpression(derivative_graph, index)} at {_arguments(derivative_graph, values, index)}"
    node, op = derivative_graph.equation(index), derivative_graph.nodes[index].op
    if limits is not None and limits[0] == limits[1]:
        message = (
            f"the derivative's formula {formula} is not a number here ({where} is 0/0-like), {defined}; "
            f"its limit from both sides, {limits[0]:.6g}, is the derivative"
        )
        return Explanation("indeterminate", message, node, limits)
    args = [np.asarray(values[a], dtype=float) for a in derivative_graph.nodes[index].args]
    outside = op is not None and op.domain is not None and not bool(np.all(op.domain(*args)))
    # 0/0 is outside the domain of division too, but it is an indeterminate form, not a negative logarithm.
    if np.all(np.isnan(np.asarray(values[index], dtype=float))) and outside and not any(np.all(a == 0) for a in args):
        message = f"the derivative's formula {formula} is undefined over the reals here: {where}, {defined}"
        return Explanation("domain", message, node)
    infinite = bool(np.all(np.isinf(np.asarray(values[index], dtype=float))))
    form = "is infinite" if infinite else "is 0/0-like"
    message = f"the derivative's formula {formula} is not a number here ({where} {form}), {defined}"
    return Explanation("indeterminate", message, node, limits)


def range_problem(ref: mpmath.mpf) -> Explanation | None:
    """The derivative itself is beyond what float64 can hold."""
    if not mpmath.isfinite(ref) or ref == 0:
        return None
    shown = scientific(ref)
    if abs(ref) > FLOAT_MAX:
        return Explanation("overflow", f"overflow: the derivative, {shown}, is beyond the float64 range (1.8e308)")
    if abs(ref) < FLOAT_TINY:
        return Explanation("underflow", f"underflow: the derivative, {shown}, is below the smallest float64 (2.2e-308)")
    return None


def float_range(derivative_graph: Graph, derivative_trace: Trace, ref: mpmath.mpf) -> Explanation | None:
    """The derivative is a number, but its formula leaves the float64 range on the way there.

    -14·(z - 1/3)·heaviside(…)/y³ at y = 1e-300 is 0, yet y³ underflows to 0 and float64 gives 0/0.
    """
    if not mpmath.isfinite(ref) or math.isfinite(derivative_trace.value):
        return None
    index = next((i for i, r in enumerate(derivative_trace.rows) if r.first_nonfinite), None)
    if index is None:
        return None
    row = derivative_trace.rows[index]
    values = _trace_values(derivative_trace)
    where = f"{_subexpression(derivative_graph, index)} at {_arguments(derivative_graph, values, index)}"
    message = (
        f"float64 range: the derivative is {scientific(ref) if ref else '0'}, but float64 leaves its range in the "
        f"formula on the way ({where} is {_number(row.value)}), so a float64 method may give inf or nan"
    )
    return Explanation("overflow", message, row.equation)


def _local_derivative(op: Any, position: int, args: Sequence[Any], out: Any, dps: int) -> mpmath.mpf | None:
    """A rule's value at the exact point, None where it is no real number there (1/0 in acos's
    rule at 1, the complex log in x^y's at x < 0): those are kinks and domains, explained elsewhere."""
    try:
        with mpmath.workdps(dps):
            local = op.partials[position](registry.NAMESPACES["mpmath"], *args, out)
    except (ArithmeticError, ValueError):
        return None
    if not isinstance(local, (mpmath.mpf, int, float)) or not mpmath.isfinite(local) or local == 0:
        return None
    return mpmath.mpf(local)


def _float_local_derivative(op: Any, position: int, args: Sequence[Any], out: Any) -> float:
    with np.errstate(all="ignore"):
        return float(op.partials[position](registry.NAMESPACES["numpy"], *map(np.float64, args), np.float64(out)))


def chain_range(graph: Graph, trace: Trace, exact: Sequence[mpmath.mpf], dps: int, variable: str) -> Explanation | None:
    """A local derivative on the tape that float64 cannot hold although the values it joins can.

    The tape multiplies local derivatives: for 1/csch(x) at x = 1e-300, that of csch is
    -coth(x)·csch(x) = -1e600 and that of 1/u is -1e-600, one inf and one 0 in float64, so
    autodiff loses a product (1) that the derivative's formula, cosh(x), never leaves the
    range for. A rule can also leave the range inside itself while its value is in range
    (1/sqrt(x^2 - 1) for acosh at x = 1e300). The first such one from the output down is named.
    ``exact`` holds every node at the exact point, at ``dps`` digits.
    """
    depends = _depends_on(graph, variable)
    smallest = FLOAT_TINY * sys.float_info.epsilon  # below the smallest subnormal, float64 holds 0
    floats = _trace_values(trace)
    for i in range(len(graph.nodes) - 1, -1, -1):
        node = graph.nodes[i]
        args = [exact[a] for a in node.args]
        if node.op is None or not depends[i] or not all(mpmath.isfinite(v) and abs(v) <= FLOAT_MAX for v in args):
            continue
        for position, a in enumerate(node.args):
            local = _local_derivative(node.op, position, args, exact[i], dps) if depends[a] else None
            if local is None:
                continue
            if abs(local) > FLOAT_MAX or abs(local) < smallest:
                side = "beyond the float64 range" if abs(local) > FLOAT_MAX else "below the smallest float64"
                kind: ExplanationKind = "overflow" if abs(local) > FLOAT_MAX else "underflow"
            else:
                seen = _float_local_derivative(node.op, position, [floats[k] for k in node.args], floats[i])
                if seen != 0 and math.isfinite(seen):
                    continue
                side, kind = f"but float64 leaves its range computing it and gets {seen:.6g}", "overflow"
            by = f"with respect to {_subexpression(graph, a)} at {_arguments(graph, exact, i)}"
            message = (
                f"float64 range: autodiff multiplies local derivatives, and the derivative of "
                f"{_subexpression(graph, i)} {by} is {scientific(local)}, {side}, so the tape's product is lost"
            )
            return Explanation(kind, message, graph.equation(i))
    return None


def cancellation(graph: Graph, inputs: Sequence[float], bound: float, ref: mpmath.mpf) -> Explanation | None:
    """float64 rounding may move the derivative by more than its own size: say where it cancels."""

    if not (mpmath.isfinite(ref) and ref != 0 and math.isfinite(bound)) or bound < abs(ref):
        return None
    message = (
        f"ill-conditioned in float64: rounding could move this derivative by up to {bound:.2g}, "
        f"more than its size {mpmath.nstr(abs(ref), 2)}, so no float64 digit of it can be trusted"
    )
    found = cancelling_node(graph, inputs)
    if found is not None:
        index, size = found
        message += f"; cancellation in {_subexpression(graph, index)} (parts of size {size:.2g})"
    node = graph.equation(found[0]) if found else ""
    return Explanation("cancellation", message + "; the reference is the answer", node)
