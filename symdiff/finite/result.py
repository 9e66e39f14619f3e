"""What a finite difference returns: the estimate, its error bound, and how much to trust it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sympy as sp

from ..limits import serialized_class
from .lines import (
    JUMP,
    NOT_A_POINT,
    NOT_DIFFERENTIABLE,
    NOT_FINITE,
    NOT_SMOOTH,
    OK,
    ONE_SIDED,
    OVERFLOW,
    UNBOUNDED,
    Estimate,
)
from .stencils import Stencil

TOLERANCE = 1e-6  # "ok" means the bound is at most this fraction of |value| …
ABSOLUTE = 1e-12  # … or at most this: a derivative that is 0 has no relative accuracy to offer


@serialized_class
@dataclass
class FiniteDifference:
    """A finite-difference derivative with an error bound that really bounds the error.

    Attributes:
        value: the estimate (a float, or an array for an array of points).
        error_bound: |value - exact| ≤ error_bound, truncation and rounding together.
        step: the step h used (for Richardson, the step of the winning entry).
        method: ``forward``, ``backward``, ``central``, ``richardson``, ``complex`` or ``mpmath``.
        evaluations: function evaluations per point.
        status: ``ok`` (the bound is at most 1e-6·|value|, or at most 1e-12) or ``warning``.
        reason: why not ok, in one line ("" when ok).
        truncation: the truncation part of the bound (None for the complex step, whose bound
            is certified as a whole).
        rounding: the rounding part of the bound (None for the complex step).
        detail: how the value was obtained, e.g. "Richardson column 2 (accuracy 6), forward".
        expression: the function differentiated.
        wrt: the variables, one per derivative order (("x", "x") is the second derivative).
        point: the values at which it was differentiated.
        stencil: the formula used, when a single stencil gives the value.
        digits: the estimate to full working precision, for ``mpmath``.
        exact: the exact derivative at the point, when it has been computed (``with_exact``).
    """

    value: Any
    error_bound: Any
    step: Any
    method: str
    evaluations: int
    status: str
    reason: str
    truncation: Any
    rounding: Any
    detail: str
    expression: sp.Expr = field(repr=False)
    wrt: tuple[str, ...]
    point: dict[str, Any] = field(repr=False)
    stencil: Stencil | None = field(default=None, repr=False)
    digits: str = field(default="", repr=False)
    exact: Any = field(default=None, repr=False)

    @property
    def ok(self) -> Any:
        """True (or a mask, for arrays) where the bound is at most 1e-6 of |value| (or 1e-12)."""
        return within_tolerance(self.value, self.error_bound)

    @property
    def true_error(self) -> Any:
        """value - exact, when the exact derivative is known (see ``with_exact``), else None."""
        return None if self.exact is None else np.asarray(self.value) - np.asarray(self.exact) + 0.0

    def with_exact(self, dps: int = 50) -> FiniteDifference:
        """This result with ``exact`` filled in: the symbolic derivative evaluated with mpmath."""
        from .explain import exact_derivative

        return replace(self, exact=exact_derivative(self, dps))

    def explain(self) -> str:
        """The teaching text: the estimate, the exact value, the true error and its parts, the bound."""
        from ..render.finite import explanation_text
        from .explain import explanation

        return explanation_text(explanation(self))

    def __str__(self) -> str:
        from ..render.finite import summary

        return summary(self)

    def _repr_markdown_(self) -> str:  # Jupyter: the estimate and its bound as math, and any warning
        from ..render.finite import markdown

        return markdown(self)


def within_tolerance(value: Any, bound: Any) -> Any:
    """The bound is at most 1e-6 of |value|, or at most 1e-12."""
    if type(value) is float and type(bound) is float:
        return bound <= TOLERANCE * abs(value) or bound <= ABSOLUTE
    with np.errstate(invalid="ignore"):
        result = (np.asarray(bound) <= TOLERANCE * np.abs(value)) | (np.asarray(bound) <= ABSOLUTE)
    return bool(result) if np.ndim(result) == 0 else result


REASONS = {
    NOT_SMOOTH: "f is not smooth where the formula needs it ({culprit})",
    NOT_FINITE: "f is not finite at a point of the stencil",
    UNBOUNDED: "the truncation error could not be bounded (the higher derivative is unbounded or unavailable)",
    NOT_DIFFERENTIABLE: "f is not differentiable here: the one-sided slopes are {left:.10g} and {right:.10g}{average}",
    ONE_SIDED: "a one-sided derivative: f is not smooth on the other side of this point ({culprit})",
    NOT_A_POINT: "the point is not finite ({culprit}): finite differences need finite coordinates",
    OVERFLOW: "f overflows: its value {culprit} is beyond the largest float (about 1.8e308)",
    JUMP: "f jumps here ({culprit}): its one-sided difference quotients diverge, so there is no derivative to estimate",
}


def status_and_reason(estimate: Estimate, culprit: str, fix: str) -> tuple[str, str]:
    """``ok``, or ``warning`` with the reason for the first point that is not ok."""
    value, truncation, rounding, code = estimate.value, estimate.truncation, estimate.rounding, estimate.code
    if type(value) is float:
        if code == OK and within_tolerance(value, truncation + rounding):
            return "ok", ""
        sides = estimate.sides or (math.nan, math.nan)
        return "warning", _reason(value, truncation, rounding, int(code), sides, culprit, fix)
    bound = np.asarray(truncation) + np.asarray(rounding)
    ok = np.asarray(within_tolerance(value, bound)) & (np.asarray(code) == OK)
    if np.all(ok):
        return "ok", ""
    bad = np.flatnonzero(~np.broadcast_to(ok, np.shape(bound)).ravel())
    first = int(bad[0])

    def pick(a: Any) -> float:
        return float(np.broadcast_to(a, np.shape(bound)).ravel()[first])

    sides = (pick(estimate.sides[0]), pick(estimate.sides[1])) if estimate.sides else (math.nan, math.nan)
    reason = _reason(pick(value), pick(truncation), pick(rounding), int(pick(code)), sides, culprit, fix)
    if np.ndim(bound):
        reason = f"{len(bad)} of {np.size(bound)} points are not ok; the first: {reason}"
    return "warning", reason


def _reason(
    value: float, truncation: float, rounding: float, code: int, sides: tuple[float, float], culprit: str, fix: str
) -> str:
    if code != OK:
        average = " (the value given is their average)" if math.isfinite(value) else ""
        where = culprit or "a pole, kink or domain edge"
        return REASONS[code].format(culprit=where, left=sides[0], right=sides[1], average=average)
    bound = truncation + rounding
    if not math.isfinite(bound):
        return REASONS[UNBOUNDED]
    part = "truncation" if truncation >= rounding else "rounding"
    advice = fix if part == "truncation" else "a larger step, or method='complex' or 'richardson'"
    return f"the error bound {bound:.2g} is more than {TOLERANCE:g} of |value|; {part} dominates: try {advice}"
