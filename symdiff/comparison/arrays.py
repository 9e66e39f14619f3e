"""The comparison for array programs: each parameter tensor's gradient, checked along directions.

A gradient of 769 entries is not checked one partial at a time. Each input tensor gets a row:

* a small tensor (at most ``elements`` entries) is checked element by element: its direction
  is each unit vector, and the check is the partial derivative of that element;
* a larger one along a few random directions v (seeded): the check is the directional
  derivative ∇f·v, as PyTorch's gradcheck does in its fast mode.

For each direction there are four numbers, as for scalars: the symbolic gradient's (the
matrix formula ∂L/∂W = δ xᵀ evaluated), the tape's (∇f·v from its gradient), a finite
difference along the direction with an error bound that really bounds it, and a reference at
``dps`` digits computed by the same machinery at high precision. The formula and the tape
agree when they are within a float64 rounding allowance of the reference; the finite
difference when the reference is within its bound. A finite difference without a bound
confirms nothing, and the verdict says so. A kink at the point (relu at 0 in element (3, 7))
is named by node and element, with the one-sided directional derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np

from ..errors import SymdiffError
from ..finite import FiniteDifference, Method
from ..finite.arrays import DirectionalDerivatives, directional_reference
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives.shapes import Shape, elements
from ..tape.array_tape import ArrayTape
from ..tape.trace import Trace, TraceRow

Verdict = Literal["agree", "explained", "disagree", "unconfirmed"]


@dataclass(frozen=True)
class _Settings:
    finite: DirectionalDerivatives  # compiled once for every direction
    dps: int
    limits: Limits


UNIT_ROUNDOFF = 2.0**-53
# The tape's float64 gradient may be this many ulps of Σ|∂f/∂xᵢ·vᵢ| off per operation of the
# tape: an allowance, generous for ordinary programs, far below any wrong rule.
ROUNDING_ULPS_PER_OPERATION = 64
ELEMENTS = 16  # tensors up to this size are checked element by element
DIRECTIONS = 2  # larger ones along this many random directions


@dataclass(frozen=True)
class Check:
    """One direction along which one tensor's gradient is checked.

    Attributes:
        direction: how people read it: ``element (3, 7)`` or ``random direction 1``.
        element: the element's index for an element-wise check (``()`` for a scalar), else None.
        symbolic: the matrix formula's value along the direction (None when there is no formula).
        autodiff: the tape's directional derivative ∇f·v (its partial, for an element).
        finite: the finite difference along the direction, with its bound (None: refused, see note).
        reference: the directional derivative at ``dps`` digits.
        allowance: how far the tape's float64 value may honestly be from the reference.
        verdict: agree; explained (a kink, with one-sided derivatives between which every value
            lies); unconfirmed (the tape agrees, the finite difference could not be bounded);
            disagree.
        explanation: why, when the verdict is not a plain agreement.
        one_sided: the directional derivatives from each side, at a kink.
    """

    direction: str
    element: tuple[int, ...] | None
    symbolic: float | None
    autodiff: float
    finite: FiniteDifference | None
    reference: mpmath.mpf
    allowance: float
    verdict: Verdict
    explanation: str = ""
    finite_note: str = ""
    one_sided: tuple[mpmath.mpf, mpmath.mpf] | None = None
    vector: np.ndarray | None = field(default=None, repr=False)  # a random direction itself

    @property
    def autodiff_error(self) -> float:
        return _error(self.autodiff, self.reference)

    @property
    def symbolic_error(self) -> float:
        return math.nan if self.symbolic is None else _error(self.symbolic, self.reference)

    @property
    def finite_error(self) -> float:
        return math.nan if self.finite is None else _error(float(self.finite.value), self.reference)


@dataclass(frozen=True)
class TensorRow:
    """One input's gradient and the checks along which it was compared.

    Attributes:
        name, shape: the input and its declared shape.
        formula: the symbolic gradient, as text (``δ₁ xᵀ``); empty when there is none.
        gradient: the tape's gradient (summed over samples for a parameter; one per sample for data).
        mode: ``elements`` or ``directions``.
        checks: the checks, in order.
    """

    name: str
    shape: Shape
    formula: str
    gradient: Any
    mode: Literal["elements", "directions"]
    checks: tuple[Check, ...]

    @property
    def worst(self) -> Check:
        """The check where the tape is furthest from the reference (errors relative to their allowance)."""
        return max(self.checks, key=lambda c: _ratio(c.autodiff_error, c.allowance))

    @property
    def verdict(self) -> Verdict:
        return worst_verdict(c.verdict for c in self.checks)


@dataclass(frozen=True)
class ArrayComparison:
    """Every input's gradient of an array program at a point, by every method, with a verdict.

    ``agree`` is true when no check disagrees (an unconfirmed finite difference is said, not
    counted as a disagreement). Print it for a table; ``to_json``, ``to_latex`` and
    ``to_markdown`` for other formats.
    """

    function: str
    source: str
    shapes: Mapping[str, Shape]
    point: Mapping[str, Any] = field(repr=False)
    samples: int | None
    value: float
    rows: tuple[TensorRow, ...]
    dps: int
    method: str
    seed: int
    trace: Trace = field(repr=False, compare=False)
    definitions: tuple[str, ...] = ()  # the formulas' shared parts, as text (δ₁ = …)
    symbolic_note: str = ""  # why there is no symbolic column, when there is none

    @property
    def agree(self) -> bool:
        return all(row.verdict != "disagree" for row in self.rows)

    @property
    def kinks(self) -> list[TraceRow]:
        return self.trace.kinks

    def __str__(self) -> str:
        from ..render import array_comparison

        return array_comparison.text(self)

    def to_text(self) -> str:
        return str(self)

    def to_json(self) -> str:
        from ..render import array_comparison

        return array_comparison.json_text(self)

    def to_latex(self) -> str:
        from ..render import array_comparison

        return array_comparison.latex(self)

    def to_markdown(self) -> str:
        from ..render import array_comparison

        return array_comparison.markdown(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """disagree over unconfirmed over explained over agree."""
    found = set(verdicts)
    return next((v for v in ("disagree", "unconfirmed", "explained") if v in found), "agree")


def _error(value: float, reference: mpmath.mpf) -> float:
    if not (math.isfinite(value) and mpmath.isfinite(reference)):
        same = math.isinf(value) and mpmath.isinf(reference) and (value > 0) == (reference > 0)
        return 0.0 if same or (math.isnan(value) and mpmath.isnan(reference)) else math.nan
    with mpmath.workdps(30):
        return float(abs(mpmath.mpf(value) - reference))


def _ratio(error: float, allowance: float) -> float:
    if math.isnan(error):
        return math.inf
    return error / allowance if allowance > 0 else (math.inf if error > 0 else 0.0)


Direction = tuple[str, tuple[int, ...] | None, np.ndarray]  # (description, element, direction)


def _directions(value: np.ndarray, elementwise: int, count: int, rng: np.random.Generator) -> list[Direction]:
    """The checks of one input: each element of a small one, random unit directions for a larger one.

    A direction has the value's own shape, a sample axis included (data is checked per sample).
    """
    full = np.shape(value)
    found: list[Direction] = []
    if elements(full) <= elementwise:
        for index in np.ndindex(*full):  # () once for a scalar
            v = np.zeros(full)
            v[index] = 1.0
            where: tuple[int, ...] = tuple(index)
            label = "the scalar" if not where else f"element {where[0] if len(where) == 1 else where}"
            found.append((label, where, v))
        return found
    for k in range(1, count + 1):
        v = rng.standard_normal(full)
        found.append((f"random direction {k}", None, v / np.linalg.norm(v)))
    return found


def compare_arrays(
    tape: ArrayTape,
    at: Mapping[str, Any],
    wrt: Sequence[str] | None = None,
    *,
    fd: Method = "auto",
    h: float | None = None,
    dps: int = 50,
    elementwise: int = ELEMENTS,
    directions: int = DIRECTIONS,
    seed: int = 0,
    limits: Limits = DEFAULT_LIMITS,
) -> ArrayComparison:
    """Check every input's gradient of an array program at a point (see the module's docstring).

    Args:
        tape: the program's tape.
        at: the point: name → number or array (data may carry a leading sample axis).
        wrt: the inputs to check (default: all).
        elementwise: tensors with at most this many entries are checked element by element.
        directions: how many random directions for the others.
        seed: the random directions' seed (the same seed, the same directions).
    """
    limits.check_dps(dps)
    names = list(tape.variables) if wrt is None else [str(n) for n in wrt]
    unknown = [n for n in names if n not in tape.variables]
    if unknown:
        raise SymdiffError(
            f"{', '.join(unknown)} is not an input of the program (its inputs: {', '.join(tape.variables)})"
        )
    point = tape.point(at)
    values = dict(zip(tape.variables, point.arrays, strict=True))
    value, gradient = tape.value_and_gradient(values)
    trace = tape.trace(values)
    rng = np.random.default_rng(seed)
    operations = len(tape.graph.operations)
    settings = _Settings(DirectionalDerivatives(tape, fd, h=h, limits=limits), dps, limits)
    formulas, symbolic, note = _formulas(tape, names, values, limits)
    rows = []
    for name in names:
        found = _directions(values[name], elementwise, directions, rng)
        sym = None if symbolic is None else np.asarray(symbolic[name], dtype=float)
        checks = [_check(tape, values, name, gradient[name], sym, d, operations, trace, settings) for d in found]
        mode: Literal["elements", "directions"] = "elements" if found and found[0][1] is not None else "directions"
        formula = formulas.formula_text(name) if formulas is not None else ""
        rows.append(TensorRow(name, tape.shapes[name], formula, gradient[name], mode, tuple(checks)))
    total = float(np.sum(value))
    function = tape.program.output.name
    shared = () if formulas is None else _shared(formulas)
    return ArrayComparison(
        function,
        str(tape.program),
        tape.shapes,
        values,
        point.samples,
        total,
        tuple(rows),
        dps,
        fd,
        seed,
        trace,
        shared,
        note,
    )


def _formulas(
    tape: ArrayTape, names: list[str], values: Mapping[str, Any], limits: Limits
) -> tuple[Any, dict[str, Any] | None, str]:
    """The symbolic gradient (verified as it is built) and its values at the point, or why there is none."""
    from ..symbolic.matrix import matrix_gradient

    try:
        formulas = matrix_gradient(tape.program, names)
        return formulas, formulas.evaluate(values), ""
    except SymdiffError as refusal:
        return None, None, str(refusal)


def _shared(formulas: Any) -> tuple[str, ...]:
    """The shared parts the formulas use (δ₁ = …), as their text view writes them."""
    return tuple(line for line in formulas.to_text().splitlines() if line.startswith("δ"))


def _check(
    tape: ArrayTape,
    values: dict[str, np.ndarray],
    name: str,
    gradient: Any,
    symbolic_gradient: np.ndarray | None,
    direction: tuple[str, tuple[int, ...] | None, np.ndarray],
    operations: int,
    trace: Trace,
    settings: _Settings,
) -> Check:
    label, element, v = direction
    along = {n: (v if n == name else np.zeros_like(a)) for n, a in values.items()}
    g = np.asarray(gradient, dtype=float)
    autodiff = _along(g, element, v)
    symbolic = None if symbolic_gradient is None else _along(symbolic_gradient, element, v)
    allowance = ROUNDING_ULPS_PER_OPERATION * (operations + 2) * UNIT_ROUNDOFF * float(np.sum(np.abs(g * v)))
    try:
        finite: FiniteDifference | None = settings.finite(values, along)
        note = ""
    except SymdiffError as refusal:
        finite, note = None, str(refusal)
    found = directional_reference(tape, values, along, dps=settings.dps, limits=settings.limits)
    reference, sides = found.value, None
    if not mpmath.isfinite(found.error_bound):
        # The line is not smooth around the point (a kink, or a node whose kink it cannot rule out):
        # the derivatives from each side say whether ∇f·v exists; the reference is their average.
        sides = _one_sided(settings.finite, values, along, settings.dps)
        with mpmath.workdps(settings.dps):
            reference = (sides[0] + sides[1]) / 2
        if _same(*sides, settings.dps):
            sides = None

    def made(verdict: Verdict, explanation: str = "") -> Check:
        vector = None if element is not None else v
        return Check(
            label, element, symbolic, autodiff, finite, reference, allowance, verdict, explanation, note, sides, vector
        )

    ad_ok = all(
        _error(x, reference) <= allowance or (math.isnan(x) and mpmath.isnan(reference))
        for x in (autodiff, symbolic)
        if x is not None
    )
    bound = math.inf if finite is None else float(finite.error_bound)
    fd_ok = finite is not None and math.isfinite(bound) and _error(float(finite.value), reference) <= bound + 1e-300
    if sides is not None:
        lo, hi = min(sides), max(sides)
        answers = [(autodiff, allowance)] + ([(symbolic, allowance)] if symbolic is not None else [])
        if finite is not None and math.isfinite(bound):
            answers.append((float(finite.value), bound))
        if all(lo - slack <= x <= hi + slack for x, slack in answers):
            where = _kink_here(trace) or "a kink on the line"
            message = (
                f"{where}: along this direction the derivative does not exist here; from each side it is "
                f"{mpmath.nstr(sides[0], 6)} and {mpmath.nstr(sides[1], 6)}, and every method gives a value between"
            )
            return made("explained", message)
        return made("disagree")
    if ad_ok and fd_ok:
        return made("agree")
    if ad_ok and not math.isfinite(bound):
        reason = note or (finite.reason if finite is not None else "")
        return made("unconfirmed", f"the finite difference has no bound ({reason}): it confirms nothing")
    return made("disagree")


def _along(gradient: np.ndarray, element: tuple[int, ...] | None, v: np.ndarray) -> float:
    """A gradient's partial for an element, or its directional derivative along v."""
    return float(gradient[element]) if element is not None else float(np.sum(gradient * v))


def _same(left: mpmath.mpf, right: mpmath.mpf, dps: int) -> bool:
    """Are two one-sided derivatives the same number, to the quarter of the digits their quotients keep?"""
    with mpmath.workdps(dps):
        scale = max(mpmath.mpf(1), abs(left), abs(right))
        return bool(abs(left - right) <= scale * mpmath.mpf(10) ** (-(dps // 4)))


def _one_sided(
    finite: DirectionalDerivatives, values: Mapping[str, Any], along: Mapping[str, Any], dps: int
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The directional derivatives from each side, by one-sided quotients at ``dps`` digits.

    A kink makes g piecewise smooth: with a step of 10^(-dps/2) each quotient is good to about
    half the digits, plenty to tell two slopes apart and to see that a value lies between them.
    """
    finite.line.aim(values, along)
    model = finite.line.model
    digits = dps + 10
    with mpmath.workdps(digits):
        step = mpmath.mpf(10) ** (-(dps // 2))
        here = model.mpmath_value(0, digits)
        left = (here - model.mpmath_value(-step, digits)) / step
        right = (model.mpmath_value(step, digits) - here) / step
    return left, right


def _kink_here(trace: Trace) -> str | None:
    """The first node of the trace at its kink, as people read it: ``relu(v2) at element (3, 7)``."""
    for row in trace.kinks:
        assert row.kink is not None
        elements = row.kink.elements
        where = f" at element {elements[0][0] if len(elements[0]) == 1 else elements[0]}" if elements else ""
        more = f" (and {len(elements) - 1} more)" if len(elements) > 1 else ""
        return f"{row.equation} has a {row.kink.kind} ({row.kink.note}){where}{more}"
    return None
