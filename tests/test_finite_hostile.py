"""Finite differences at hostile points: numbers with an honest status, never a raw exception.

Each case here once raised (OverflowError, ValueError, ZeroDivisionError) or gave a silently
wrong number. Values are checked against the symbolic derivative evaluated by mpmath.
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff.language.parser import symbol
from symdiff.tape.reference import value as reference

ALL_METHODS = ["auto", "forward", "backward", "central", "richardson", "complex", "mpmath"]
REAL_METHODS = ["auto", "forward", "backward", "central", "richardson", "mpmath"]


def exact(expr: str, point: dict[str, float], wrt: str = "x") -> mpmath.mpf:
    return reference(sd.diff(expr, wrt), point, 50)


# -- constants beyond the floats ---------------------------------------------------------------


TOWER = sp.exp(sp.exp(sp.exp(1000)))
X = symbol("x")


@pytest.mark.parametrize("method", ALL_METHODS)
def test_a_constant_beyond_the_floats_overflows_with_a_reason(method: str) -> None:
    """exp(exp(exp(1000))) is inf in floats (NumPy semantics); SymPy cannot even evaluate it.

    As text the parser refuses it (more than max_digits digits); built in SymPy it reaches the methods.
    """
    r = sd.finite_difference(TOWER + X, "x", {"x": 1.0}, method=method)  # type: ignore[arg-type]
    assert r.status == "warning" and "overflows" in r.reason
    assert r.error_bound == math.inf


def test_a_constant_beyond_the_floats_in_the_gradient_helpers() -> None:
    gradient = sd.fd_gradient(TOWER + X, {"x": 1.0})
    assert gradient["x"].status == "warning" and "overflows" in gradient["x"].reason
    assert sd.Tape(TOWER + X).value(x=1.0) == math.inf
    assert sd.Tape(TOWER + X).gradient(x=1.0) == {"x": 1.0}  # d/dx of (const + x)
    assert sd.Tape(1 / TOWER + X).value(x=1.0) == 1.0  # exp(-inf) = 0
    with pytest.raises(sd.ParseError, match="digits"):
        sd.Tape("exp(exp(exp(1000)))+x")


# -- points that are not points ------------------------------------------------------------------


@pytest.mark.parametrize("method", REAL_METHODS)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("expr", ["sqrt(x)", "x^x", "x^2", "exp(-x)"])
def test_a_nan_or_infinite_coordinate_gives_nan_and_says_why(method: str, bad: float, expr: str) -> None:
    """One convention for every method: value nan, bound inf, a warning naming the coordinate."""
    r = sd.finite_difference(expr, "x", {"x": bad}, method=method)  # type: ignore[arg-type]
    assert math.isnan(r.value) and r.error_bound == math.inf
    assert r.status == "warning" and f"the point is not finite (x = {bad})" in r.reason


@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
def test_a_nan_coordinate_with_a_user_step_and_in_another_variable(method: str) -> None:
    r = sd.finite_difference("x*y", "x", {"x": 1.0, "y": math.nan}, method=method, h=1e-3)  # type: ignore[arg-type]
    assert math.isnan(r.value) and "y = nan" in r.reason
    r = sd.finite_difference("x*y", "x", {"x": math.inf, "y": 1.0}, method="complex")
    assert math.isnan(r.value) and "x = inf" in r.reason


@pytest.mark.parametrize("method", ["auto", "central", "richardson", "mpmath"])
def test_non_finite_points_in_an_array_leave_the_others_alone(method: str) -> None:
    x = np.array([4.0, math.nan, math.inf, 0.25])
    r = sd.finite_difference("sqrt(x)", "x", {"x": x}, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(r.value[[0, 3]], [0.25, 1.0], rtol=1e-9)
    assert np.isnan(r.value[1]) and np.isnan(r.value[2])
    assert np.all(r.error_bound[1:3] == math.inf) and np.all(r.error_bound[[0, 3]] < 1e-9)
    assert r.reason.startswith("2 of 4 points are not ok") and "x = nan" in r.reason


# -- overflow ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "x", "method"),
    [
        ("x^2", 1e300, "central"),
        ("x^2", 1e308, "forward"),
        ("x^2", 1e308, "auto"),
        ("x^2", 1e300, "richardson"),
        ("exp(x)", 1000.0, "auto"),
        ("exp(x)", 1000.0, "central"),
        ("exp(x)", 1000.0, "mpmath"),
    ],
)
def test_overflow_is_named_as_overflow(expr: str, x: float, method: str) -> None:
    r = sd.finite_difference(expr, "x", {"x": x}, method=method)  # type: ignore[arg-type]
    assert r.status == "warning" and r.error_bound == math.inf
    assert r.reason.startswith("f overflows") and "not smooth" not in r.reason


def test_mpmath_does_not_overflow_where_floats_do() -> None:
    """Its value is right; the bound, computed from float enclosures, cannot be had: a warning."""
    r = sd.finite_difference("x^2", "x", {"x": 1e300}, method="mpmath")
    assert r.value == 2e300 and r.status == "warning" and r.error_bound == math.inf


def test_a_pole_is_still_a_pole_not_an_overflow() -> None:
    r = sd.finite_difference("1/x", "x", {"x": 0.0})
    assert "not smooth" in r.reason and "div" in r.reason and "overflow" not in r.reason


def test_the_complex_step_at_a_pole_in_another_variable() -> None:
    """x/y at y = 0: Python's complex division raised ZeroDivisionError; now a warning, like 1/x at 0."""
    r = sd.finite_difference("x/y", "x", {"x": 1.0, "y": 0.0})
    assert r.status == "warning" and r.error_bound == math.inf and "div" in r.reason


def test_just_below_overflow_still_gives_the_right_derivative() -> None:
    r = sd.finite_difference("exp(x)", "x", {"x": 700.0})
    truth = exact("exp(x)", {"x": 700.0})
    assert r.status == "ok" and abs(mpmath.mpf(r.value) - truth) <= r.error_bound


# -- primitives at huge and infinite arguments -------------------------------------------------------


@pytest.mark.parametrize("x", [1e308, -1e308, 30.0, -1e10])
def test_erf_far_out_is_zero_with_a_bound_that_holds(x: float) -> None:
    r = sd.finite_difference("erf(x)", "x", {"x": x})
    assert r.status == "ok" and r.value == 0.0
    assert float(abs(mpmath.mpf(r.value) - exact("erf(x)", {"x": x}))) <= r.error_bound


def test_erf_by_complex_step_keeps_its_digits() -> None:
    r = sd.finite_difference("erf(x)", "x", {"x": 5.0}, method="complex")
    truth = exact("erf(x)", {"x": 5.0})
    assert float(abs(mpmath.mpf(r.value) - truth) / truth) < 1e-15


@pytest.mark.parametrize("fn", ["erf(x)", "cbrt(x)"])
@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_erf_and_cbrt_at_infinity(fn: str, x: float) -> None:
    r = sd.finite_difference(fn, "x", {"x": x})
    assert math.isnan(r.value) and r.status == "warning"
    # The complex implementations themselves give numbers, not exceptions.
    assert sd.Tape(fn).value(x=complex(x, 1e-200)) is not None


# -- tiny values and exponents ----------------------------------------------------------------------


def test_an_underflowed_power_and_its_comparison() -> None:
    """y^900 at 2e-147: the reference derivative (4e-131850) is below every float."""
    point = {"y": 2.1600076859111752e-147}
    r = sd.finite_difference("y^900", "y", point)
    assert r.value == 0.0 and float(abs(mpmath.mpf(r.value) - exact("y^900", point, "y"))) <= r.error_bound
    assert sd.compare("y^900", point, dps=30).to_json()


def test_a_huge_negative_power_at_a_tiny_point_is_quick() -> None:
    start = time.perf_counter()
    r = sd.finite_difference("(-x)^(-2201)", "x", {"x": 1e-308})
    assert r.status == "warning" and r.error_bound == math.inf
    assert str(sd.compare("(-x)^(-2201)", {"x": 1e-308}, dps=30))
    assert time.perf_counter() - start < 2.0


# -- mpmath: domain-aware steps, never a nan bound ---------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "x"),
    [("log(x)", 1e-15), ("1/x", 1e-12), ("1/x", -1e-12), ("sqrt(x)", 1e-10), ("1/(x - 1e-20)", 0.0)],
)
def test_mpmath_steps_scale_with_the_distance_to_a_singularity(expr: str, x: float) -> None:
    r = sd.finite_difference(expr, "x", {"x": x}, method="mpmath")
    truth = exact(expr, {"x": x})
    assert r.status == "ok" and abs(mpmath.mpf(r.value) - truth) <= r.error_bound
    assert float(abs(mpmath.mpf(r.value) - truth) / abs(truth)) < 1e-15
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(r.digits) - truth) / abs(truth) < mpmath.mpf(10) ** -40  # the 50 digits hold


@pytest.mark.parametrize(("expr", "x"), [("sqrt(x)", 0.0), ("log(x)", 0.0), ("log(x)", -1.0), ("abs(x)", 0.0)])
def test_mpmath_at_a_domain_edge_warns_with_an_infinite_bound(expr: str, x: float) -> None:
    r = sd.finite_difference(expr, "x", {"x": x}, method="mpmath")
    assert r.status == "warning" and r.error_bound == math.inf


def test_overflow_and_bad_points_in_second_and_mixed_derivatives() -> None:
    r = sd.finite_difference("exp(x)*y", ["x", "y"], {"x": 1000.0, "y": 2.0})
    assert r.reason.startswith("f overflows") and "x = 1000, y = 2" in r.reason
    r = sd.finite_difference("x^3*y", "x", {"x": math.nan, "y": 1.0}, order=2)
    assert math.isnan(r.value) and "x = nan" in r.reason
    hessian = sd.fd_hessian("x^3*y", {"x": 1.0, "y": math.inf})
    assert np.all(np.isnan(hessian.value)) and "y = inf" in hessian.reason
