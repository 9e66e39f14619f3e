"""Check a gradient you wrote for an array program: your ∂L/∂W against the reference, tensor by tensor.

Your gradient is judged along the same checks as the tape's in ``compare`` (each element of a
small tensor; random directions for a large one): your ∇f·v against the high-precision
reference, within a multiple of the float64 allowance (a hand-written gradient computes the
same quantity by a different formula) or a relative tolerance you give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from ..errors import EvaluationError, SymdiffError
from ..primitives.shapes import Shape, shape_text
from .arrays import ArrayComparison, Check, Verdict, _error, _ratio

HAND_WRITTEN_SLACK = 64.0


@dataclass(frozen=True)
class CheckedTensor:
    """Your gradient of one input, judged along each check.

    Attributes:
        name, shape: the input.
        yours: your ∇f·v along each of the comparison's checks of this input.
        errors: |yours − reference| along each check.
        allowed: what each check allows you.
        verdict: agree, explained (at a kink, between the one-sided values) or disagree.
    """

    name: str
    shape: Shape
    yours: tuple[float, ...]
    errors: tuple[float, ...]
    allowed: tuple[float, ...]
    verdict: Verdict

    @property
    def worst(self) -> int:
        """The check where your gradient is furthest off, relative to what it is allowed."""
        return max(range(len(self.errors)), key=lambda k: _ratio(self.errors[k], self.allowed[k]))


@dataclass(frozen=True)
class ArrayGradientCheck:
    """The verdict on your gradient of an array program, with the comparison it was judged against."""

    tensors: tuple[CheckedTensor, ...]
    comparison: ArrayComparison

    @property
    def ok(self) -> bool:
        return all(t.verdict != "disagree" for t in self.tensors)

    def __str__(self) -> str:
        from ..render.array_comparison import check_text

        return check_text(self)


def _yours(result: Any, comparison: ArrayComparison) -> dict[str, np.ndarray]:
    names = list(comparison.shapes)
    if isinstance(result, Mapping):
        missing = [n for n in names if n not in result]
        if missing:
            raise EvaluationError(f"your gradient has no entry for {', '.join(missing)}")
        given = {n: result[n] for n in names}
    elif isinstance(result, (list, tuple)) and len(result) == len(names):
        given = dict(zip(names, result, strict=True))
    else:
        raise EvaluationError(f"your gradient must be a dict of arrays (or a sequence in the order {', '.join(names)})")
    arrays = {}
    for name, value in given.items():
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise EvaluationError(f"your gradient for {name} is not an array of numbers") from None
        expected = np.shape(comparison.point[name])
        if array.shape != expected:
            raise EvaluationError(
                f"your gradient for {name} has shape {shape_text(array.shape)}, not {shape_text(expected)}"
            )
        arrays[name] = array
    return arrays


def check_array_gradient(gradient: Callable[..., Any], comparison: ArrayComparison, rtol: float) -> ArrayGradientCheck:
    """Judge ``gradient(**point)`` along the checks of ``comparison``."""
    try:
        result = gradient(**comparison.point)
    except SymdiffError:
        raise
    except Exception as failure:  # the user's code: its failure in one line
        raise EvaluationError(f"your gradient raised {type(failure).__name__}: {failure}") from None
    yours = _yours(result, comparison)
    tensors = []
    for row in comparison.rows:
        values, errors, allowed, verdicts = [], [], [], []
        for check in row.checks:
            value = _along(yours[row.name], check, comparison, row.name)
            error = _error(value, check.reference)
            allowance = max(HAND_WRITTEN_SLACK * check.allowance, rtol * float(abs(check.reference)))
            values.append(value)
            errors.append(error)
            allowed.append(allowance)
            verdicts.append(_verdict(value, error, allowance, check))
        worst: Verdict = "disagree" if "disagree" in verdicts else "explained" if "explained" in verdicts else "agree"
        tensors.append(CheckedTensor(row.name, row.shape, tuple(values), tuple(errors), tuple(allowed), worst))
    return ArrayGradientCheck(tuple(tensors), comparison)


def _along(yours: np.ndarray, check: Check, comparison: ArrayComparison, name: str) -> float:
    if check.element is not None:
        return float(yours[check.element])
    assert check.vector is not None
    return float(np.sum(yours * check.vector))


def _verdict(value: float, error: float, allowance: float, check: Check) -> Verdict:
    if error <= allowance:
        return "agree"
    if check.one_sided is not None:
        lo, hi = min(check.one_sided), max(check.one_sided)
        with mpmath.workdps(30):
            if lo - allowance <= value <= hi + allowance:
                return "explained"
    return "disagree"
