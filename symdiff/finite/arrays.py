"""Directional derivatives of array programs by finite differences, with honest error bounds.

Along a direction v (a dict of arrays shaped like the inputs), g(t) = Σ f(θ + t·v) is a
function of one variable whose derivative at 0 is ∇f·v: the check gradcheck's fast mode
makes, here with an error bound that really bounds the error. The sum is over the outputs'
elements and the batch's samples, as the tape's gradient is. Every method of
``FiniteDifferences`` works on g (``array_line.ArrayLine``): the complex step where every
primitive is analytic, Richardson otherwise (``auto``), single stencils, and mpmath.

Example:
    >>> import numpy as np, symdiff as sd
    >>> tape = sd.Tape("w: 3; x: 3; L = tanh(w' x)")
    >>> at = {"w": np.array([0.1, -0.2, 0.3]), "x": np.array([1.0, 2.0, 3.0])}
    >>> r = directional_derivative(tape, at, {"w": np.array([1.0, 0.0, 0.0])})
    >>> r.value, r.method  # ∂L/∂w₀ = x₀·(1 - tanh²(w·x))
    (0.7115777625872229, 'complex')
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from ..errors import SymdiffError
from ..limits import DEFAULT_LIMITS, Limits
from ..tape.array_tape import ArrayTape
from . import methods
from .api import STENCIL_METHODS, FiniteDifferences, Method
from .array_line import ArrayLine
from .result import FiniteDifference

# The Taylor order to enclose in one pass, per method: what the method's bounds will ask for.
_RICHARDSON_ORDER = 10  # four columns need g⁽⁹⁾, and g⁽¹⁰⁾ for the mean-value form


class DirectionalDerivatives:
    """Directional derivatives ∇f·v of one array tape, compiled once for many points and directions.

    Args:
        tape: an array tape (``sd.Tape`` of a program that declares shapes).
        method, h, accuracy, dps: as for ``FiniteDifferences``.

    Calling it with ``(point, direction)`` returns a ``FiniteDifference`` of g(t) = Σ f(θ + t·v)
    at t = 0: ``value`` estimates ∇f·v, ``error_bound`` bounds the error, ``step`` is in t.
    A point may hold batches (one more leading axis than declared); v is shaped like the
    inputs (declared, or as given in the point) and names only the inputs that move.

    Example:
        >>> import numpy as np, symdiff as sd
        >>> d = DirectionalDerivatives(sd.Tape("x: 2; L = sum(relu(x))"), "central")
        >>> d({"x": np.array([-1.0, 2.0])}, {"x": np.array([1.0, 1.0])}).value
        1.0
    """

    def __init__(
        self,
        tape: ArrayTape,
        method: Method = "auto",
        *,
        h: float | None = None,
        accuracy: int | None = None,
        dps: int | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ):
        if not isinstance(tape, ArrayTape):
            raise SymdiffError(
                "directional derivatives are for array programs (a program that declares shapes, e.g. 'x: 3; …'); "
                "for a scalar expression use finite_difference"
            )
        self.tape = tape
        self.line = ArrayLine(tape, limits)
        self.line.order = _order(method, accuracy, self.line)
        self.finite = FiniteDifferences(self.line, "t", 1, method, h=h, accuracy=accuracy, dps=dps, limits=limits)

    def __call__(self, point: Mapping[str, Any], direction: Mapping[str, Any]) -> FiniteDifference:
        self.line.aim(point, direction)
        result = self.finite({"t": 0.0})
        if not any(np.any(np.asarray(v) != 0) for v in direction.values()):
            # Along the zero vector f does not change: ∇f·0 is 0 exactly, even where f has no
            # gradient (the stencil's values may still be nan there, as at cbrt(0)).
            return dataclasses.replace(result, value=0.0, error_bound=0.0, status="ok", reason="")
        if result.error_bound == math.inf and math.isfinite(result.step):
            # One-sided slopes that disagree: say which element of which node has the kink.
            culprit = self.line.model.culprit(-result.step, result.step)
            if culprit is not None and culprit not in result.reason:
                result = dataclasses.replace(result, reason=f"{result.reason}: {culprit}")
        return result


def _order(method: str, accuracy: int | None, line: ArrayLine) -> int:
    """The Taylor order a method's bounds need (see ``LineModel.enclosure``): enclosed at once."""
    limits = line.limits
    if method in STENCIL_METHODS:
        p = accuracy if accuracy is not None else (2 if method == "central" else 1)
        return min(p + 2, limits.max_order)  # g⁽ᵖ⁺¹⁾ bounds the truncation, g⁽ᵖ⁺²⁾ helps choose the step
    if method == "mpmath":
        return min((accuracy or 4) + 1, limits.max_order)
    if method == "complex" or (method == "auto" and not line.not_analytic):
        return 1
    return min(_RICHARDSON_ORDER, limits.max_order)


def directional_derivative(
    tape: ArrayTape,
    point: Mapping[str, Any],
    direction: Mapping[str, Any],
    method: Method = "auto",
    h: float | None = None,
    dps: int | None = None,
    *,
    accuracy: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FiniteDifference:
    """∇f·v by finite differences along the line θ + t·v, with an error bound that really bounds the error.

    Compiles on every call; for many directions build a ``DirectionalDerivatives`` once.

    Example:
        >>> import numpy as np, symdiff as sd
        >>> tape = sd.Tape("A: 2x2; x: 2; L = sum(relu(A x))")
        >>> at = {"A": np.array([[1.0, -1.0], [2.0, 0.5]]), "x": np.array([1.0, 1.0])}
        >>> r = directional_derivative(tape, at, {"x": np.array([1.0, 0.0])})
        >>> r.status
        'warning'
        >>> for part in r.reason.split(": "):
        ...     print(part)
        f is not differentiable here
        the one-sided slopes are 2 and 3 (the value given is their average)
        relu(v1) has a corner at element (0,)
    """
    return DirectionalDerivatives(tape, method, h=h, accuracy=accuracy, dps=dps, limits=limits)(point, direction)


@dataclass(frozen=True)
class Reference:
    """∇f·v at high precision: a central difference in mpmath along the line, at ``dps`` digits.

    Attributes:
        value: the estimate, an mpmath number at the working precision.
        error_bound: |value - ∇f·v| ≤ error_bound (an mpmath number; inf where the line is not
            smooth around the point, or the bound could not be had).
        digits: the value to as many digits as the bound certifies (at most ``dps``).
        dps: the digits asked for.
        step: the step in t.
    """

    value: Any
    error_bound: Any
    digits: str
    dps: int
    step: float

    def __float__(self) -> float:
        return float(self.value)


def directional_reference(
    tape: ArrayTape,
    point: Mapping[str, Any],
    direction: Mapping[str, Any],
    dps: int = 50,
    *,
    accuracy: int = 2,
    limits: Limits = DEFAULT_LIMITS,
) -> Reference:
    """The reference for ∇f·v: the tape's own forward code run on mpmath numbers at ``dps`` digits.

    A central difference of ``accuracy`` along the line at about dps·(1 + 1/accuracy) digits,
    its truncation bounded by an interval enclosure of g⁽ᵃᶜᶜᵘʳᵃᶜʸ⁺¹⁾ over the stencil. The
    cost is ``accuracy`` evaluations of the program on mpmath numbers: about 2 µs per
    multiply-add of the forward pass (a second for the seed model's 256 samples).

    Example:
        >>> import numpy as np, symdiff as sd
        >>> tape = sd.Tape("x: 2; L = sum(sin(x))")
        >>> r = directional_reference(tape, {"x": np.array([0.0, 1.0])}, {"x": np.array([0.0, 1.0])}, dps=30)
        >>> r.digits  # cos(1)
        '0.540302305868139717400936607443'
    """
    limits.check_dps(dps)
    line = ArrayLine(tape, limits, order=accuracy + 1)
    line.aim(point, direction)
    parts = methods.high_precision_parts(line, [0.0], (0,), dps, accuracy)
    with mpmath.workdps(dps + 10):
        bound = parts.truncation + parts.rounding
        if not parts.smooth or not mpmath.isfinite(bound):
            bound = mpmath.inf
    return Reference(parts.value, bound, parts.digits, dps, parts.step)
