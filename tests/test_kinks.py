"""Kinks: every kink primitive and compositions of them, at the kink and 1e-8 beside it.

The truth comes from f alone, independently of symdiff's derivatives: one-sided difference
quotients of f evaluated by SymPy at 80 digits, at two distances, which either settle (the
one-sided derivative) or run off (a jump). A finite difference that claims a bound must be
within it of the truth, and where the derivative does not exist it must claim none. The
comparison's reference and classification must say the same.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

import symdiff as sd

KINKS = {  # expression: where it has its kink
    "abs(x)": 0.0,
    "relu(x)": 0.0,
    "sign(x)": 0.0,
    "heaviside(x)": 0.0,
    "acot(x)": 0.0,
    "max(x, x^2)": 1.0,
    "min(x, x^2)": 1.0,
    "max(x, -x)": 0.0,
    "abs(x^2 - 1)": 1.0,
    "x^2*sign(x)": 0.0,
    "x*abs(x)": 0.0,
    "x*sign(x)": 0.0,
    "sign(x)*abs(x)": 0.0,
    "sign(x)^2*x": 0.0,
    "relu(tanh(x))": 0.0,
    "sign(x^3)": 0.0,
    "abs(x) + sign(x)": 0.0,
    "abs(exp(x) - 1)": 0.0,
    "x^2*heaviside(x)": 0.0,
    "heaviside(x)*x^3": 0.0,
    "relu(x^2 - 1)": 1.0,
    "abs(abs(x) - 1)": 1.0,
    "abs(x - 1) + x": 1.0,
    "relu(x) + x^2": 0.0,
    "max(sin(x), 0)": 0.0,
    "abs(x)^3": 0.0,
}
BESIDE = (0.0, 1e-8, -1e-8)
METHODS = ("auto", "richardson", "central", "forward", "backward")


def _truth(expr: str, x: float) -> tuple[mpmath.mpf | None, mpmath.mpf | None]:
    """The one-sided derivatives of f at x from f's own difference quotients (None: they run off)."""
    f = sd.parse(expr)
    (symbol,) = f.free_symbols
    sides = []
    with mpmath.workdps(80):

        def value(t: mpmath.mpf) -> mpmath.mpf:
            return mpmath.mpf(sp.N(f.subs(symbol, sp.Float(t, 80)), 80))

        at = value(mpmath.mpf(x))
        for side in (-1, 1):
            near, far = (side * mpmath.mpf(10) ** -e for e in (40, 30))
            q_near, q_far = ((value(x + t) - at) / t for t in (near, far))
            settled = abs(q_near - q_far) <= mpmath.mpf(10) ** -20 * max(1, abs(q_near))
            sides.append(q_near if settled else None)
    return sides[0], sides[1]


def _derivative(sides: tuple[mpmath.mpf | None, mpmath.mpf | None]) -> mpmath.mpf | None:
    left, right = sides
    if left is None or right is None or abs(left - right) > mpmath.mpf(10) ** -15 * max(1, abs(left)):
        return None
    return right


@pytest.mark.parametrize("offset", BESIDE, ids=["at", "right", "left"])
@pytest.mark.parametrize("expr", KINKS)
def test_no_finite_difference_is_wrong_by_more_than_its_bound(expr: str, offset: float) -> None:
    x = KINKS[expr] + offset
    sides = _truth(expr, x)
    derivative = _derivative(sides)
    for method in METHODS:
        result = sd.finite_difference(expr, "x", {"x": x}, method=method)
        if not math.isfinite(result.error_bound):
            continue
        truth = {"forward": sides[1], "backward": sides[0]}.get(method, derivative)
        assert truth is not None, f"{method} claims {result.value} ± {result.error_bound}, but there is no derivative"
        slack = 1e-30 * max(1.0, abs(float(truth)))  # the quotients' own error: f'' times their distance, 1e-40
        assert abs(result.value - truth) <= result.error_bound + slack, (
            method,
            result.value,
            result.error_bound,
            truth,
        )


@pytest.mark.parametrize("offset", BESIDE, ids=["at", "right", "left"])
@pytest.mark.parametrize("expr", KINKS)
def test_the_comparison_says_what_f_does(expr: str, offset: float) -> None:
    x = KINKS[expr] + offset
    sides = _truth(expr, x)
    derivative = _derivative(sides)
    (row,) = sd.compare(expr, at={"x": x}).rows
    if derivative is not None:
        assert abs(row.reference - derivative) <= mpmath.mpf(10) ** -12 * max(1, abs(derivative))
        fine = abs(row.symbolic.value - float(derivative)) <= 1e-12 * max(1.0, abs(float(derivative)))
        assert row.verdict != "disagree" if fine else row.verdict == "disagree"  # sign(x)*abs(x): the rules give 0
    else:
        assert row.explanations, "no derivative here, and nothing said about it"
        assert not row.finite_confirms
        if sides[0] is not None and sides[1] is not None:  # a corner: answers between the one-sided slopes
            low, high = sorted((float(sides[0]), float(sides[1])))
            assert row.explanations[0].slopes == pytest.approx((float(sides[0]), float(sides[1])))
            assert low - 1e-12 <= row.symbolic.value <= high + 1e-12


def test_the_hostile_kinks_of_the_issue() -> None:
    """Each was a finite difference at h = 4 with a ✓: x·|x|-like points are differentiable, jumps are not."""
    assert sd.finite_difference("x^2*sign(x)", "x", {"x": 0.0}).value == pytest.approx(0.0, abs=1e-15)
    for expr, at in (("heaviside(x)", 0.0), ("sign(x)", 0.0)):
        result = sd.finite_difference(expr, "x", {"x": at})
        assert math.isnan(result.value) and "jumps" in result.reason
    for expr, at in (("abs(x^2-1)", 1.0), ("max(x, x^2)", 1.0)):
        result = sd.finite_difference(expr, "x", {"x": at})
        assert "not differentiable" in result.reason and not math.isfinite(result.error_bound)
    (row,) = sd.compare("sign(x)*abs(x)", at={"x": 0}).rows
    assert float(row.reference) == 1.0 and row.verdict == "disagree" and row.explanations[0].kind == "convention"
    (row,) = sd.compare("x^2*sign(x)", at={"x": 0}).rows
    assert row.verdict != "disagree" and float(row.reference) == 0.0 and not row.explanations


def test_second_derivatives_at_a_corner_do_not_exist() -> None:
    """abs at 0 has one-sided second derivatives 0 and 0, but its first derivative jumps."""
    result = sd.finite_difference("abs(x)", "x", {"x": 0.0}, order=2, method="richardson")
    assert not math.isfinite(result.error_bound)
    (row,) = sd.compare("abs(x)", at={"x": 0}, order=2).rows
    assert row.explanations and row.explanations[0].kind == "jump"
