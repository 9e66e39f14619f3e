"""The comparison layer: verdicts, explanations, formats and the gradient checker."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import mpmath
import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli
from symdiff.comparison.compare import compare
from tests.conftest import break_tape, slightly_off
from tests.expressions import random_expression

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "comparison.schema.json").read_text())


def test_seed_polynomial() -> None:
    cmp = compare("3x^2 - 4x + 5", at={"x": 3})
    (row,) = cmp.rows
    assert cmp.agree and row.verdict == "agree"
    assert cmp.value == 20.0
    assert row.reference == 14
    assert row.symbolic.value == 14.0 and row.autodiff is not None and row.autodiff.value == 14.0
    assert abs(row.finite.value - 14) <= row.finite.error_bound


def test_seed_partials() -> None:
    cmp = compare("a*b + c", at={"a": 2, "b": -3, "c": 10})
    assert cmp.agree and cmp.value == 4.0
    assert [float(r.reference) for r in cmp.rows] == [-3.0, 2.0, 1.0]
    assert [r.wrt for r in cmp.rows] == [("a",), ("b",), ("c",)]


def test_seed_network_chain() -> None:
    program = "z1 = w1*x; h = sigmoid(z1); z2 = w2*h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2"
    cmp = compare(program, at={"w1": 0.7, "w2": -1.3, "x": 1.5, "y": 0.2})
    assert cmp.function == "L"
    assert cmp.agree and all(row.verdict == "agree" for row in cmp.rows)


@pytest.mark.parametrize(
    ("expr", "at", "kind", "slopes"),
    [
        ("abs(x)", {"x": 0}, "corner", (-1.0, 1.0)),
        ("relu(x)", {"x": 0}, "corner", (0.0, 1.0)),
        ("max(a, b)", {"a": 1, "b": 1}, "corner", (0.0, 1.0)),
        ("x * abs(x - 1)", {"x": 1}, "corner", (-1.0, 1.0)),
        ("sign(x)", {"x": 0}, "jump", None),
        ("sqrt(x)", {"x": 0}, "vertical", None),
    ],
)
def test_non_differentiable_points_are_explained_not_failures(
    expr: str, at: dict[str, int], kind: str, slopes: object
) -> None:
    cmp = compare(expr, at=at)
    row = cmp.rows[0]
    assert row.verdict == "explained" and cmp.agree
    (explanation,) = row.explanations
    assert explanation.kind == kind
    if slopes is not None:
        assert explanation.slopes == pytest.approx(slopes)
        assert "one-sided slopes" in explanation.message


@pytest.mark.parametrize(
    ("expr", "at", "kind", "fragment"),
    [
        ("log(x)", {"x": -1}, "domain", "log(x) at x = -1 is undefined"),
        ("sqrt(x - 2)", {"x": 1}, "domain", "sqrt(x - 2) at x - 2 = -1"),
        ("1/x", {"x": 0}, "singularity", "1/x at x = 0 is infinite"),
        ("exp(x)", {"x": 1000}, "overflow", "beyond the float64 range"),
    ],
)
def test_numerical_faults_are_explained(expr: str, at: dict[str, int], kind: str, fragment: str) -> None:
    cmp = compare(expr, at=at)
    row = cmp.rows[0]
    assert row.verdict == "explained"
    assert [e.kind for e in row.explanations] == [kind]
    assert fragment in row.explanations[0].message


def test_exact_points_keep_their_exact_value() -> None:
    cmp = compare("sin(x)", at={"x": "pi/6"}, dps=40)
    with mpmath.workdps(40):
        assert abs(cmp.rows[0].reference - mpmath.cos(mpmath.pi / 6)) < mpmath.mpf("1e-38")


def test_mixed_and_second_partials() -> None:
    cmp = compare("x^2 y^3", at={"x": 1.5, "y": -0.5}, wrt=[["x", "y"], ["y", "y"]])
    assert [r.wrt for r in cmp.rows] == [("x", "y"), ("y", "y")]
    assert float(cmp.rows[0].reference) == pytest.approx(6 * 1.5 * 0.25)
    assert cmp.agree


@pytest.mark.parametrize("seed", range(40))
def test_random_smooth_expressions_agree(seed: int) -> None:
    """No false alarms: the rounding tolerance holds on expressions nothing is wrong with."""
    rng = np.random.default_rng(1000 + seed)
    expr = random_expression(rng)
    names = sorted(s.name for s in expr.free_symbols)
    if not names:
        pytest.skip("constant expression")
    cmp = compare(expr, at={n: float(rng.uniform(-1.5, 1.5)) for n in names})
    for row in cmp.rows:
        if not row.explanations:
            assert row.symbolic.agrees and row.autodiff is not None and row.autodiff.agrees, row


def test_a_wrong_autodiff_rule_is_a_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the tape (not SymPy): the comparison must catch it and the CLI must exit 1."""
    break_tape(monkeypatch, slightly_off)
    cmp = compare("sin(x) * y", at={"x": 0.3, "y": 2.0})
    assert not cmp.agree
    assert all(row.verdict == "disagree" and not row.autodiff.agrees for row in cmp.rows)  # type: ignore[union-attr]
    assert "DISAGREEMENT: autodiff is off by" in str(cmp)
    assert cli.main(["sin(x) * y", "--at", "x=0.3,y=2"]) == 1


def test_user_gradient_checker_catches_a_wrong_gradient() -> None:
    expr, at = "x^2 * sin(y)", {"x": 1.5, "y": 0.5}
    good = sd.check_gradient(lambda x, y: {"x": 2 * x * math.sin(y), "y": x**2 * math.cos(y)}, expr, at)
    assert good.ok and [p.verdict for p in good.partials] == ["agree", "agree"]
    wrong = sd.check_gradient(lambda x, y: [x * math.sin(y), x**2 * math.cos(y)], expr, at)  # forgot the 2
    assert not wrong.ok and [p.verdict for p in wrong.partials] == ["disagree", "agree"]
    assert "WRONG" in str(wrong)
    kink = sd.check_gradient(lambda x: [0.0], "abs(x)", {"x": 0})
    assert kink.ok and kink.partials[0].verdict == "explained"
    with pytest.raises(sd.EvaluationError, match="your gradient raised ZeroDivisionError"):
        sd.check_gradient(lambda x: 1 / 0, "x", {"x": 1})
    with pytest.raises(sd.EvaluationError, match="has 1 entries; the variables are x, y"):
        sd.check_gradient(lambda x, y: [1.0], "x*y", {"x": 1, "y": 1})


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("a*b + c", {"a": 2, "b": -3, "c": 10}),
        ("log(x)", {"x": -1}),
        ("abs(x)", {"x": 0}),
        ("1/x", {"x": 0}),
        ("h = tanh(w*x); L = (h - t)^2", {"w": 0.5, "x": 2, "t": 0.1}),
    ],
)
def test_json_has_the_design_keys_and_validates_against_the_schema(expr: str, at: dict[str, float]) -> None:
    data = json.loads(compare(expr, at=at).to_json())
    jsonschema.validate(data, SCHEMA)
    for key in ("expression", "variables", "at", "derivatives", "agree"):
        assert key in data
    for row in data["derivatives"]:
        for key in ("wrt", "expression", "latex", "symbolic", "autodiff", "finite_difference", "reference", "agree"):
            assert key in row
        assert set(row["finite_difference"]) >= {"value", "method", "step", "error_bound"}
        assert isinstance(row["reference"], str)


def test_json_without_a_point_validates_too(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["a*b + c", "--format", "json", "--hessian"])
    jsonschema.validate(json.loads(capsys.readouterr().out), SCHEMA)


def test_non_finite_numbers_are_strings_in_json() -> None:
    data = json.loads(compare("sqrt(x)", at={"x": 0}).to_json())
    assert data["derivatives"][0]["symbolic"] == "inf"
    assert json.dumps(data)  # strict JSON: no NaN or Infinity literals anywhere


def test_text_table() -> None:
    text = str(compare("a*b + c", at={"a": 2, "b": -3, "c": 10}))
    lines = text.splitlines()
    assert lines[0] == "f(a, b, c) = a*b + c"
    assert lines[1] == "at a = 2, b = -3, c = 10: f = 4"
    assert lines[3].split() == ["symbolic", "autodiff", "finite", "difference", "reference"]
    assert lines[4].split()[:5] == ["∂f/∂a", "=", "b", "-3", "-3"]
    assert lines[-1] == "✓ every method agrees with the 50-digit reference"


def test_latex_markdown_and_notebook_views() -> None:
    cmp = compare("3x^2 - 4x + 5", at={"x": 3})
    latex = cmp.to_latex()
    assert latex.startswith(r"\begin{gathered}") and r"\begin{array}{l|rrrr}" in latex
    assert r"\frac{d f}{d x} = 6 x - 4 & 14 & 14" in latex
    markdown = cmp.to_markdown()
    assert "| derivative | symbolic | autodiff | finite difference | reference | verdict |" in markdown
    assert r"| $\frac{d f}{d x} = 6 x - 4$ | 14 | 14 |" in markdown
    assert cmp._repr_markdown_() == markdown
    assert cmp._repr_latex_() == f"$$\n{latex}\n$$"


def test_point_errors_name_the_variables() -> None:
    with pytest.raises(sd.EvaluationError, match="missing a value for c"):
        compare("a*b + c", at={"a": 1, "b": 2})
    with pytest.raises(sd.EvaluationError, match="z does not occur"):
        compare("a*b", at={"a": 1, "b": 2, "z": 3})
    with pytest.raises(sd.LimitError, match="dps must be between 15 and 1000"):
        compare("x", at={"x": 1}, dps=10**9)
    # Found by fuzzing: nan reached mpmath as a raw TypeError.
    for value in (math.nan, math.inf, -math.inf, sp.oo, -sp.oo, sp.nan, sp.zoo, sp.I):
        with pytest.raises(sd.EvaluationError, match="the value of x must be a finite real number"):
            compare("x", at={"x": value})
    with pytest.raises(sd.EvaluationError, match="the step h must be a positive number"):
        compare("x", at={"x": 1}, fd="central", h=True)
    assert compare("x^2", at={"x": 1}, fd="central", h=np.float32(0.01)).rows[0].finite is not None


def test_cli_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["a*b + c", "--at", "a=2,b=-3,c=10"])
    out = capsys.readouterr().out
    assert status == 0 and "∂f/∂a = b" in out and out.rstrip().endswith("reference")
    status = cli.main(["log(x)", "--at", "x=-1"])
    out = capsys.readouterr().out
    assert status == 0 and "outside the domain" in out
    status = cli.main(["x^2 y", "--at", "x=1,y=2", "--hessian", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)["derivatives"]
    assert [r["wrt"] for r in rows] == [["x", "x"], ["x", "y"], ["y", "y"]]
