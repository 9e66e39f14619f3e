"""Implicit differentiation: formulas against sympy.idiff, the numeric check on the curve, steps, CLI."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli

x, y = sp.symbols("x y", real=True)

CURVES = [
    ("x^2 + y^2 = 25", x**2 + y**2 - 25, {"x": 3, "y": 4}),
    ("x^3 + y^3 = 6 x y", x**3 + y**3 - 6 * x * y, {"x": 3, "y": 3}),
    ("sin(x y) = x + y - 1", sp.sin(x * y) - x - y + 1, {"x": sp.Rational(1, 2)}),
    ("exp(y) + y = x", sp.exp(y) + y - x, {"x": 2}),
    ("y^2 = x^3 - x + 1", y**2 - x**3 + x - 1, {"x": 1, "y": -1}),
    ("x y + log(y) = 1", x * y + sp.log(y) - 1, {"x": 1}),
]


ORDERS = [(*curve, order) for curve in CURVES for order in (1, 2)] + [(*curve, 3) for curve in CURVES[:2]]


@pytest.mark.parametrize(("equation", "f", "point", "order"), ORDERS)
def test_formula_equals_sympy_idiff_and_the_check_agrees(
    equation: str, f: sp.Expr, point: dict[str, object], order: int
) -> None:
    result = sd.implicit(equation, "y", "x", order, at=point)
    assert sp.simplify(result.derivative - sp.idiff(f, y, x, order)) == 0
    assert result.check is not None and result.check.agree, result.to_text()
    with mpmath.workdps(50):  # the point is on the curve, to the precision of the check
        assert abs(sp.N(f.subs({x: result.check.x, y: result.check.y}), 50)) < 1e-40


@pytest.mark.parametrize("order", [1, 2])
def test_a_curve_through_abs_is_differentiated_over_the_reals(order: int) -> None:
    # |√y − 1| + x = 3 is y = (4 − x)² for x < 3. SymPy's rule for |u| with u not provably real went
    # through re(u), and simplify split 1/sign(u) into a Piecewise: "the tape cannot evaluate Eq(…)".
    result = sd.implicit("abs(sqrt(y) - 1) + x = 3", "y", "x", order, at={"x": 1})
    assert not result.derivative.has(sp.re, sp.Piecewise), result.derivative
    assert result.check is not None and result.check.agree, result.to_text()
    explicit = (4 - x) ** 2
    assert float(result.check.formula) == pytest.approx(float(sp.diff(explicit, x, order).subs(x, 1)), abs=1e-12)


def test_a_wrong_formula_would_be_caught() -> None:
    """The check compares with mpmath.diff of the implicit function, not with the formula: off by a little is seen."""
    right = sd.implicit("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": 4}).check
    assert right is not None
    assert right.numeric == pytest.approx(-0.75, abs=1e-30)
    with mpmath.workdps(50):
        assert abs(right.numeric - (-mpmath.mpf(3) / 4 + mpmath.mpf(10) ** -15)) > 10**-20 * 0.75  # would fail


def test_a_rounded_point_is_refined_and_a_point_off_the_curve_refused() -> None:
    near = sd.implicit("x^2 + y^2 = 7", "y", "x", at={"x": 1, "y": 2.4494897}).check  # y ≈ √6
    assert near is not None and near.agree and float(near.given_y) == 2.4494897
    with mpmath.workdps(50):
        assert abs(near.y - mpmath.sqrt(6)) < mpmath.mpf(10) ** -45
    with pytest.raises(sd.EvaluationError, match=r"is not on the curve: the left side is 34 .*right side 25"):
        sd.implicit("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": 5})
    with pytest.raises(sd.EvaluationError, match=r"∂F/∂y = 0 at \(x, y\) = \(5, 0\)"):
        sd.implicit("x^2 + y^2 = 25", "y", "x", at={"x": 5})
    with pytest.raises(sd.EvaluationError, match=r"no point of the curve with x = 6 found"):
        sd.implicit("x^2 + y^2 = 25", "y", "x", at={"x": 6})


def test_the_other_branch_is_reached_by_giving_y() -> None:
    lower = sd.implicit("x^2 + y^2 = 25", "y", "x", at={"x": 3, "y": -4}).check
    assert lower is not None and float(lower.formula) == 0.75 and lower.agree


def test_the_derivation_solves_for_dy_dx_and_is_verified() -> None:
    d = sd.implicit_steps("x^3 + y^3 = 6 x y", "y", "x")
    assert d.verified and d.left.verified and d.right.verified
    assert sp.simplify(d.solved - sp.idiff(x**3 + y**3 - 6 * x * y, y, x)) == 0
    assert d.to_text().splitlines()[-2:] == [
        "so 3x^2 + 3*y^2*dy/dx = 6*x*dy/dx + 6y",
        "solved for dy/dx: dy/dx = (x^2 - 2y)/(2x - y^2)  (verified: it equals -F_x/F_y)",
    ]


def test_views_are_consistent() -> None:
    result = sd.implicit("x^2 + y^2 = 25", "y", "x", 2, at={"x": 3})
    data = json.loads(result.to_json())
    assert data["derivative"] == "(-x^2 - y^2)/y^3" and data["check"]["agree"] and data["agree"]
    assert float(data["check"]["formula"]) == -0.390625 and data["check"]["y_found"]
    assert result.to_latex().startswith("\\begin{aligned}\nx^{2} + y^{2} &= 25 \\\\\n\\frac{d^{2} y}{d x^{2}}")
    assert result.to_markdown().endswith("to 20 digits") and str(result) == result.to_text()


@pytest.mark.parametrize(
    ("equation", "y_name", "x_name", "message"),
    [
        ("x^2 + y^2 = = 25", "y", "x", "column 13: an equation has one '='"),
        ("x^2 + y^2 = 25 +", "y", "x", "column 16: expected something after '+'"),
        ("x^2 = 25", "y", "x", "y does not occur in the equation"),
        ("x^2 + y^2 + z = 25", "y", "x", "the equation has other variables (z)"),
        ("x^2 + y^2 = 25", "y", "y", "must be different names"),
    ],
)
def test_user_errors(equation: str, y_name: str, x_name: str, message: str) -> None:
    with pytest.raises(sd.SymdiffError) as error:
        sd.implicit(equation, y_name, x_name)
    assert message in str(error.value)


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["x^2 + y^2 = 25", "--implicit", "y", "--wrt", "x", "--at", "x=3"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "x^2 + y^2 = 25",
        "dy/dx = -x/y",
        "at x = 3, y = 4 (y found on the curve by findroot)",
        "  the formula          -0.75",
        "  mpmath.diff of y(x)  -0.75",
        "✓ the formula agrees with mpmath.diff of the implicitly defined y(x) to 20 digits",
    ]
    assert cli.main(["x^2 + y^2 = 25", "--implicit", "y", "--steps"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "solved for dy/dx: dy/dx = -x/y  (verified: it equals -F_x/F_y)"
    )
    for args in (["--at", "x=3,y=5"], ["--hessian"], ["--steps", "--order", "2"], ["--wrt", "x,y"]):
        assert cli.main(["x^2 + y^2 = 25", "--implicit", "y", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("symdiff: error: ") and len(err.strip().splitlines()) == 1, err
