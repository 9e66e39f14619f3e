"""The public entry points: ``FiniteDifferences`` (compile once, call many times) and helpers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import EvaluationError, MethodError, SymdiffError, check_choice, check_whole, describe
from ..language.parser import Program
from ..limits import DEFAULT_LIMITS, Limits, serialized, serialized_class
from ..primitives import intervals
from ..symbolic.derivatives import variable_list
from ..tape.points import checked_point, ordered_values, real_number
from . import METHODS, Method, fast, methods
from .function import Function
from .lines import COMPLEX_STEP, NOT_A_POINT, OVERFLOW, ComplexLine, DifferenceLine, Estimate, Line, ValueLine
from .result import FiniteDifference, status_and_reason, within_tolerance
from .stencils import MAX_DERIVATIVE, Stencil, stencil

STENCIL_METHODS = ("forward", "backward", "central")


@serialized_class
class FiniteDifferences:
    """A derivative by finite differences, compiled once for fast repeated calls.

    Args:
        expr: expression text, a program, or a SymPy expression.
        wrt: a variable, or two variables for a mixed partial (``["x", "y"]`` is ∂²f/∂x∂y).
        order: 1 to 10 (with a single ``wrt``).
        method: ``auto`` (complex step where the expression is analytic, else Richardson; for
            orders above 2, central differences at 50 digits),
            ``forward``, ``backward``, ``central`` (one stencil), ``richardson``, ``complex``
            or ``mpmath``.
        h: the step. Given, it is used as is (teaching mode): ``forward`` computes exactly
            (f(x + h) - f(x))/h. Omitted, a step is chosen. For ``richardson`` it is the first
            step, for ``complex`` the imaginary step (default 2⁻⁶⁶⁴ ≈ 1e-200).
        accuracy: the order of accuracy of the stencil (default 1 for forward and backward,
            2 for central, 4 for mpmath).
        dps: decimal digits for ``mpmath`` (default 50).

    Calling it with a point (a dict of values; arrays broadcast) returns a ``FiniteDifference``.

    Example:
        >>> fd = FiniteDifferences("3x^2 - 4x + 5", "x", method="forward", h=0.001)
        >>> fd({"x": 3}).value
        14.00300000000243
        >>> FiniteDifferences("3x^2 - 4x + 5", "x")({"x": 3}).value  # complex step
        14.0
    """

    def __init__(
        self,
        expr: str | sp.Basic | Program | Function,
        wrt: str | sp.Symbol | Sequence[str | sp.Symbol],
        order: int = 1,
        method: Method = "auto",
        *,
        h: float | None = None,
        accuracy: int | None = None,
        dps: int | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ):
        self.wrt = _wrt(wrt, order)
        limits.check_order(len(self.wrt))
        self.function = expr if isinstance(expr, Function) else Function(expr, bounding_limits(limits, len(self.wrt)))
        self.method = check_choice("method", method, METHODS)
        self.h = checked_step(h, self.method)
        if accuracy is not None:
            check_whole("accuracy", accuracy)
            if self.method not in (*STENCIL_METHODS, "mpmath"):
                raise SymdiffError(f"accuracy sets the stencil of forward, backward, central or mpmath, not {method}")
        self.accuracy = accuracy
        if dps is not None and self.method != "mpmath":
            raise SymdiffError("dps sets the precision of method='mpmath'; the other methods work in float64")
        self.dps = 50 if dps is None else dps
        limits.check_dps(self.dps)
        if self.method in STENCIL_METHODS:
            order = 1 if self._mixed else len(self.wrt)
            self.stencil: Stencil | None = stencil(self.method, order, accuracy)  # type: ignore[arg-type]
        else:
            self.stencil = None
        if self.method == "complex" and len(self.wrt) > 2:
            raise MethodError(
                "the complex step gives first derivatives (and, with a difference, second ones); "
                f"for order {len(self.wrt)} use method='richardson' or 'central'"
            )
        if self.method == "complex" and self.function.not_analytic:
            p = self.function.not_analytic[0]
            where = f" ({p.nondiff.note})" if p.nondiff is not None else ""
            raise MethodError(
                f"the complex step needs an analytic expression, but {p.name} is not{where}; "
                "use method='richardson' or 'central'"
            )
        self._absent = any(name not in self.function.variables for name in self.wrt)
        self._plan: fast.StencilPlan | None = None  # built on the first call at a point of floats
        self._plans = methods.Plans()  # Richardson tables, built on first use
        self._detail = self._stencil_detail(self.stencil, "") if self.stencil is not None else ""

    @property
    def _mixed(self) -> bool:
        return len(self.wrt) == 2 and self.wrt[0] != self.wrt[1]

    def _resolved(self) -> str:
        """The method ``auto`` stands for: the complex step where f is analytic, else Richardson; for
        orders above 2 differences at 50 digits, since in float64 their stencils lose most digits to rounding."""
        if self.method != "auto":
            return self.method
        if len(self.wrt) > 2:
            return "mpmath"
        return "richardson" if self.function.not_analytic else "complex"

    def __call__(self, at: Mapping[str, Any]) -> FiniteDifference:
        values, point = _values(self.function.variables, at)
        if self._absent:
            return self._zero(values, point)
        # nan and ±inf stay off the fast path: they are not points to differentiate at.
        outcome = self._fast(values) if _all_floats(values) and _not_a_point(values) is None else None
        return self._result(outcome or self._general(values), values, point)

    def _fast(self, values: list[Any]) -> _Outcome | None:
        """One point of finite floats, and a method with a fast path (see ``fast``); else None.

        Python floats raise where NumPy gives inf (x² at 1e300 squares h² = 1e600 in the
        bound): then the general path, on NumPy, takes over. The ``try`` costs nothing.
        """
        try:
            return self._fast_estimate(values)
        except (ArithmeticError, ValueError):
            return None

    def _fast_estimate(self, values: list[Any]) -> _Outcome | None:
        fn = self.function
        k = fn.index_of(self.wrt[-1])
        if len(self.wrt) == 1 and (self.method == "complex" or (self.method == "auto" and not fn.not_analytic)):
            h = COMPLEX_STEP if self.h is None else self.h
            return _Outcome(fast.complex_step(fn, values, k, h), "complex step", None, (0, 0))
        if self.stencil is None or self._mixed:
            return None
        if self._plan is None:
            self._plan = fast.StencilPlan(fn, k, self.stencil)
        step = self.h if self.h is not None else self._plan.step(values)
        estimate = self._plan(values, step, automatic=self.h is None)
        if estimate is None:
            return None
        return _Outcome(estimate, self._detail, self.stencil, self.stencil.span)

    # -- dispatch ---------------------------------------------------------------------------------

    def _general(self, values: list[Any]) -> _Outcome:
        """``_estimate``, except at points with a nan or infinite coordinate: there the value is
        nan and the bound inf, whatever the method (an array's other points are estimated)."""
        bad = _not_a_point(values)
        if bad is None:
            return self._estimate(values)
        if np.ndim(bad) == 0:
            nothing = Estimate(math.nan, math.inf, math.inf, math.nan, NOT_A_POINT, 0, 0)
            return _Outcome(nothing, "no estimate: the point is not finite", None, (0, 0))
        outcome = self._estimate([np.where(bad, 1.0, v) for v in values])  # any finite stand-in will do
        e = outcome.estimate
        marked = dataclasses.replace(
            e,
            value=np.where(bad, math.nan, e.value),
            truncation=np.where(bad, math.inf, e.truncation),
            rounding=np.where(bad, math.inf, e.rounding),
            code=np.where(bad, NOT_A_POINT, e.code),
        )
        return dataclasses.replace(outcome, estimate=marked)

    def _estimate(self, values: list[Any]) -> _Outcome:
        fn = self.function
        k, inner = fn.index_of(self.wrt[-1]), fn.index_of(self.wrt[0])
        method = self._resolved()
        if method == "mpmath":
            return self._mpmath(values)
        if method == "complex" and len(self.wrt) == 1:
            h = COMPLEX_STEP if self.h is None else self.h
            return _Outcome(methods.complex_first_derivative(fn, values, k, h), "complex step", None, (0, 0))
        if method == "complex":  # a second derivative: complex step in one variable, a difference in the other
            outer = "richardson" if self.method == "auto" else "central"
            return self._on_line(ComplexLine(fn, k, inner), values, outer, 1, f"complex step in {self.wrt[0]}, then ")
        if self._mixed:
            kind = method if method in STENCIL_METHODS else "central"
            inner_stencil = stencil(kind, 1, self.accuracy if kind == method else None)  # type: ignore[arg-type]
            step = self.h if self.h is not None and kind == method else None
            if step is None:
                step = methods.automatic_step(fn, ValueLine(fn, inner), values, inner_stencil)
            line: Line = DifferenceLine(fn, k, inner, inner_stencil, step)
            return self._on_line(line, values, method, 1, f"{inner_stencil.kind} difference in {self.wrt[0]}, then ")
        return self._on_line(ValueLine(fn, k), values, method, len(self.wrt), "")

    def _on_line(self, line: Line, values: list[Any], method: str, derivative: int, label: str) -> _Outcome:
        fn = self.function
        if method == "richardson":
            estimate, family = methods.richardson(fn, line, values, derivative, self.h, self._plans)
            detail = f"{label}Richardson ({family.name})"
            chosen = None
            if (
                np.ndim(estimate.entry) == 0
                and estimate.code != methods.NOT_DIFFERENTIABLE
                and np.isfinite(estimate.value)
            ):
                chosen = methods.table_entries(family, methods.ROWS)[int(estimate.entry)][0]  # cheap: no weights
                detail += f", column {family.columns.index(chosen)} (accuracy {chosen.accuracy})"
            plain = chosen if isinstance(line, ValueLine) else None  # a formula on f itself
            outcome = _Outcome(estimate, detail, plain, chosen.span if chosen else (-1, 1))
            return self._better_central(outcome, line, values, derivative, label) if self.method == "auto" else outcome
        used = self.stencil if self.stencil is not None else stencil("central", derivative)
        estimate = methods.stencil_at_step(line, values, used, self.h)
        plain = used if isinstance(line, ValueLine) else None  # a formula on f itself
        return _Outcome(estimate, self._stencil_detail(used, label), plain, used.span)

    def _better_central(
        self, outcome: _Outcome, line: Line, values: list[Any], derivative: int, label: str
    ) -> _Outcome:
        """``auto`` keeps the smaller certified bound of Richardson's and the central stencil's at its own step.

        Richardson starts from the function's natural scale; where that estimate is off, the
        automatic central step (balanced on the truncation derivative) can do far better.
        """
        mine = outcome.estimate
        if np.ndim(values[line.k]) != 0 or mine.code not in (methods.OK, methods.UNBOUNDED):
            return outcome
        if mine.code == methods.OK and within_tolerance(float(mine.value), float(mine.truncation + mine.rounding)):
            return outcome  # already as good as "ok" asks: the central stencil's bound costs a higher derivative
        used = stencil("central", derivative)
        central = methods.stencil_at_step(line, values, used, None)
        if central.code != methods.OK:
            return outcome
        theirs = central
        if mine.code == methods.OK and mine.truncation + mine.rounding <= theirs.truncation + theirs.rounding:
            return outcome
        central.evaluations += mine.evaluations
        plain = used if isinstance(line, ValueLine) else None
        return _Outcome(central, self._stencil_detail(used, label), plain, used.span)

    @staticmethod
    def _stencil_detail(used: Stencil, label: str) -> str:
        return f"{label}{used.kind} difference, accuracy {used.accuracy}"

    def _mpmath(self, values: list[Any]) -> _Outcome:
        fn = self.function
        index = tuple(fn.index_of(name) for name in self.wrt)
        accuracy = 4 if self.accuracy is None else self.accuracy
        detail = f"central difference, accuracy {accuracy}, at {self.dps} digits"
        shape = np.shape(values[0])
        if not shape:
            estimate, digits = methods.high_precision(fn, values, index, self.dps, accuracy)
            return _Outcome(estimate, detail, None, (-2, 2), digits)
        points = [
            methods.high_precision(fn, [float(v[i]) for v in values], index, self.dps, accuracy)[0]
            for i in np.ndindex(shape)
        ]
        value, truncation, rounding, step, code = (
            np.reshape([getattr(e, name) for e in points], shape)
            for name in ("value", "truncation", "rounding", "step", "code")
        )
        estimate = Estimate(value, truncation, rounding, step, code, 0, points[0].evaluations)
        return _Outcome(estimate, detail, None, (-2, 2))

    # -- results ----------------------------------------------------------------------------------

    def _result(self, outcome: _Outcome, values: list[Any], point: dict[str, Any]) -> FiniteDifference:
        estimate = outcome.estimate
        if self.method in ("forward", "backward") and not self._mixed:
            estimate = self._at_a_kink(estimate, values)
        if np.any(np.asarray(estimate.code) != methods.OK):  # where f is undefined no estimate is ok
            estimate = self._where_f_is_defined(estimate, values)
        value = _plain(estimate.value)
        truncation, rounding = _plain(estimate.truncation), _plain(estimate.rounding)
        scalar = type(value) is float and type(truncation) is float and type(estimate.code) is int
        if scalar:  # one point: plain floats, no NumPy on the fast path
            ok = estimate.code == methods.OK
            truncation = truncation if ok else math.inf  # off a smooth interval the analysis does not apply
            step = float(estimate.step)
        else:
            ok_mask = np.asarray(estimate.code) == methods.OK
            truncation = _plain(np.where(ok_mask, truncation, np.inf))
            ok = bool(np.all(ok_mask))
            step = _plain(np.broadcast_to(estimate.step, np.shape(value)))
        culprit = ""
        if not ok:
            estimate = self._overflow(estimate, values, outcome.span)
            culprit = self._culprit(estimate, values, outcome.span)
        status, reason = status_and_reason(estimate, culprit, self._fix())
        certified = outcome.detail == "complex step"  # its bound is certified as a whole
        method = self._resolved()
        return FiniteDifference(
            value=value,
            error_bound=_plain(_total(truncation, rounding)),
            step=step,
            method=method,
            evaluations=int(estimate.evaluations),
            status=status,
            reason=reason,
            truncation=None if certified else truncation,
            rounding=None if certified else rounding,
            detail=outcome.detail,
            expression=self.function.expression,
            wrt=self.wrt,
            point=point,
            stencil=outcome.stencil,
            digits=outcome.digits,
        )

    def _where_f_is_defined(self, estimate: Estimate, values: list[Any]) -> Estimate:
        """No value where f itself is undefined: the derivative of log at -1 is not π/h = 2.4e200, what the
        complex step finds on the complex continuation. (Where f is ±inf, an overflow or a pole, the
        stencil's ±inf or nan says as much.)"""
        with np.errstate(all="ignore"):
            undefined = np.isnan(self.function.f.array(values))
        if not np.any(undefined):
            return estimate
        return dataclasses.replace(
            estimate,
            value=_plain(np.where(undefined, math.nan, estimate.value)),
            truncation=_plain(np.where(undefined, math.inf, estimate.truncation)),
            rounding=_plain(np.where(undefined, math.inf, estimate.rounding)),
        )

    def _at_a_kink(self, estimate: Estimate, values: list[Any]) -> Estimate:
        """A one-sided stencil at a kink gives a one-sided slope, not the derivative: say so.

        f is checked on a tiny interval around x; where it is not smooth there (abs at 0) the
        estimate is flagged as one-sided. (x·|x| at 0 is flagged too, though its derivative exists.)
        """
        k = self.function.index_of(self.wrt[0])
        x = values[k]
        tiny = methods.smallest_step(np.asarray(x))
        boxes = [(v, v) for v in values]
        with np.errstate(invalid="ignore"):  # x may be nan or inf: that point is flagged already
            boxes[k] = (_plain(x - tiny), _plain(x + tiny))
        smooth = self.function.f.enclose(boxes)[2]
        if np.all(smooth):
            return estimate
        code = np.where(
            (np.asarray(estimate.code) == methods.OK) & ~np.asarray(smooth), methods.ONE_SIDED, estimate.code
        )
        return dataclasses.replace(estimate, code=_plain(code) if np.ndim(code) else int(code))

    def _overflow(self, estimate: Estimate, values: list[Any], span: tuple[Any, Any]) -> Estimate:
        """Recode "not smooth" and "not finite" as overflow where f is smooth but beyond the floats.

        exp at 1000 is smooth; only its value, inf in floats, makes the formula fail. A pole
        (1/x at 0) or a domain edge makes the enclosure non-smooth and keeps its code.
        """
        code = np.asarray(estimate.code)
        candidates = (code == methods.NOT_SMOOTH) | (code == methods.NOT_FINITE)
        if not np.any(candidates):
            return estimate
        k = self.function.index_of(self.wrt[-1])
        h = np.where(np.isfinite(estimate.step), estimate.step, 0.0)
        lo, hi = methods.outward_box(np.asarray(values[k], dtype=float), h, *map(Fraction, span))
        boxes = [(v, v) for v in values]
        boxes[k] = (_plain(lo), _plain(hi))
        f_lo, f_hi, smooth = self.function.f.enclose(boxes)
        with np.errstate(invalid="ignore"):
            overflow = candidates & np.asarray(smooth) & ~(np.isfinite(f_lo) & np.isfinite(f_hi))
        if not np.any(overflow):
            return estimate
        recoded = np.where(overflow, OVERFLOW, code)
        return dataclasses.replace(estimate, code=_plain(recoded) if np.ndim(recoded) else int(recoded))

    def _culprit(self, estimate: Estimate, values: list[Any], span: tuple[Any, Any]) -> str:
        """What went wrong at the first point that is not ok, for the message: the primitive
        that is not smooth on the stencil's interval, the coordinates that are not finite,
        or where f overflows."""
        code = np.asarray(estimate.code)
        named = (methods.NOT_SMOOTH, methods.ONE_SIDED, NOT_A_POINT, OVERFLOW, methods.JUMP)
        troubled = np.isin(code, named)
        if not np.any(troubled):
            return ""
        first = int(np.flatnonzero(troubled.ravel())[0])
        pick = [float(np.asarray(v).ravel()[first]) if np.ndim(v) else float(v) for v in values]
        kind = code.ravel()[first]
        if kind == NOT_A_POINT:
            names = self.function.variables
            return ", ".join(f"{n} = {v}" for n, v in zip(names, pick, strict=True) if not math.isfinite(v))
        if kind == methods.ONE_SIDED:
            span = (-1, 1)
        if kind == methods.JUMP:
            span = (0, 0)  # the kink at the point itself
        h = float(np.broadcast_to(estimate.step, code.shape).ravel()[first])
        k = self.function.index_of(self.wrt[-1])
        if kind == OVERFLOW:  # f itself, not one primitive: name the whole point
            where = ", ".join(f"{n} = {v:.6g}" for n, v in zip(self.function.variables, pick, strict=True))
            return f"at {where}" if span == (0, 0) else f"within {h:.3g} of {where}"
        boxes = [(v, v) for v in pick]
        boxes[k] = (pick[k] + float(span[0]) * h, pick[k] + float(span[1]) * h)
        name = self.function.f.intervals.culprit(
            [boxes[self.function.index_of(n)] for n in self.function.f.intervals.inputs]
        )
        if not name:
            return ""
        if span == (0, 0):  # the complex step: the point itself
            return f"{name} at {self.wrt[-1]} = {pick[k]:.6g}"
        return f"{name}, within {h:.3g} of {self.wrt[-1]} = {pick[k]:.6g}"

    def _fix(self) -> str:
        if self.h is not None:
            return "a smaller step, a higher accuracy, or method='auto'"
        return "method='richardson' or 'auto'"

    def _zero(self, values: list[Any], point: dict[str, Any]) -> FiniteDifference:
        shape = np.broadcast_shapes(*(np.shape(v) for v in values))
        zero = _plain(np.zeros(shape))
        return FiniteDifference(
            value=zero,
            error_bound=zero,
            step=_plain(np.full(shape, math.nan)),
            method=self.method,
            evaluations=0,
            status="ok",
            reason="",
            truncation=zero,
            rounding=zero,
            detail=f"{', '.join(self.wrt)} does not occur in the expression: the derivative is 0",
            expression=self.function.expression,
            wrt=self.wrt,
            point=point,
        )


@dataclass(frozen=True)
class _Outcome:
    estimate: Estimate
    detail: str
    stencil: Stencil | None
    span: tuple[Any, Any]
    digits: str = ""


def _total(truncation: Any, rounding: Any) -> Any:
    """truncation + rounding, rounded up so that the total still bounds the error (exact when it is)."""
    if type(truncation) is float and type(rounding) is float:
        return intervals.HELPERS["scalar"]["sum_up"](truncation, rounding)
    if not np.any(truncation):  # the complex step: the bound is all in the rounding part
        return np.broadcast_to(rounding, np.broadcast_shapes(np.shape(truncation), np.shape(rounding)))
    with np.errstate(invalid="ignore"):
        return np.nextafter(np.asarray(truncation, dtype=float) + rounding, np.inf)


def _all_floats(values: list[Any]) -> bool:
    return all(type(v) is float for v in values)


def _not_a_point(values: list[Any]) -> Any:
    """None when every coordinate is finite; else True (one point) or a mask of the points that are not."""
    if _all_floats(values):
        return None if all(math.isfinite(v) for v in values) else True
    bad = np.zeros(np.broadcast_shapes(*(np.shape(v) for v in values)), dtype=bool)
    for v in values:
        bad |= ~np.isfinite(v)
    return bad if np.any(bad) else None


def _plain(value: Any) -> Any:
    if type(value) is float:
        return value
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array


# The truncation bound of a derivative of order d needs derivatives of order d + accuracy: for the
# tenth derivative, the twelfth. Bounds may go this far past max_order (bound_ops still caps their size).
BOUND_ROOM = 4


def bounding_limits(limits: Limits, order: int) -> Limits:
    """The limits the error bounds work under: room above the order asked for its truncation derivatives."""
    if order + BOUND_ROOM <= limits.max_order:
        return limits
    return dataclasses.replace(limits, max_order=order + BOUND_ROOM)


def _wrt(wrt: Any, order: int) -> tuple[str, ...]:
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_DERIVATIVE:
        raise SymdiffError(
            f"finite differences give derivatives of order 1 to {MAX_DERIVATIVE}; got order {describe(order)}"
        )
    names = tuple(v.name for v in variable_list(wrt))
    if len(names) == 1:
        return names * order
    if len(names) not in (1, 2):
        raise SymdiffError(f"give one variable, or two for a mixed partial; got {len(names)}")
    if len(names) == 2 and order != 1:
        raise SymdiffError("give either two variables (a mixed partial) or order=2, not both")
    return names * order


def checked_step(h: Any, method: str) -> float | None:
    """The step h as a float, or None; refused when not a positive finite number or when the method picks its own."""
    if h is None:
        return None
    if method in ("auto", "mpmath"):
        raise EvaluationError(
            f"method={method!r} chooses its own step; give h with forward, backward, central, richardson or complex"
        )
    try:
        step = real_number("the step h", h)
    except EvaluationError:
        raise EvaluationError(f"the step h must be a positive number, got {describe(h)}") from None
    if not (math.isfinite(step) and step > 0):
        raise EvaluationError(f"the step h must be a positive number, got {describe(h)}")
    return step


def _values(variables: Sequence[str], at: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The point's values in variable order, as floats or float arrays (SymPy numbers evaluated)."""
    if type(at) is dict and len(at) == len(variables):
        floats = [at.get(name) for name in variables]
        if all(type(v) is float for v in floats):  # the fast path: a dict of floats
            return floats, dict(zip(variables, floats, strict=True))
    ordered = ordered_values(variables, checked_point(at))
    values: list[Any] = []
    for name, value in zip(variables, ordered, strict=True):
        if isinstance(value, np.ndarray) and value.ndim > 0:
            if value.dtype.kind not in "iuf":
                raise EvaluationError(f"the value of {name} must be real numbers, got an array of {value.dtype}")
            values.append(value.astype(float))
        else:
            values.append(real_number(name, value[()] if isinstance(value, np.ndarray) else value))
    try:
        shape = np.broadcast_shapes(*(np.shape(v) for v in values))
    except ValueError:
        raise EvaluationError("the values' shapes do not broadcast together") from None
    if shape:
        values = [np.broadcast_to(v, shape).astype(float) for v in values]
    return values, dict(zip(variables, values, strict=True))


@serialized
def finite_difference(
    expr: str | sp.Basic | Program,
    wrt: str | sp.Symbol | Sequence[str | sp.Symbol],
    at: Mapping[str, Any],
    method: Method = "auto",
    h: float | None = None,
    order: int = 1,
    dps: int | None = None,
    *,
    accuracy: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FiniteDifference:
    """A derivative by finite differences, with an error bound that really bounds the error.

    Compiles the expression on every call; to differentiate many times, build a
    ``FiniteDifferences`` once and call it (see there for the arguments).

    Example:
        >>> r = finite_difference("3x^2 - 4x + 5", "x", {"x": 3}, method="forward", h=0.001)
        >>> r.value, r.status
        (14.00300000000243, 'warning')
        >>> finite_difference("3x^2 - 4x + 5", "x", {"x": 3}).value
        14.0
    """
    return FiniteDifferences(expr, wrt, order, method, h=h, accuracy=accuracy, dps=dps, limits=limits)(at)


@serialized
def fd_gradient(
    expr: str | sp.Basic | Program,
    at: Mapping[str, Any],
    wrt: Sequence[str] | None = None,
    method: Method = "auto",
    *,
    h: float | None = None,
    accuracy: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, FiniteDifference]:
    """Every first partial derivative by finite differences (variables in natural order unless given).

    Example:
        >>> {name: r.value for name, r in fd_gradient("a*b + c", {"a": 2, "b": -3, "c": 10}).items()}
        {'a': -3.0, 'b': 2.0, 'c': 1.0}
    """
    function = Function(expr, limits)
    names = list(function.variables) if wrt is None else [v.name for v in variable_list(wrt)]
    return {name: FiniteDifferences(function, name, 1, method, h=h, accuracy=accuracy)(at) for name in names}


@serialized_class
@dataclass(frozen=True)
class FiniteDifferenceMatrix:
    """The matrix of second partials ∂²f/∂xᵢ∂xⱼ by finite differences, each with its bound.

    ``value`` and ``error_bound`` are n×n arrays (n×n×… for an array of points); ``entries[i][j]``
    is the full result for one entry (the matrix is symmetric: the entry below the diagonal is
    the one above it).
    """

    variables: tuple[str, ...]
    entries: tuple[tuple[FiniteDifference, ...], ...]

    @property
    def value(self) -> np.ndarray:
        return np.array([[e.value for e in row] for row in self.entries], dtype=float)

    @property
    def error_bound(self) -> np.ndarray:
        return np.array([[e.error_bound for e in row] for row in self.entries], dtype=float)

    @property
    def status(self) -> str:
        return "ok" if all(e.status == "ok" for row in self.entries for e in row) else "warning"

    @property
    def reason(self) -> str:
        for row in self.entries:
            for e in row:
                if e.status != "ok":
                    return f"∂²f/∂{e.wrt[0]}∂{e.wrt[1]}: {e.reason}"
        return ""


@serialized
def fd_hessian(
    expr: str | sp.Basic | Program,
    at: Mapping[str, Any],
    wrt: Sequence[str] | None = None,
    method: Method = "auto",
    *,
    h: float | None = None,
    accuracy: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FiniteDifferenceMatrix:
    """The Hessian by finite differences: second derivatives on the diagonal, mixed partials off it.

    Example:
        >>> fd_hessian("x^2 y + y^3", {"x": 1.0, "y": 2.0}).value
        array([[ 4.,  2.],
               [ 2., 12.]])
    """
    function = Function(expr, limits)
    names = tuple(function.variables) if wrt is None else tuple(v.name for v in variable_list(wrt))
    rows: list[list[FiniteDifference]] = [[] for _ in names]
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if j < i:
                rows[i].append(rows[j][i])
            else:
                rows[i].append(
                    FiniteDifferences(
                        function, [a, b] if a != b else a, 1 if a != b else 2, method, h=h, accuracy=accuracy
                    )(at)
                )
    return FiniteDifferenceMatrix(names, tuple(tuple(row) for row in rows))
