"""Symbolic, autodiff and finite differences side by side, judged against a high-precision reference.

For each requested partial derivative at a point:

* **symbolic**: SymPy's derivative, evaluated in float64;
* **autodiff**: the reverse-mode tape's gradient (for a second derivative, the tape run on
  the symbolic first derivative);
* **finite difference**: with its method, step and error bound;
* **reference**: f itself run in Taylor mode with mpmath at ``dps`` digits (``tape.taylor``),
  independent of the symbolic derivative it judges; at a kink, read off f's branches on
  either side (``tape.branches``); for a mixed partial, the symbolic derivative at ``dps``.

The float64 methods agree when they are within a rounding bound derived from the computation
itself (``tolerance``); the finite difference agrees when it lies within its own error
bound, and confirms the reference only when that bound is smaller than the derivative.
The derivative exists only where f does: where f is undefined no number is right. Kinks,
domain errors, singularities and overflow are explained rather than reported as failures.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import mpmath
import numpy as np
import sympy as sp

from ..errors import EvaluationError, LimitError, SymdiffError, check_choice, describe
from ..finite import METHODS, FiniteDifference, FiniteDifferences, Method
from ..finite.api import bounding_limits, checked_step
from ..finite.function import Function
from ..finite.result import ABSOLUTE
from ..language.arrays import ArrayProgram
from ..language.dag import dag_size, printable
from ..language.parser import Program, check_language, parse_program, variable_names
from ..limits import DEFAULT_LIMITS, Limits, serialized, serialized_class
from ..symbolic.derivatives import ExprLike, VariableLike, diff, variable, variable_list
from ..symbolic.exact import at_point, exact_value, given_exactly
from ..tape import reference, taylor
from ..tape.graph import Graph
from ..tape.points import checked_point, ordered_values, parse_point
from ..tape.tape import Tape
from ..tape.trace import Trace
from . import tolerance

if TYPE_CHECKING:
    from .arrays import ArrayComparison

from .explain import (
    NONFINITE_KINDS,
    ExactValues,
    Explanation,
    KinkAssessment,
    cancellation,
    chain_range,
    exact_values,
    explain_row,
    float_range,
    formula_problem,
    one_sided_slopes,
    range_problem,
)

Verdict = Literal["agree", "explained", "unconfirmed", "disagree"]


@dataclass(frozen=True)
class MethodValue:
    """One method's number for one derivative, and how far it is from the reference.

    ``tolerance`` is what the method is allowed: the rounding bound for symbolic and autodiff,
    the error bound for a finite difference. ``agrees`` is true when the value is one the
    derivative may have here (see ``Expected``) within that allowance: nothing contradicts it.
    ``confirmed`` is true when it also confirms the reference: a finite difference without a
    bound, or with a bound larger than the derivative itself (0 ± 341 for 5.2e-12), confirms
    nothing, though it contradicts nothing either. The errors are measured against the
    reference at the point float64 holds (the float methods cannot see any other).
    """

    value: float
    absolute_error: float
    relative_error: float
    tolerance: float
    agrees: bool
    confirmed: bool = True


@dataclass(frozen=True)
class Expected:
    """What a float64 method may answer for one derivative at this point.

    Attributes:
        low, high: a finite answer must lie in [low, high], widened by the method's own
            allowance; None when no finite answer is right (log(x) at -1). Ordinarily the
            interval runs from the exact reference to the reference at the float64 point
            (they differ when the point is not a float: x = 1/3); at a corner it spans the
            one-sided slopes.
        nonfinite: whether nan or ±inf is a right answer (the derivative does not exist
            here, or is beyond the float64 range).
    """

    low: mpmath.mpf | None
    high: mpmath.mpf | None
    nonfinite: bool


@dataclass(frozen=True)
class Row:
    """One partial derivative at the point, by every method.

    Attributes:
        wrt: the variables differentiated with respect to, in order.
        derivative: the symbolic derivative.
        symbolic, autodiff: float64 values with their errors (autodiff is None when the tape
            has no path to it).
        finite: the finite difference, with its own method, step and error bound; None when the
            method does not apply here (``finite_note`` says why).
        finite_error: the finite difference's errors against the reference; its tolerance is
            the error bound (inf when it could not certify one, in which case nothing was
            claimed and it counts as agreeing).
        reference: the derivative at the exact point to ``dps`` digits (an mpmath number; see the
            module's docstring for where it comes from).
        float_reference: the same at the point float64 holds (the exact point rounded).
        expected: what the methods may answer here.
        verdict: "agree"; "explained" (not an ordinary number here, said why, and every method
            answered something it may); "unconfirmed" (symbolic and autodiff agree, but the finite
            difference could not confirm it: no bound, a bound larger than the derivative, or
            not applicable); or "disagree".
        explanations: why, when the derivative is not an ordinary number here.
        finite_is_noise: the finite difference's value means nothing (f is undefined here and
            nothing was certified): views show it as n/a.
        exact: the derivative at the point in a short exact form (−π² at x = π), when the point
            was given exactly and SymPy finds one.
    """

    wrt: tuple[str, ...]
    derivative: sp.Expr
    symbolic: MethodValue
    autodiff: MethodValue | None
    finite: FiniteDifference | None
    finite_error: MethodValue | None
    reference: mpmath.mpf
    float_reference: mpmath.mpf
    expected: Expected
    verdict: Verdict
    explanations: tuple[Explanation, ...] = ()
    finite_note: str = ""
    finite_is_noise: bool = False
    exact: sp.Expr | None = None

    @property
    def finite_agrees(self) -> bool:
        """The finite difference lies within its bound (or does not apply, or claimed nothing)."""
        return self.finite_error is None or self.finite_error.agrees

    @property
    def finite_certified(self) -> bool:
        return self.finite is not None and math.isfinite(self.finite.error_bound)

    @property
    def finite_confirms(self) -> bool:
        """The finite difference applies, is bounded, and its bound pins the derivative down."""
        return self.finite_error is not None and self.finite_error.confirmed

    @property
    def agree(self) -> bool:
        """True unless a method gave a value the derivative cannot have here (the top-level meaning too)."""
        return self.verdict != "disagree"


@dataclass(frozen=True)
class _Settings:
    fd: Method
    h: float | None
    dps: int
    limits: Limits
    function: Function  # compiled once for every row: its higher derivatives are shared too


@serialized_class
@dataclass(frozen=True)
class Comparison:
    """Every requested derivative of an expression at a point, by every method, with a verdict.

    ``agree`` is true when every row agrees or its disagreement is explained. Print it for a
    table; ``to_json``, ``to_latex`` and ``to_markdown`` for other formats.
    """

    expression: sp.Expr
    function: str
    variables: tuple[str, ...]
    point: dict[str, sp.Expr]
    value: float
    reference_value: mpmath.mpf
    rows: tuple[Row, ...]
    dps: int
    trace: Trace = field(repr=False, compare=False)

    @property
    def agree(self) -> bool:
        return all(row.verdict != "disagree" for row in self.rows)

    @property
    def ordinary(self) -> bool:
        return len(self.variables) <= 1

    def __str__(self) -> str:
        from ..render import comparison

        return comparison.text(self)

    def to_text(self) -> str:
        return str(self)

    def to_json(self) -> str:
        from ..render import comparison

        return comparison.json_text(self)

    def to_latex(self) -> str:
        from ..render import comparison

        return comparison.latex(self)

    def to_markdown(self) -> str:
        from ..render import comparison

        return comparison.markdown(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"


def exact_point(at: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> dict[str, sp.Expr]:
    """A point as exact SymPy numbers: ints and floats as they are, text read by the parser."""
    point: dict[str, sp.Expr] = {}
    for name, value in checked_point(at).items():
        if isinstance(value, str):
            exact = parse_point([f"{name}={value}"], limits=limits)[name]
        elif isinstance(value, sp.Basic) and value.is_number:
            exact = value
        elif isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_)):
            # A float is taken at its exact binary value: the reference sees what the float methods see.
            exact = sp.Integer(int(value)) if isinstance(value, (int, np.integer)) else sp.Float(float(value), 17)
        else:
            raise EvaluationError(f"the value of {name} must be a number, got {describe(value)}")
        if not isinstance(exact, sp.Expr) or exact is sp.nan or exact.is_finite is False or not exact.is_extended_real:
            # The reference is the exact derivative at an exact point; nan and inf are not points.
            raise EvaluationError(f"the value of {name} must be a finite real number, got {describe(value)}")
        check_language(exact, limits)  # at most max_digits digits, as if it were written in the text
        point[name] = exact
    return point


def _float_point(point: Mapping[str, sp.Expr]) -> dict[str, float]:
    return {name: float(sp.N(value, 20)) for name, value in point.items()}


def _errors(value: float, ref: mpmath.mpf) -> tuple[float, float]:
    """Absolute and relative error, computed in mpmath: |ref| may be below the float64 range."""
    with mpmath.workdps(30):
        if math.isfinite(value) and mpmath.isfinite(ref):
            absolute = abs(mpmath.mpf(value) - ref)
            relative = absolute / abs(ref) if ref != 0 else absolute
            return float(absolute), float(relative)
    same = math.isinf(value) and mpmath.isinf(ref) and (value > 0) == (ref > 0)
    return (0.0, 0.0) if same else (math.nan, math.nan)


def accepts(expected: Expected, value: float, allowance: float) -> bool:
    """True when ``value`` is an answer the derivative may have here, within ``allowance``."""
    if not math.isfinite(value):
        return expected.nonfinite
    if expected.low is None or expected.high is None or math.isnan(allowance):
        return False
    with mpmath.workdps(30):
        slack = mpmath.mpf(allowance) + mpmath.mpf("1e-300")  # below every float64 rounding
        return bool(expected.low - slack <= value <= expected.high + slack)


def judge(value: float, ref: mpmath.mpf, expected: Expected, allowance: float) -> MethodValue:
    """A method's value, its errors against ``ref``, and whether it may be right here."""
    absolute, relative = _errors(value, ref)
    return MethodValue(value, absolute, relative, allowance, accepts(expected, value, allowance))


def _measured_against(ref: mpmath.mpf, float_ref: mpmath.mpf) -> mpmath.mpf:
    """The reference errors are measured against: at the float64 point, where the methods work."""
    return float_ref if mpmath.isfinite(float_ref) else ref


def _expected(
    ref: mpmath.mpf,
    float_ref: mpmath.mpf,
    explanations: Sequence[Explanation],
    kinks: KinkAssessment | None,
    f_defined: bool,
) -> Expected:
    nonfinite = not mpmath.isfinite(ref) or any(e.kind in NONFINITE_KINDS for e in explanations)
    if not f_defined:
        return Expected(None, None, True)  # f itself is not a number here: no number is its derivative
    candidates = [r for r in (ref, float_ref) if mpmath.isfinite(r)]
    if kinks is not None and kinks.accepted is not None:
        candidates = list(kinks.accepted)  # read off f's branches: the derivative, or between the one-sided ones
        if kinks.exact_only and mpmath.isfinite(float_ref):
            candidates.append(float_ref)  # float64 works beside the kink, where f is smooth
    for e in explanations:
        if kinks is None:
            candidates += [mpmath.mpf(s) for s in (e.slopes or ())]
        if e.kind == "underflow":
            candidates.append(mpmath.mpf(0))  # float64 rounds it to zero
    if not candidates:
        return Expected(None, None, nonfinite)
    return Expected(min(candidates), max(candidates), nonfinite)


def _finite(
    f: sp.Expr, wrt: tuple[str, ...], floats: Mapping[str, float], settings: _Settings
) -> tuple[FiniteDifference | None, str]:
    """The finite difference for one row, or why it does not apply (a refused method, a mixed partial of order 3)."""
    mixed = len(set(wrt)) > 1
    if mixed and len(wrt) > 2:
        return None, "finite differences give mixed partials of order 2 only"
    dps = settings.dps if settings.fd == "mpmath" else None
    try:
        wanted = list(wrt) if mixed else wrt[0]
        order = 1 if mixed else len(wrt)
        compiled = FiniteDifferences(
            settings.function, wanted, order, settings.fd, h=settings.h, dps=dps, limits=settings.limits
        )
        result = compiled(floats)
    except SymdiffError as refusal:  # the complex step on abs(x); no bound to be had (the step was checked)
        return None, str(refusal)
    return result, ""


def _finite_error(fd: FiniteDifference | None, ref: mpmath.mpf, expected: Expected) -> MethodValue | None:
    """The finite difference judged: within its bound of an answer that is right here, and whether
    the bound is tight enough to confirm the reference (``MethodValue.confirmed``)."""
    if fd is None:
        return None
    value, bound = float(fd.value), float(fd.error_bound)
    absolute, relative = _errors(value, ref)
    if not math.isfinite(bound):
        return MethodValue(value, absolute, relative, math.inf, True, False)  # no bound: nothing claimed
    agrees = accepts(expected, value, bound)
    with mpmath.workdps(30):
        tight = mpmath.isfinite(ref) and (bound < abs(ref) or (ref == 0 and bound <= ABSOLUTE))
    return MethodValue(value, absolute, relative, bound, agrees, agrees and bool(tight))


def _derivative(f: sp.Expr, wrt: tuple[str, ...], settings: _Settings) -> sp.Expr:
    """The symbolic derivative of a row. A large one is the finite differences' own (computed once for
    both: each costs seconds for a long sum), which is what diff gives, since it is too large to tidy."""
    limits = settings.limits
    if dag_size(f) > limits.reverse_ops:
        with contextlib.suppress(SymdiffError):  # not worth it for a bound; then diff computes it alone
            return settings.function.derivative(wrt).expression
    if len(set(wrt)) == 1:
        return diff(f, wrt[0], len(wrt), limits=limits)
    return diff(f, list(wrt), limits=limits)


def _derivatives(f: sp.Expr, wrt: tuple[str, ...], settings: _Settings) -> tuple[sp.Expr, sp.Expr | None]:
    """The derivative, and the one of an order less (None for a first derivative).

    A higher derivative by one variable comes from f directly, as ``diff`` gives it: Taylor mode's
    tenth derivative costs what its ninth does, where differentiating the ninth written out (a
    large expression) costs several times more. A mixed partial too large to write out is
    differentiated once more from the one below rather than computed again from f.
    """
    if len(wrt) == 1:
        return _derivative(f, wrt, settings), None
    lower = _derivative(f, wrt[:-1], settings)
    if len(set(wrt)) == 1 or printable(lower):
        return _derivative(f, wrt, settings), lower
    return diff(lower, wrt[-1], limits=settings.limits), lower


def _autodiff(
    lower: sp.Expr | None,
    wrt: tuple[str, ...],
    floats: Mapping[str, float],
    gradient: Mapping[str, float],
    limits: Limits,
) -> float:
    """The tape's value; for a higher derivative, back-propagated through the symbolic one of an order less."""
    if lower is None:
        return float(gradient.get(wrt[0], 0.0))
    first = Tape(lower, limits=limits)
    inner = {k: v for k, v in floats.items() if k in first.variables}
    return float(first.gradient(inner).get(wrt[-1], 0.0))


def _tape_trouble(
    tape: Tape, lower: sp.Expr | None, wrt: tuple[str, ...], at: _At, settings: _Settings
) -> list[Explanation]:
    """Why autodiff alone is off, when the reason is its float64 chain rule (see ``chain_range``);
    for a higher derivative, the tape is that of the derivative an order less, as ``_autodiff``'s."""
    if lower is None:
        nodes = at.nodes.low
    else:
        tape = Tape(lower, limits=settings.limits)
        nodes = reference.evaluate(tape.graph, at.exact, settings.dps)
    trace = tape.trace({k: at.floats[k] for k in tape.variables})
    found = chain_range(tape.graph, trace, nodes, settings.dps, wrt[-1])
    return [found] if found is not None else []


@dataclass(frozen=True)
class _At:
    """The point three ways: exact, as float64 holds it, and every node of f at the exact point."""

    exact: dict[str, sp.Expr]
    floats: dict[str, float]
    nodes: ExactValues
    value: mpmath.mpf  # f at the exact point: nan outside the domain, ±inf at a pole


def _exact_reference(derivative: sp.Expr, at: _At, dps: int) -> mpmath.mpf:
    """The derivative at the exact point by SymPy (sign(sin(π)) is sign(0) = 0), nan if not a real number.

    Used where a kink or pole sits exactly at the point, where ``dps`` digits of π are not π.
    """
    with mpmath.workdps(dps):
        value = at_point(derivative, at.exact)
        if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or value.is_real is False:
            return mpmath.nan
        try:
            return mpmath.mpf(sp.N(value, dps + 5))
        except (TypeError, ValueError):
            return mpmath.nan


def _references(
    graph: Graph, formula: Graph, wrt: tuple[str, ...], at: _At, dps: int, f_finite: bool
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The derivative at the exact point and at the float point, to ``dps`` digits.

    From f itself by Taylor mode, independent of the symbolic derivative it judges: f's own
    graph, run forward at high precision with the registry's rules. The symbolic derivative
    (``formula``'s graph) is the reference for a mixed partial, and where Taylor mode breaks
    down although f is finite: it needs f analytic along the line, and x·√x at 0 gives 0·∞.
    """
    found = []
    for point in (at.exact, at.floats):
        with mpmath.workdps(dps):
            written = reference.evaluate(formula, {k: point[k] for k in formula.inputs}, dps)[formula.output]
            if len(set(wrt)) != 1:
                found.append(written)
                continue
            values = {name: point[name] for name in graph.inputs}
            value = taylor.derivatives(graph, values, wrt[0], len(wrt), taylor.MpmathNumbers())[len(wrt)]
            found.append(written if f_finite and not mpmath.isfinite(value) and mpmath.isfinite(written) else value)
    return found[0], found[1]


def _explanations(
    tape: Tape,
    trace: Trace,
    derivative: sp.Expr,
    derivative_tape: Tape,
    wrt: tuple[str, ...],
    at: _At,
    values: tuple[mpmath.mpf, mpmath.mpf, float],
    dps: int,
) -> tuple[list[Explanation], mpmath.mpf, KinkAssessment | None]:
    """Why the derivative is not an ordinary number here, the reference that goes with that, and what
    f's branches say at a kink."""
    ref, formula, bound = values
    found, kinks = explain_row(tape.graph, trace, derivative, wrt, at.exact, dps, at.nodes, convention=ref)
    used = {k: at.floats[k] for k in derivative_tape.variables}
    if kinks is not None and kinks.derivative is not None:
        ref = kinks.derivative  # read off f's branches: the derivative, or the symmetric one at a corner
    elif any(e.exact_only for e in found):
        ref = _exact_reference(derivative, at, dps)
    if found:
        return found, ref, kinks
    if not mpmath.isfinite(formula) and math.isfinite(trace.value):
        # The formula fails where f is defined: 0/0 in y·x^y/x at x = 0, log(-2) in the formula of x^x.
        limits = one_sided_slopes(derivative, wrt[-1], at.exact, dps) if len(wrt) == 1 else None
        problem = formula_problem(derivative_tape.graph, derivative_tape.trace(used), trace.value, limits)
        return [problem], ref, None
    ranges = (range_problem(ref), float_range(derivative_tape.graph, derivative_tape.trace(used), ref))
    found = [e for e in ranges if e is not None]
    other = cancellation(derivative_tape.graph, list(used.values()), bound, ref)
    return found + ([other] if other and not found else []), ref, kinks


def _row(
    f: sp.Expr,
    wrt: tuple[str, ...],
    at: _At,
    gradient: Mapping[str, float],
    tape: Tape,
    trace: Trace,
    settings: _Settings,
) -> Row:
    derivative, lower = _derivatives(f, wrt, settings)
    derivative_tape = Tape(derivative, limits=settings.limits)
    used = {k: at.floats[k] for k in derivative_tape.variables}
    formula = reference.output(derivative_tape.graph, {k: at.exact[k] for k in used}, settings.dps)
    ref, float_ref = _references(tape.graph, derivative_tape.graph, wrt, at, settings.dps, math.isfinite(trace.value))
    bound = tolerance.rounding_bound(derivative_tape.graph, list(used.values()), inputs_exact=True)
    explanations, ref, kinks = _explanations(
        tape, trace, derivative, derivative_tape, wrt, at, (ref, formula, bound), settings.dps
    )
    if kinks is not None and kinks.derivative is not None and not kinks.exact_only:
        float_ref = kinks.derivative  # float64 sits on the kink too: the same branches decide there
    # The derivative exists only where f does: the formula's value where f is undefined (1/x for log at -1) is not
    # one, nor is a float64 value that rounding gave f outside its domain.
    undefined = math.isnan(trace.value) or mpmath.isnan(at.value)
    if undefined:
        ref = float_ref = mpmath.nan
    expected = _expected(ref, float_ref, explanations, kinks, not undefined)
    measured = _measured_against(ref, float_ref)
    value = float(derivative_tape.value(used)) if not undefined else math.nan
    symbolic = judge(value, measured, expected, bound)
    tape_value = _autodiff(lower, wrt, at.floats, gradient, settings.limits) if not undefined else math.nan
    autodiff = judge(tape_value, measured, expected, bound)
    if symbolic.agrees and not autodiff.agrees:
        explanations += _tape_trouble(tape, lower, wrt, at, settings)
    fd, note = _finite(f, wrt, at.floats, settings)
    finite_error = _finite_error(fd, measured, expected)
    ok = symbolic.agrees and autodiff.agrees and (finite_error is None or finite_error.agrees)
    confirmed = finite_error is not None and finite_error.confirmed
    verdict: Verdict = (
        "disagree" if not ok else "explained" if explanations else "agree" if confirmed else "unconfirmed"
    )
    noise = fd is not None and not math.isfinite(fd.error_bound) and not math.isfinite(trace.value)
    exact_at = given_exactly(at.exact, tuple(at.floats))
    exact = None
    if exact_at is not None and mpmath.isfinite(ref) and not explanations:
        exact = exact_value(derivative, exact_at, ref)
    return Row(
        wrt,
        derivative,
        symbolic,
        autodiff,
        fd,
        finite_error,
        ref,
        float_ref,
        expected,
        verdict,
        tuple(explanations),
        note,
        noise,
        exact,
    )


@serialized
def compare(
    expr: ExprLike,
    at: Mapping[str, Any],
    wrt: VariableLike | Sequence[VariableLike] | None = None,
    order: int = 1,
    *,
    fd: Method = "auto",
    h: float | None = None,
    dps: int = 50,
    shapes: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Comparison | ArrayComparison:
    """Every requested partial derivative at a point, by every method, with a verdict.

    Args:
        expr: expression text, a program, or a SymPy expression.
        at: the point: name → number (or text such as ``"pi/4"``, read exactly).
        wrt: the variables (default: all); each gives one row of the given ``order``.
            A list of lists asks for mixed partials: ``[["a", "b"]]`` is ∂²f/∂a∂b.
        fd: the finite-difference method; ``h``: its step (None: chosen automatically).
        dps: digits of the mpmath reference.
        shapes: the declared shapes of vectors and matrices in ``expr`` (``{"W": (64, 10)}``);
            a program over arrays is compared tensor by tensor (see ``comparison.arrays``).

    Example:
        >>> cmp = compare("a*b + c", at={"a": 2, "b": -3, "c": 10})
        >>> cmp.agree, [float(row.reference) for row in cmp.rows]
        (True, [-3.0, 2.0, 1.0])
    """
    limits.check_dps(dps)
    limits.check_order(order)
    check_choice("fd", fd, METHODS)  # before the finite differences run: a refusal there is shown, not raised
    h = checked_step(h, fd)  # refused up front: a step the method would not use is an input error
    source = parse_program(expr, shapes=shapes, limits=limits) if isinstance(expr, str) else expr
    if isinstance(source, ArrayProgram):
        if order != 1:
            raise SymdiffError("the comparison of an array program checks its gradient (order 1)")
        from ..tape.array_tape import ArrayTape
        from .arrays import compare_arrays

        names = None if wrt is None else [wrt] if isinstance(wrt, (str, sp.Symbol)) else wrt
        tape = Tape(source)
        assert isinstance(tape, ArrayTape)
        return compare_arrays(tape, at, names, fd=fd, h=h, dps=dps, limits=limits)
    tape = Tape(source, limits=limits)
    f = tape.expression
    requested = _requested(f, wrt, order)
    _check_size(len(requested), len(tape.graph.nodes), limits)
    point = exact_point(at, limits)
    floats = dict(zip(tape.variables, ordered_values(tape.variables, _float_point(point)), strict=True))
    trace = tape.trace(floats)
    gradient = tape.gradient(floats)
    highest = max((len(w) for w in requested), default=1)
    settings = _Settings(fd, h, dps, limits, Function(f, bounding_limits(limits, highest)))
    nodes = exact_values(tape.graph, point, dps)
    ref_value = nodes.low[tape.graph.output]
    at_ = _At(point, floats, nodes, ref_value)
    rows = tuple(_row(f, w, at_, gradient, tape, trace, settings) for w in requested)
    function = source.output.name if isinstance(source, Program) else "f"
    return Comparison(f, function, variable_names(f), point, trace.value, ref_value, rows, dps, trace)


def _check_size(rows: int, nodes: int, limits: Limits) -> None:
    """Each row differentiates, evaluates and bounds the whole graph: refuse more work than max_ops before any.

    The Hessian of max(x0, …, x99) at a point is 5,050 rows: minutes of work.
    """
    if rows * nodes > limits.max_ops:
        raise LimitError(
            f"the comparison has {rows:,} derivatives of a {nodes:,}-node expression, {rows * nodes:,} in all, "
            f"above the limit of {limits.max_ops:,} (max_ops); choose fewer with wrt (--wrt)"
        )


def _requested(f: sp.Expr, wrt: VariableLike | Sequence[VariableLike] | None, order: int) -> list[tuple[str, ...]]:
    """The derivatives to show, each as the tuple of variables to differentiate by."""
    if wrt is None:
        return [(name,) * order for name in variable_names(f)]
    if isinstance(wrt, (str, sp.Symbol)):
        return [(variable(wrt).name,) * order]
    if not isinstance(wrt, (list, tuple)) or not wrt:
        raise SymdiffError(
            f"wrt is a variable, a list of them, or a list of lists (mixed partials); got {describe(wrt)}"
        )
    requested = []
    for item in wrt:
        if isinstance(item, (str, sp.Symbol)):
            requested.append((variable(item).name,) * order)
        else:  # a mixed partial: a list of variables
            requested.append(tuple(v.name for v in variable_list(item)))
    return requested
