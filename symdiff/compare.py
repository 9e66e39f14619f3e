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
from typing import Any, Literal

import mpmath
import sympy as sp

from . import reference, tolerance
from .errors import EvaluationError, SymdiffError
from .explain import Explanation, explain_row
from .finite import FiniteDifference, Method, finite_difference
from .limits import DEFAULT_LIMITS, Limits
from .parser import Program, parse_program, variable_names
from .points import ordered_values, parse_point
from .symbolic import ExprLike, VariableLike, diff, variable
from .tape import Tape
from .trace import Trace

Verdict = Literal["agree", "explained", "disagree"]


@dataclass(frozen=True)
class MethodValue:
    """One method's number for one derivative, and how far it is from the reference."""

    value: float
    absolute_error: float
    relative_error: float
    tolerance: float
    agrees: bool


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
        reference: the symbolic derivative at ``dps`` digits (an mpmath number).
        verdict: "agree", "explained" (not an ordinary number here, and said why), or "disagree".
        explanations: why, when the derivative is not an ordinary number here.
    """

    wrt: tuple[str, ...]
    derivative: sp.Expr
    symbolic: MethodValue
    autodiff: MethodValue | None
    finite: FiniteDifference | None
    finite_agrees: bool
    reference: mpmath.mpf
    verdict: Verdict
    explanations: tuple[Explanation, ...] = ()
    finite_note: str = ""

    @property
    def agree(self) -> bool:
        """True when every method that applies matches the reference."""
        return _all_agree(self.symbolic, self.autodiff, self.finite_agrees)


def _all_agree(symbolic: MethodValue, autodiff: MethodValue | None, finite_agrees: bool) -> bool:
    methods = [symbolic] if autodiff is None else [symbolic, autodiff]
    return all(m.agrees for m in methods) and finite_agrees


@dataclass(frozen=True)
class _Settings:
    fd: Method
    h: float | None
    dps: int
    limits: Limits


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
        from .render import comparison

        return comparison.text(self)

    def to_text(self) -> str:
        return str(self)

    def to_json(self) -> str:
        from .render import comparison

        return comparison.json_text(self)

    def to_latex(self) -> str:
        from .render import comparison

        return comparison.latex(self)

    def to_markdown(self) -> str:
        from .render import comparison

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
            point[name] = value
        elif isinstance(value, float) and not math.isfinite(value):
            # The reference is the exact derivative at an exact point; nan and inf are not points.
            raise EvaluationError(f"the value of {name} must be a finite number, got {value}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            exact_integer = isinstance(value, int) or value == int(value)
            # A float is taken at its exact binary value: the reference sees what the float methods see.
            point[name] = sp.Integer(int(value)) if exact_integer else sp.Float(value, 17)
        else:
            raise EvaluationError(f"the value of {name} must be a number, got {value!r:.40}")
    return point


def _float_point(point: Mapping[str, sp.Expr]) -> dict[str, float]:
    return {name: float(sp.N(value, 20)) for name, value in point.items()}


def _method(value: float, ref: mpmath.mpf, bound: float) -> MethodValue:
    with mpmath.workdps(30):
        if math.isfinite(value) and mpmath.isfinite(ref):
            absolute = float(abs(mpmath.mpf(value) - ref))
            relative = absolute / float(abs(ref)) if ref != 0 else absolute
        else:
            same = math.isinf(value) and mpmath.isinf(ref) and (value > 0) == (ref > 0)
            absolute = relative = 0.0 if same else math.nan
        agrees = math.isfinite(absolute) and absolute <= bound + 1e-300
    return MethodValue(value, absolute, relative, bound, agrees)


def _finite(
    f: sp.Expr, wrt: tuple[str, ...], floats: Mapping[str, float], settings: _Settings
) -> tuple[FiniteDifference | None, str]:
    """The finite difference for one row, or why it does not apply (a refused method, order > 2)."""
    if len(wrt) > 2:
        return None, "finite differences give first and second derivatives"
    mixed = len(wrt) == 2 and wrt[0] != wrt[1]
    dps = settings.dps if settings.fd == "mpmath" else None
    try:
        result = finite_difference(
            f,
            list(wrt) if mixed else wrt[0],
            floats,
            settings.fd,
            settings.h,
            1 if mixed else len(wrt),
            dps,
            limits=settings.limits,
        )
    except SymdiffError as refusal:  # e.g. the complex step on abs(x)
        return None, str(refusal)
    return result, ""


def _finite_agrees(fd: FiniteDifference | None, ref: mpmath.mpf) -> bool:
    """The finite difference lies within its own bound (or declined to give one, and said so)."""
    if fd is None:
        return True  # a method that does not apply is shown as such, not as a failure
    if math.isinf(fd.error_bound) and fd.status == "warning":
        return True  # it could not certify an answer here: its reason is shown, nothing was claimed
    with mpmath.workdps(30):
        if not (math.isfinite(fd.value) and mpmath.isfinite(ref)):
            return False
        return bool(abs(mpmath.mpf(fd.value) - ref) <= fd.error_bound)


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


def _row(
    f: sp.Expr,
    wrt: tuple[str, ...],
    point: dict[str, sp.Expr],
    floats: dict[str, float],
    gradient: Mapping[str, float],
    tape: Tape,
    trace: Trace,
    settings: _Settings,
) -> Row:
    derivative = _derivative(f, wrt, settings.limits)
    derivative_tape = Tape(derivative, limits=settings.limits)
    used = {k: floats[k] for k in derivative_tape.variables}
    ref = reference.value(derivative_tape.graph, {k: point[k] for k in used}, settings.dps)
    bound = tolerance.rounding_bound(derivative_tape.graph, list(used.values()))
    symbolic = _method(float(derivative_tape.value(used)), ref, bound)
    autodiff = _method(_autodiff(f, wrt, floats, gradient, settings.limits), ref, bound)
    fd, note = _finite(f, wrt, floats, settings)
    finite_ok = _finite_agrees(fd, ref)
    explanations = tuple(explain_row(tape.graph, trace, derivative, wrt, point, settings.dps))
    verdict: Verdict = (
        "explained" if explanations else "agree" if _all_agree(symbolic, autodiff, finite_ok) else "disagree"
    )
    return Row(wrt, derivative, symbolic, autodiff, fd, finite_ok, ref, verdict, explanations, note)


def compare(
    expr: ExprLike,
    at: Mapping[str, Any],
    wrt: VariableLike | Sequence[VariableLike] | None = None,
    order: int = 1,
    *,
    fd: Method = "auto",
    h: float | None = None,
    dps: int = 50,
    limits: Limits = DEFAULT_LIMITS,
) -> Comparison:
    """Every requested partial derivative at a point, by every method, with a verdict.

    Args:
        expr: expression text, a program, or a SymPy expression.
        at: the point: name → number (or text such as ``"pi/4"``, read exactly).
        wrt: the variables (default: all); each gives one row of the given ``order``.
            A list of lists asks for mixed partials: ``[["a", "b"]]`` is ∂²f/∂a∂b.
        fd: the finite-difference method; ``h``: its step (None: chosen automatically).
        dps: digits of the mpmath reference.

    Example:
        >>> cmp = compare("a*b + c", at={"a": 2, "b": -3, "c": 10})
        >>> cmp.agree, [float(row.reference) for row in cmp.rows]
        (True, [-3.0, 2.0, 1.0])
    """
    limits.check_dps(dps)
    limits.check_order(order)
    source = parse_program(expr, limits=limits) if isinstance(expr, str) else expr
    tape = Tape(source, limits=limits)
    f = tape.expression
    point = exact_point(at, limits)
    floats = dict(zip(tape.variables, ordered_values(tape.variables, _float_point(point)), strict=True))
    trace = tape.trace(floats)
    gradient = tape.gradient(floats)
    settings = _Settings(fd, h, dps, limits)
    rows = tuple(_row(f, w, point, floats, gradient, tape, trace, settings) for w in _requested(f, wrt, order))
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
