"""Symbolic, autodiff and finite differences side by side, judged against a high-precision reference.

For each requested partial derivative at a point:

* **symbolic**: SymPy's derivative, evaluated in float64;
* **autodiff**: the reverse-mode tape's gradient (for a second derivative, the tape run on
  the symbolic first derivative);
* **finite difference**: with its method, step and error bound;
* **reference**: the symbolic derivative evaluated with mpmath at ``dps`` digits.

The float64 methods agree when they are within a rounding bound derived from the computation
itself (``tolerance``); the finite difference agrees when it lies within its own error
bound. Kinks, domain errors, singularities and overflow are explained rather than reported
as failures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import mpmath
import sympy as sp

from ..errors import EvaluationError, SymdiffError
from ..finite import FiniteDifference, FiniteDifferences, Method
from ..finite.api import bounding_limits, checked_step
from ..finite.function import Function
from ..language.arrays import ArrayProgram
from ..language.parser import Program, parse_program, variable_names
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.derivatives import ExprLike, VariableLike, diff, variable
from ..symbolic.exact import exact_value, given_exactly
from ..tape import reference
from ..tape.points import ordered_values, parse_point
from ..tape.tape import Tape
from ..tape.trace import Trace
from . import tolerance

if TYPE_CHECKING:
    from .arrays import ArrayComparison

from .explain import (
    NONFINITE_KINDS,
    ExactValues,
    Explanation,
    cancellation,
    exact_values,
    explain_row,
    formula_problem,
    one_sided_slopes,
    range_problem,
)

Verdict = Literal["agree", "explained", "disagree"]


@dataclass(frozen=True)
class MethodValue:
    """One method's number for one derivative, and how far it is from the reference.

    ``tolerance`` is what the method is allowed: the rounding bound for symbolic and autodiff,
    the error bound for a finite difference. ``agrees`` is true when the value is one the
    derivative may have here (see ``Expected``) within that allowance.
    """

    value: float
    absolute_error: float
    relative_error: float
    tolerance: float
    agrees: bool


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
        reference: the symbolic derivative at the exact point to ``dps`` digits (an mpmath number).
        float_reference: the same at the point float64 holds (the exact point rounded).
        expected: what the methods may answer here.
        verdict: "agree", "explained" (not an ordinary number here, said why, and every method
            answered something it may), or "disagree".
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
    for name, value in at.items():
        if isinstance(value, str):
            point.update(parse_point([f"{name}={value}"], limits=limits))
        elif isinstance(value, sp.Basic) and value.is_number:
            if value is sp.nan or value.is_finite is False or value.is_extended_real is False:
                raise EvaluationError(f"the value of {name} must be a finite real number, got {value}")
            point[name] = value
        elif isinstance(value, float) and not math.isfinite(value):
            # The reference is the exact derivative at an exact point; nan and inf are not points.
            raise EvaluationError(f"the value of {name} must be a finite real number, got {value}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            exact_integer = isinstance(value, int) or value == int(value)
            # A float is taken at its exact binary value: the reference sees what the float methods see.
            point[name] = sp.Integer(int(value)) if exact_integer else sp.Float(value, 17)
        else:
            raise EvaluationError(f"the value of {name} must be a number, got {value!r:.40}")
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
    """A method's value, its errors against the reference, and whether it may be right here."""
    absolute, relative = _errors(value, ref)
    return MethodValue(value, absolute, relative, allowance, accepts(expected, value, allowance))


def _expected(ref: mpmath.mpf, float_ref: mpmath.mpf, explanations: Sequence[Explanation]) -> Expected:
    candidates = [r for r in (ref, float_ref) if mpmath.isfinite(r)]
    for e in explanations:
        candidates += [mpmath.mpf(s) for s in (e.slopes or ())]
        if e.kind == "underflow":
            candidates.append(mpmath.mpf(0))  # float64 rounds it to zero
    nonfinite = not mpmath.isfinite(ref) or any(e.kind in NONFINITE_KINDS for e in explanations)
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
    if fd is None:
        return None
    value = float(fd.value)
    if not math.isfinite(fd.error_bound):
        absolute, relative = _errors(value, ref)
        return MethodValue(value, absolute, relative, math.inf, True)  # no bound, nothing claimed
    return judge(value, ref, expected, float(fd.error_bound))


def _derivative(f: sp.Expr, wrt: tuple[str, ...], limits: Limits) -> sp.Expr:
    if len(set(wrt)) == 1:
        return diff(f, wrt[0], len(wrt), limits=limits)
    return diff(f, list(wrt), limits=limits)


def _autodiff(
    f: sp.Expr, wrt: tuple[str, ...], floats: Mapping[str, float], gradient: Mapping[str, float], limits: Limits
) -> float:
    """The tape's value; for a second derivative, back-propagated through the symbolic first derivative."""
    if len(wrt) == 1:
        return float(gradient.get(wrt[0], 0.0))
    first = Tape(_derivative(f, wrt[:-1], limits), limits=limits)
    inner = {k: v for k, v in floats.items() if k in first.variables}
    return float(first.gradient(inner).get(wrt[-1], 0.0))


@dataclass(frozen=True)
class _At:
    """The point three ways: exact, as float64 holds it, and every node of f at the exact point."""

    exact: dict[str, sp.Expr]
    floats: dict[str, float]
    nodes: ExactValues


def _exact_reference(derivative: sp.Expr, at: _At, dps: int) -> mpmath.mpf:
    """The derivative at the exact point by SymPy (sign(sin(π)) is sign(0) = 0), nan if not a real number.

    Used where a kink or pole sits exactly at the point, where ``dps`` digits of π are not π.
    """
    with mpmath.workdps(dps):
        value = derivative.subs({s: at.exact[s.name] for s in derivative.free_symbols if s.name in at.exact})
        if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or value.is_real is False:
            return mpmath.nan
        try:
            return mpmath.mpf(sp.N(value, dps + 5))
        except (TypeError, ValueError):
            return mpmath.nan


def _explanations(
    tape: Tape,
    trace: Trace,
    derivative: sp.Expr,
    derivative_tape: Tape,
    wrt: tuple[str, ...],
    at: _At,
    values: tuple[mpmath.mpf, float],
    dps: int,
) -> tuple[list[Explanation], mpmath.mpf]:
    """Why the derivative is not an ordinary number here, and the reference that goes with that."""
    ref, bound = values
    found = explain_row(tape.graph, trace, derivative, wrt, at.exact, dps, at.nodes)
    used = {k: at.floats[k] for k in derivative_tape.variables}
    if any(e.exact_only for e in found):
        ref = _exact_reference(derivative, at, dps)
    if found:
        return found, ref
    if not mpmath.isfinite(ref) and math.isfinite(trace.value):
        limits = one_sided_slopes(derivative, wrt[-1], at.exact, dps) if len(wrt) == 1 else None
        problem = formula_problem(derivative_tape.graph, derivative_tape.trace(used), trace.value, limits)
        return [problem], ref
    other = range_problem(ref) or cancellation(derivative_tape.graph, list(used.values()), bound, ref)
    return ([other] if other else []), ref


def _row(
    f: sp.Expr,
    wrt: tuple[str, ...],
    at: _At,
    gradient: Mapping[str, float],
    tape: Tape,
    trace: Trace,
    settings: _Settings,
) -> Row:
    derivative = _derivative(f, wrt, settings.limits)
    derivative_tape = Tape(derivative, limits=settings.limits)
    used = {k: at.floats[k] for k in derivative_tape.variables}
    ref = reference.value(derivative_tape.graph, {k: at.exact[k] for k in used}, settings.dps)
    float_ref = reference.value(derivative_tape.graph, used, settings.dps)
    bound = tolerance.rounding_bound(derivative_tape.graph, list(used.values()), inputs_exact=True)
    explanations, ref = _explanations(tape, trace, derivative, derivative_tape, wrt, at, (ref, bound), settings.dps)
    expected = _expected(ref, float_ref, explanations)
    symbolic = judge(float(derivative_tape.value(used)), ref, expected, bound)
    autodiff = judge(_autodiff(f, wrt, at.floats, gradient, settings.limits), ref, expected, bound)
    fd, note = _finite(f, wrt, at.floats, settings)
    finite_error = _finite_error(fd, ref, expected)
    ok = symbolic.agrees and autodiff.agrees and (finite_error is None or finite_error.agrees)
    verdict: Verdict = "disagree" if not ok else "explained" if explanations else "agree"
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
    point = exact_point(at, limits)
    floats = dict(zip(tape.variables, ordered_values(tape.variables, _float_point(point)), strict=True))
    trace = tape.trace(floats)
    gradient = tape.gradient(floats)
    requested = _requested(f, wrt, order)
    highest = max((len(w) for w in requested), default=1)
    settings = _Settings(fd, h, dps, limits, Function(f, bounding_limits(limits, highest)))
    at_ = _At(point, floats, exact_values(tape.graph, point, dps))
    rows = tuple(_row(f, w, at_, gradient, tape, trace, settings) for w in requested)
    function = source.output.name if isinstance(source, Program) else "f"
    ref_value = reference.value(tape.graph, point, dps)
    return Comparison(f, function, variable_names(f), point, trace.value, ref_value, rows, dps, trace)


def _requested(f: sp.Expr, wrt: VariableLike | Sequence[VariableLike] | None, order: int) -> list[tuple[str, ...]]:
    """The derivatives to show, each as the tuple of variables to differentiate by."""
    if wrt is None:
        return [(name,) * order for name in variable_names(f)]
    if isinstance(wrt, (str, sp.Symbol)):
        return [(variable(wrt).name,) * order]
    requested = []
    for item in wrt:
        if isinstance(item, (str, sp.Symbol)):
            requested.append((variable(item).name,) * order)
        else:
            requested.append(tuple(variable(v).name for v in item))
    return requested
