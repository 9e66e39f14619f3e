"""Review findings on the comparison layer: each test pins one fault that used to slip through.

Values are checked against mpmath at high precision or against known closed forms, never
against symdiff's own output.
"""

from __future__ import annotations

import math

import mpmath
import pytest

import symdiff as sd
from symdiff import cli
from symdiff.comparison.compare import compare
from tests.conftest import break_tape, slightly_off


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("exp(-x^2)", {"x": 30}),
        ("exp(x)", {"x": -800}),
        ("softplus(x)", {"x": -800}),
        ("x^1e300", {"x": 0.5}),
        ("erf(x)", {"x": 1e308}),
    ],
)
def test_a_derivative_below_the_float64_range_is_explained_not_a_crash(expr: str, at: dict[str, float]) -> None:
    cmp = compare(expr, at=at)
    (row,) = cmp.rows
    assert 0 < abs(row.reference) < 2.2250738585072014e-308
    assert row.verdict == "explained" and [e.kind for e in row.explanations] == ["underflow"]
    assert row.symbolic.relative_error == pytest.approx(1.0)  # float64 gives 0: all of it is lost
    assert cli.main([expr, "--at", ",".join(f"{k}={v}" for k, v in at.items())]) == 0


def test_fractions_are_judged_at_the_point_float64_sees() -> None:
    cmp = compare("a*b+c", at={"a": "1/3", "b": "2/7", "c": "e"})
    assert cmp.agree and all(row.verdict == "agree" for row in cmp.rows)
    with mpmath.workdps(40):
        assert abs(cmp.rows[0].reference - mpmath.mpf(2) / 7) < mpmath.mpf("1e-38")  # the exact point
        assert cmp.rows[0].float_reference == mpmath.mpf(2 / 7)  # the float point
    assert cli.main(["a*b+c", "--at", "a=1/3,b=2/7,c=e"]) == 0


def test_a_wrong_value_is_still_caught_at_a_fraction(monkeypatch: pytest.MonkeyPatch) -> None:
    break_tape(monkeypatch, slightly_off)
    assert not compare("a*b", at={"a": "1/3", "b": "2/7"}).agree


def test_check_gradient_judges_values_at_a_kink_and_outside_the_domain() -> None:
    assert not sd.check_gradient(lambda x: [42.0], "abs(x)", {"x": 0}).ok
    assert sd.check_gradient(lambda x: [0.0], "abs(x)", {"x": 0}).ok  # a subgradient, between -1 and 1
    assert sd.check_gradient(lambda x: [-1.0], "abs(x)", {"x": 0}).ok  # a one-sided slope
    assert not sd.check_gradient(lambda x: [1e9], "log(x)", {"x": -1}).ok
    assert sd.check_gradient(lambda x: [math.nan], "log(x)", {"x": -1}).ok


def test_a_broken_tape_at_a_kink_is_a_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    break_tape(monkeypatch, lambda gradient: dict.fromkeys(gradient, 7.0))
    (row,) = compare("abs(x)", at={"x": 0}).rows
    assert row.verdict == "disagree" and row.autodiff is not None and not row.autodiff.agrees


def test_cancellation_is_not_agreement() -> None:
    (row,) = compare("(1-cos(x))/x^2", at={"x": "1e-5"}).rows
    with mpmath.workdps(40):
        x = mpmath.mpf("1e-5")
        exact = mpmath.diff(lambda t: (1 - mpmath.cos(t)) / t**2, x)
        assert abs(row.reference - exact) < mpmath.mpf("1e-30")
    assert row.symbolic.tolerance > abs(float(row.reference))
    assert row.verdict == "explained"
    (explanation,) = row.explanations
    # The derivative is one fraction, (x sin x + 2cos x - 2)/x^3: its numerator cancels.
    assert explanation.kind == "cancellation" and "cancellation in x*sin(x) + 2cos(x) - 2" in explanation.message


def test_a_well_conditioned_zero_is_not_cancellation() -> None:
    (row,) = compare("sin(x)", at={"x": math.pi / 2}).rows
    assert row.verdict == "agree"


@pytest.mark.parametrize(
    ("expr", "at", "kind", "limits"),
    [
        ("x^y", "x=0,y=2", "indeterminate", (0.0, 0.0)),  # y·x^y/x is 0/0; the derivative is 0
        ("x^x", "x=-2", "domain", None),  # log(-2) in the formula: not real
    ],
)
def test_a_derivative_formula_that_is_not_a_number_is_explained(expr: str, at: str, kind: str, limits: object) -> None:
    cmp = compare(expr, at=dict(a.split("=") for a in at.split(",")))
    row = cmp.rows[0]
    assert math.isfinite(cmp.value)
    assert row.verdict == "explained" and row.explanations[0].kind == kind
    assert row.explanations[0].slopes == limits
    assert cli.main([expr, "--at", at]) == 0


@pytest.mark.parametrize(
    ("expr", "at", "kind"),
    [("abs(sin(x))", "pi", "corner"), ("tan(x)", "pi/2", "singularity"), ("relu(x - pi)", "pi", "corner")],
)
def test_kinks_and_poles_at_exact_constants_are_found(expr: str, at: str, kind: str) -> None:
    (row,) = compare(expr, at={"x": at}).rows
    assert row.verdict == "explained", row
    assert [e.kind for e in row.explanations] == [kind]
    assert cli.main([expr, "--at", f"x={at}"]) == 0


def test_abs_sin_at_pi_has_slopes_minus_one_and_one() -> None:
    (row,) = compare("abs(sin(x))", at={"x": "pi"}).rows
    assert row.explanations[0].slopes == pytest.approx((-1.0, 1.0))
    assert row.reference == 0  # cos(π)·sign(sin(π)) = -1·sign(0), evaluated exactly


def test_equal_one_sided_slopes_mean_differentiable() -> None:
    (row,) = compare("x*abs(x)", at={"x": 0}).rows
    assert row.verdict == "agree" and row.explanations == ()
    assert cli.main(["x*abs(x)", "--at", "x=0"]) == 0


@pytest.mark.parametrize(
    ("expr", "at", "fragment"),
    [("exp(1000)*x", "x=1", "the constant exp(1000)"), ("a*b", "a=1e400,b=1", "the input a = 1.0e+400")],
)
def test_overflow_of_a_constant_or_an_input_is_explained(
    expr: str, at: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([expr, "--at", at]) == 0
    out = capsys.readouterr().out
    assert fragment in out and "overflow" in out
    assert len(max(out.splitlines(), key=len)) < 200  # 1e400 is not printed as 401 digits


def test_relative_errors_of_tiny_references_are_computed_in_mpmath() -> None:
    (row,) = compare("exp(x)", at={"x": -800}).rows
    with mpmath.workdps(30):
        assert abs(row.reference - mpmath.exp(-800)) < mpmath.exp(-800) * mpmath.mpf("1e-25")


def test_latex_and_markdown_carry_errors_bounds_method_and_verdict() -> None:
    cmp = compare("relu(x) + x^2", at={"x": 0})
    for rendered in (cmp.to_latex(), cmp.to_markdown()):
        assert "error" in rendered and "Richardson" in rendered and "explained" in rendered
        assert "one-sided slopes 0 (left) and 1 (right)" in rendered
    assert "bound" in compare("3x^2 - 4x + 5", at={"x": 3}, fd="forward", h=0.001).to_markdown()
