"""Check a gradient you wrote yourself against the symbolic reference and finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import EvaluationError, SymdiffError, describe
from ..finite import Method
from ..limits import serialized, serialized_class
from ..symbolic.derivatives import ExprLike

if TYPE_CHECKING:
    from .array_check import ArrayGradientCheck

from ..tape.points import checked_point, real_number
from .compare import Comparison, MethodValue, Verdict, compare, judge

# A hand-written gradient computes the same quantity by a different formula; allow it this many
# times the rounding bound of symdiff's own float evaluation before calling it wrong.
HAND_WRITTEN_SLACK = 64.0


@dataclass(frozen=True)
class CheckedPartial:
    """Your value for one partial derivative, judged against the reference."""

    variable: str
    yours: MethodValue
    verdict: Verdict


@serialized_class
@dataclass(frozen=True)
class GradientCheck:
    """The verdict on a user's gradient: one ``CheckedPartial`` per variable, with the full comparison."""

    partials: tuple[CheckedPartial, ...]
    comparison: Comparison

    @property
    def ok(self) -> bool:
        return all(p.verdict != "disagree" for p in self.partials)

    def __str__(self) -> str:
        from ..render.check import text

        return text(self)

    def to_markdown(self) -> str:
        """The table with the derivatives as inline math, for notebooks and documents."""
        from ..render.check import markdown

        return markdown(self)

    def _repr_markdown_(self) -> str:  # Jupyter
        return self.to_markdown()


def _values(result: Any, variables: Sequence[str]) -> dict[str, float]:
    if isinstance(result, Mapping):
        result = checked_point(result)
        missing = [v for v in variables if v not in result]
        if missing:
            raise EvaluationError(f"your gradient has no entry for {', '.join(missing)}")
        return {v: float(result[v]) for v in variables}
    values = np.asarray(result, dtype=float).ravel()
    if values.size != len(variables):
        raise EvaluationError(f"your gradient has {values.size} entries; the variables are {', '.join(variables)}")
    return dict(zip(variables, map(float, values), strict=True))


@serialized
def check_gradient(
    gradient: Callable[..., Any],
    expr: ExprLike,
    at: Mapping[str, Any],
    *,
    rtol: float = 0.0,
    fd: Method = "auto",
    dps: int = 50,
    shapes: Mapping[str, Any] | None = None,
) -> GradientCheck | ArrayGradientCheck:
    """Judge ``gradient(**point)`` (a dict, or a sequence in the variables' natural order).

    A partial agrees when it is within the rounding that float64 allows for this expression
    (times a margin for a different formula), or within ``rtol`` relative. Kinks and domain
    errors are explained, as in ``compare``. For a program over arrays (``shapes``, or
    declarations in the text), ``gradient`` returns a dict of arrays and is judged tensor by
    tensor along the comparison's checks (``ArrayGradientCheck``).

    Example:
        >>> check = check_gradient(lambda a, b, c: {"a": b, "b": a, "c": 1.0}, "a*b + c", {"a": 2, "b": -3, "c": 10})
        >>> check.ok
        True
        >>> check_gradient(lambda a, b, c: [b, 2 * a, 1.0], "a*b + c", {"a": 2, "b": -3, "c": 10}).ok
        False
    """
    if not callable(gradient):
        raise SymdiffError(f"check_gradient takes your gradient function first, got {describe(gradient)}")
    tolerance = real_number("rtol", rtol)
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise SymdiffError(f"rtol must be a relative tolerance of at least 0, got {describe(rtol)}")
    comparison = compare(expr, at, fd=fd, dps=dps, shapes=shapes)
    if not isinstance(comparison, Comparison):  # a program over arrays: judged tensor by tensor
        from .array_check import check_array_gradient

        return check_array_gradient(gradient, comparison, rtol)
    floats = {name: float(value) for name, value in comparison.trace.gradient.items()}
    point = {row.label: float(row.value) for row in comparison.trace.rows if row.kind == "input"}
    try:
        result = gradient(**point)
    except SymdiffError:
        raise
    except Exception as error:  # the user's code: report its failure in one line
        raise EvaluationError(f"your gradient raised {type(error).__name__}: {error}") from None
    yours = _values(result, list(floats))
    checked = []
    for row in comparison.rows:
        name = row.wrt[0]
        allowed = max(HAND_WRITTEN_SLACK * row.symbolic.tolerance, tolerance * abs(float(row.reference)))
        # At a kink or outside the domain a value is still judged: it must be one the
        # derivative may have there (between the one-sided slopes; nan where it is undefined).
        value = judge(yours[name], row.reference, row.expected, allowed)
        verdict: Verdict = "disagree" if not value.agrees else "explained" if row.explanations else "agree"
        checked.append(CheckedPartial(name, value, verdict))
    return GradientCheck(tuple(checked), comparison)
