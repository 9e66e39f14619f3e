"""The comparison for array programs: each parameter tensor's gradient, checked along directions.

A gradient of 769 entries is not checked one partial at a time. Each input tensor gets a row:

* a small tensor (at most ``elements`` entries) is checked element by element: its direction
  is each unit vector, and the check is the partial derivative of that element;
* a larger one along a few random directions v (seeded): the check is the directional
  derivative ∇f·v, as PyTorch's gradcheck does in its fast mode.

For each direction there are three numbers, as for scalars: the tape's (∇f·v from its
gradient), a finite difference along the direction with an error bound that really bounds
it, and a reference at ``dps`` digits computed by the same machinery at high precision. The
tape agrees when it is within a float64 rounding allowance of the reference; the finite
difference when the reference is within its bound. A finite difference without a bound
confirms nothing, and the verdict says so. A kink at the point (relu at 0 in element (3, 7))
is named by node and element, with the one-sided directional derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np

from ..errors import SymdiffError
from ..finite import FiniteDifference, Method
from ..finite.arrays import directional_derivative, directional_reference, one_sided_references
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives.shapes import Shape, elements
from ..tape.array_tape import ArrayTape
from ..tape.trace import Trace, TraceRow

Verdict = Literal["agree", "explained", "disagree", "unconfirmed"]
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
    autodiff: float
    finite: FiniteDifference | None
    reference: mpmath.mpf
    allowance: float
    verdict: Verdict
    explanation: str = ""
    finite_note: str = ""
    one_sided: tuple[mpmath.mpf, mpmath.mpf] | None = None

    @property
    def autodiff_error(self) -> float:
        return _error(self.autodiff, self.reference)

    @property
    def finite_error(self) -> float:
        return math.nan if self.finite is None else _error(float(self.finite.value), self.reference)


@dataclass(frozen=True)
class TensorRow:
    """One input's gradient and the checks along which it was compared.

    Attributes:
        name, shape: the input and its declared shape.
        gradient: the tape's gradient (summed over samples for a parameter; one per sample for data).
        mode: ``elements`` or ``directions``.
        checks: the checks, in order.
    """

    name: str
    shape: Shape
    gradient: Any
    mode: Literal["elements", "directions"]
    checks: tuple[Check, ...]

    @property
    def worst(self) -> Check:
        """The check where the tape is furthest from the reference (errors relative to their allowance)."""
        return max(self.checks, key=lambda c: _ratio(c.autodiff_error, c.allowance))

    @property
    def verdict(self) -> Verdict:
        verdicts = {c.verdict for c in self.checks}
        for verdict in ("disagree", "unconfirmed", "explained"):
            if verdict in verdicts:
                return verdict  # type: ignore[return-value]
        return "agree"


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


def _directions(
    name: str, shape: Shape, value: np.ndarray, samples: int | None, elementwise: int, count: int, rng: np.random.Generator
) -> list[tuple[str, tuple[int, ...] | None, np.ndarray]]:
    """(description, element, direction) for one input; the direction has the value's shape (samples too)."""
    full = np.shape(value)
    if elements(full) <= elementwise:
        found = []
        for index in np.ndindex(*full) if full else [()]:
            v = np.zeros(full)
            v[index] = 1.0
            label = "the scalar" if not full else f"element {index[0] if len(index) == 1 else index}"
            found.append((label, tuple(index), v))
        return found
    found = []
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
        raise SymdiffError(f"{', '.join(unknown)} is not an input of the program (its inputs: {', '.join(tape.variables)})")
    point = tape.point(at)
    values = dict(zip(tape.variables, point.arrays, strict=True))
    value, gradient = tape.value_and_gradient(values)
    trace = tape.trace(values)
    rng = np.random.default_rng(seed)
    operations = len(tape.graph.operations)
    rows = []
    for name in names:
        found = _directions(name, tape.shapes[name], values[name], point.samples, elementwise, directions, rng)
        checks = [
            _check(tape, values, name, gradient[name], label, element, v, operations, trace, fd, h, dps, limits)
            for label, element, v in found
        ]
        mode: Literal["elements", "directions"] = "elements" if found and found[0][1] is not None else "directions"
        rows.append(TensorRow(name, tape.shapes[name], gradient[name], mode, tuple(checks)))
    total = float(np.sum(value))
    function = tape.program.output.name
    return ArrayComparison(
        function, str(tape.program), tape.shapes, values, point.samples, total, tuple(rows), dps, fd, seed, trace
    )


def _check(
    tape: ArrayTape,
    values: dict[str, np.ndarray],
    name: str,
    gradient: Any,
    label: str,
    element: tuple[int, ...] | None,
    v: np.ndarray,
    operations: int,
    trace: Trace,
    fd: Method,
    h: float | None,
    dps: int,
    limits: Limits,
) -> Check:
    direction = {n: (v if n == name else np.zeros_like(a)) for n, a in values.items()}
    g = np.asarray(gradient, dtype=float)
    autodiff = float(g[element]) if element is not None else float(np.sum(g * v))
    allowance = ROUNDING_ULPS_PER_OPERATION * (operations + 2) * UNIT_ROUNDOFF * float(np.sum(np.abs(g * v)))
    try:
        finite: FiniteDifference | None = directional_derivative(tape, values, direction, method=fd, h=h, limits=limits)
        note = ""
    except SymdiffError as refusal:
        finite, note = None, str(refusal)
    reference = directional_reference(tape, values, direction, dps=dps)
    ad_ok = _error(autodiff, reference) <= allowance or (math.isnan(autodiff) and mpmath.isnan(reference))
    bounded = finite is not None and math.isfinite(float(finite.error_bound))
    fd_ok = bounded and _error(float(finite.value), reference) <= float(finite.error_bound) + 1e-300
    if ad_ok and (fd_ok or (finite is None and note)):
        return Check(label, element, autodiff, finite, reference, allowance, "agree", "", note)
    kink = _kink_here(trace)
    if kink is not None:
        sides = one_sided_references(tape, values, direction, dps=dps)
        lo, hi = min(sides), max(sides)
        between = all(
            lo - tolerance <= x <= hi + tolerance
            for x, tolerance in ((autodiff, allowance), *([(float(finite.value), float(finite.error_bound))] if bounded else []))
        )
        if between and sides[0] != sides[1]:
            message = (
                f"{kink}: the derivative along this direction does not exist here; from each side it is "
                f"{mpmath.nstr(sides[0], 6)} and {mpmath.nstr(sides[1], 6)}, and every method gives a value between them"
            )
            return Check(label, element, autodiff, finite, reference, allowance, "explained", message, note, sides)
    if ad_ok and not bounded:
        reason = note or (finite.reason if finite is not None else "")
        message = f"the finite difference could not be bounded ({reason}): the tape agrees with the reference, the finite difference confirms nothing"
        return Check(label, element, autodiff, finite, reference, allowance, "unconfirmed", message, note)
    return Check(label, element, autodiff, finite, reference, allowance, "disagree", "", note)


def _kink_here(trace: Trace) -> str | None:
    """The first node of the trace at its kink, as people read it: ``relu(v2) at element (3, 7)``."""
    for row in trace.kinks:
        assert row.kink is not None
        elements = row.kink.elements
        where = f" at element {elements[0][0] if len(elements[0]) == 1 else elements[0]}" if elements else ""
        more = f" (and {len(elements) - 1} more)" if len(elements) > 1 else ""
        return f"{row.equation} has a {row.kink.kind} ({row.kink.note}){where}{more}"
    return None
