"""Finite differences: every method, the seed's numbers, domain-aware steps, kinks, and the API.

Every estimate is compared with the exact derivative (the symbolic derivative evaluated by
mpmath at 50 digits), and every reported bound must hold.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff.finite.lines import COMPLEX_STEP
from symdiff.tape.reference import value as reference


def exact(expr: str, wrt: str | list[str], point: dict[str, float]) -> mpmath.mpf:
    return reference(sd.diff(expr, wrt), point, 50)


def assert_bound_holds(result: sd.FiniteDifference, truth: mpmath.mpf) -> float:
    """The reported bound really bounds the error; returns the error."""
    error = float(abs(mpmath.mpf(result.value) - truth))
    assert error <= result.error_bound, f"{result}: error {error:.3g} above the bound"
    return error


# -- the seed ----------------------------------------------------------------------------------


def test_seed_forward_difference_reproduces_14_003() -> None:
    """The seed: (f(3.001) - f(3)) / 0.001 with f = 3x² - 4x + 5 is 14.003…, and its error is bounded."""
    r = sd.finite_difference("3x^2 - 4x + 5", "x", {"x": 3}, method="forward", h=0.001)
    assert repr(r.value) == "14.00300000000243"
    assert r.step == 0.001 and r.method == "forward" and r.evaluations == 2
    assert_bound_holds(r, mpmath.mpf(14))
    assert r.truncation == pytest.approx(0.003, rel=1e-9)  # h·max|f''|/2 = 3h
    assert r.status == "warning" and "truncation dominates" in r.reason


def test_seed_auto_gives_14() -> None:
    r = sd.finite_difference("3x^2 - 4x + 5", "x", {"x": 3})
    assert abs(r.value - 14) <= 1e-14
    assert r.method == "complex" and r.status == "ok" and r.reason == ""
    assert_bound_holds(r, mpmath.mpf(14))


# -- every method ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "options", "accurate_to"),
    [
        ("forward", {}, 1e-7),
        ("backward", {}, 1e-7),
        ("central", {}, 1e-9),
        ("central", {"accuracy": 4}, 1e-11),
        ("forward", {"accuracy": 3}, 1e-10),
        ("richardson", {}, 1e-13),
        ("complex", {}, 1e-15),
        ("mpmath", {}, 1e-15),
        ("mpmath", {"dps": 30}, 1e-15),
        ("auto", {}, 1e-15),
    ],
)
def test_every_method_is_accurate_and_its_bound_holds(method: str, options: dict, accurate_to: float) -> None:
    truth = exact("sin(x) exp(x/2)", "x", {"x": 1.3})
    r = sd.finite_difference("sin(x) exp(x/2)", "x", {"x": 1.3}, method=method, **options)  # type: ignore[arg-type]
    error = assert_bound_holds(r, truth)
    assert error <= accurate_to * abs(float(truth))
    assert r.status == "ok", r.reason
    assert r.evaluations >= 1


def test_mpmath_keeps_its_digits() -> None:
    r = sd.finite_difference("exp(x)", "x", {"x": 1}, method="mpmath", dps=40)
    assert r.digits.startswith("2.71828182845904523536028747135266249")  # e, to about 35 digits


def test_richardson_keeps_the_best_entry_and_reports_it() -> None:
    r = sd.finite_difference("tanh(x)", "x", {"x": 0.5}, method="richardson")
    assert r.stencil is not None and r.stencil.accuracy >= 4  # an extrapolated column, not the first
    assert "column" in r.detail
    assert_bound_holds(r, exact("tanh(x)", "x", {"x": 0.5}))


def test_a_user_step_is_used_as_given() -> None:
    r = sd.finite_difference("exp(x)", "x", {"x": 1.0}, method="central", h=0.1)
    assert r.step == 0.1
    assert r.value == (math.exp(1.1) - math.exp(0.9)) / (2 * 0.1)
    assert_bound_holds(r, exact("exp(x)", "x", {"x": 1.0}))


def test_any_partial_holds_the_other_variables() -> None:
    point = {"a": 2.0, "b": -3.0, "c": 10.0}
    r = sd.finite_difference("a*b^2 + sin(c)", "b", point, method="central")
    assert r.value == pytest.approx(2 * 2.0 * -3.0, rel=1e-9)
    assert_bound_holds(r, exact("a*b^2 + sin(c)", "b", point))


def test_a_variable_that_does_not_occur_has_derivative_zero() -> None:
    r = sd.finite_difference("x^2", "y", {"x": 1.0})
    assert r.value == 0 and r.error_bound == 0 and r.status == "ok"


# -- second derivatives and mixed partials -----------------------------------------------------

F3 = "sin(x)*exp(y)*z^2 + x*y*z + log(1 + x^2 y^2)"
P3 = {"x": 0.7, "y": -0.3, "z": 1.3}


@pytest.mark.parametrize("method", ["auto", "central", "richardson", "complex", "mpmath", "forward"])
@pytest.mark.parametrize("wrt", [["x", "x"], ["x", "y"], ["z", "y"]])
def test_second_derivatives_and_mixed_partials(method: str, wrt: list[str]) -> None:
    truth = exact(F3, wrt, P3)
    if wrt[0] == wrt[1]:
        r = sd.finite_difference(F3, wrt[0], P3, method=method, order=2)  # type: ignore[arg-type]
    else:
        r = sd.finite_difference(F3, wrt, P3, method=method)  # type: ignore[arg-type]
    error = assert_bound_holds(r, truth)
    if method in ("auto", "mpmath"):
        assert error <= 1e-12 and r.status == "ok"


def test_hessian_is_within_1e_10_of_the_symbolic_hessian() -> None:
    result = sd.fd_hessian(F3, P3)
    symbolic = sd.hessian(F3)
    names = result.variables
    assert names == ("x", "y", "z")
    for i in range(3):
        for j in range(3):
            truth = reference(symbolic[i, j], {n: P3[n] for n in map(str, symbolic[i, j].free_symbols)}, 50)
            assert abs(result.value[i, j] - float(truth)) <= 1e-10
            assert abs(mpmath.mpf(result.value[i, j]) - truth) <= result.error_bound[i, j]
    assert result.status == "ok" and result.entries[0][1] is result.entries[1][0]


def test_gradient_helper() -> None:
    gradient = sd.fd_gradient("a*b + c", {"a": 2, "b": -3, "c": 10})
    assert {k: r.value for k, r in gradient.items()} == {"a": -3.0, "b": 2.0, "c": 1.0}
    assert all(r.status == "ok" for r in gradient.values())


# -- arrays of points ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["auto", "central", "forward", "richardson", "complex"])
def test_vectorised_equals_pointwise(method: str) -> None:
    xs = np.array([0.3, 1.0, 2.5, 7.0])
    fd = sd.FiniteDifferences("x^x + sin(3x)", "x", method=method)  # type: ignore[arg-type]
    together = fd({"x": xs})
    assert np.shape(together.value) == xs.shape and np.shape(together.error_bound) == xs.shape
    for i, x in enumerate(xs):
        alone = fd({"x": float(x)})
        truth = exact("x^x + sin(3x)", "x", {"x": float(x)})
        assert abs(mpmath.mpf(float(together.value[i])) - truth) <= together.error_bound[i]
        # the float and NumPy implementations may round differently; both are within their bounds
        assert abs(together.value[i] - alone.value) <= together.error_bound[i] + alone.error_bound
        assert together.step[i] == alone.step
    assert together.status == "ok"


def test_arrays_broadcast_against_scalars() -> None:
    r = sd.finite_difference("x*y^2", "y", {"x": np.array([1.0, 2.0, 3.0]), "y": 0.5}, method="central")
    assert r.value == pytest.approx([1.0, 2.0, 3.0], rel=1e-9)


def test_a_bad_point_in_an_array_is_a_warning_for_that_point() -> None:
    r = sd.finite_difference("log(x)", "x", {"x": np.array([1.0, -1.0, 2.0])})
    assert list(r.ok) == [True, False, True]
    assert r.status == "warning" and r.reason.startswith("1 of 3 points")


# -- domain-aware steps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "x"),
    [("log(x)", 1e-3), ("sqrt(x)", 1e-4), ("1/x", 1e-2), ("1/x", 1e-6), ("log(x)", 1e-12), ("sqrt(x)", 1e-10)],
)
@pytest.mark.parametrize("method", ["central", "richardson", "backward"])
def test_steps_do_not_cross_the_singularity(expr: str, x: float, method: str) -> None:
    """Near 0 the stencil stays on the positive side, where the function is defined and smooth."""
    r = sd.finite_difference(expr, "x", {"x": x}, method=method)  # type: ignore[arg-type]
    assert x - r.step > 0  # central, Richardson and backward stencils all reach down to x - h
    assert r.status == "ok", r.reason
    assert_bound_holds(r, exact(expr, "x", {"x": x}))


def test_steps_scale_with_the_function_not_with_x() -> None:
    """sin at x = 100 and sin(1000x) at 1: steps follow how fast the function changes."""
    slow = sd.finite_difference("sin(x)", "x", {"x": 100.0}, method="central")
    fast = sd.finite_difference("sin(1000x)", "x", {"x": 1.0}, method="central")
    assert fast.step < slow.step / 100
    for r, expr, x in ((slow, "sin(x)", 100.0), (fast, "sin(1000x)", 1.0)):
        assert r.status == "ok"
        assert_bound_holds(r, exact(expr, "x", {"x": x}))


def test_a_user_step_that_crosses_the_singularity_is_a_warning() -> None:
    r = sd.finite_difference("log(x)", "x", {"x": 1e-3}, method="central", h=0.01)
    assert r.status == "warning" and "log" in r.reason
    assert r.error_bound == math.inf


def test_outside_the_domain_nothing_is_ok() -> None:
    for method in ("auto", "central", "richardson"):
        r = sd.finite_difference("sqrt(x)", "x", {"x": -1.0}, method=method)  # type: ignore[arg-type]
        assert r.status == "warning" and not r.ok


# -- kinks and the complex step ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "name"), [("abs(x)", "abs"), ("relu(x) + x", "relu"), ("max(x, 1)", "max"), ("sign(x) x^2", "sign")]
)
def test_complex_step_is_refused_where_not_analytic(expr: str, name: str) -> None:
    with pytest.raises(sd.MethodError, match=f"the complex step needs an analytic expression, but {name} is not"):
        sd.finite_difference(expr, "x", {"x": 0.5}, method="complex")
    r = sd.finite_difference(expr, "x", {"x": 0.5})  # auto goes to Richardson instead
    assert r.method == "richardson"
    assert_bound_holds(r, exact(expr, "x", {"x": 0.5}))


def test_at_a_kink_the_one_sided_slopes_are_reported() -> None:
    r = sd.finite_difference("abs(x)", "x", {"x": 0.0})
    assert r.status == "warning" and "one-sided slopes are -1 and 1" in r.reason
    assert r.value == 0  # their average, the symmetric derivative (docs/conventions.md)
    assert r.error_bound == math.inf


def test_at_a_corner_that_is_still_differentiable_both_sides_agree() -> None:
    r = sd.finite_difference("x*abs(x)", "x", {"x": 0.0})
    assert r.status == "ok" and abs(r.value) <= r.error_bound <= 1e-12


def test_a_one_sided_stencil_at_a_kink_says_so() -> None:
    r = sd.finite_difference("abs(x)", "x", {"x": 0.0}, method="forward")
    assert r.value == 1 and r.status == "warning" and "one-sided" in r.reason


def test_the_complex_step_is_certified_by_an_enclosure() -> None:
    r = sd.finite_difference("sin(1000x)", "x", {"x": 1.0}, method="complex")
    assert r.step == COMPLEX_STEP and r.truncation is None and r.rounding is None
    assert_bound_holds(r, exact("sin(1000x)", "x", {"x": 1.0}))


# -- the API -----------------------------------------------------------------------------------------


def test_compiled_object_accepts_sympy_expressions_and_numbers() -> None:
    x = sp.Symbol("x")
    fd = sd.FiniteDifferences(sp.sin(x) ** 2, x)
    assert fd({"x": sp.pi / 4}).value == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, method="secant"), "method must be one of auto, forward"),  # type: ignore[arg-type]
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, h=0.1), "chooses its own step"),
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, method="central", h=-1), "positive number"),
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, method="central", dps=30), "dps sets the precision"),
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, method="mpmath", dps=5), "dps must be between"),
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, order=11), "order 1 to 10; got order 11"),
        (lambda: sd.finite_difference("x^2", "x", {"y": 1}), "missing a value for x"),
        (lambda: sd.finite_difference("x^2", ["x", "y", "z"], {"x": 1}), "two for a mixed partial"),
        (lambda: sd.finite_difference("x^2", "x", {"x": "one"}), "must be a real number"),
        (lambda: sd.finite_difference("x^2", "x", {"x": 1}, method="central", accuracy=3), "even accuracy"),
    ],
)
def test_user_errors_are_one_line_symdiff_errors(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sd.SymdiffError, match=message) as error:
        call()
    assert "\n" not in str(error.value)


def test_str_is_one_line() -> None:
    r = sd.finite_difference("3x^2 - 4x + 5", "x", {"x": 3}, method="forward", h=0.001)
    assert str(r).startswith("14.00300000000243 ± 0.003 (forward difference, accuracy 1, h = 0.001); warning: ")
    assert "\n" not in str(r)
