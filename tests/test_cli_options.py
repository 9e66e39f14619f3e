"""Command-line options that used to be ignored or accepted silently: each is honoured or refused (exit 2)."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from symdiff import cli


@pytest.mark.parametrize(
    "argv",
    [
        ["x", "--at", "x=1", "--dps", "0"],
        ["x^2", "--at", "x=1", "--fd", "central", "--h", "0"],
        ["x^2", "--at", "x=1", "--fd", "central", "--h", "-1"],
        ["x^2", "--at", "x=1", "--fd", "central", "--h", "nan"],
        ["x^2", "--at", "x=1", "--h", "0.1"],  # --fd auto chooses its own step
        ["x^2", "--at", "x=1", "--tape", "--format", "latex"],
        ["x^2", "--at", "x=1", "--autodiff", "--format", "markdown"],
        ["x^2", "--at", "x=1", "--explain", "--format", "json"],
    ],
)
def test_options_that_cannot_be_honoured_are_input_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symdiff: error: ") and len(err.strip().splitlines()) == 1


def test_a_step_with_a_fixed_method_is_used_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["x^2", "--at", "x=1", "--fd", "forward", "--h", "0.5", "--format", "json"]) == 0
    fd = json.loads(capsys.readouterr().out)["derivatives"][0]["finite_difference"]
    assert fd["step"] == 0.5 and fd["value"] == pytest.approx(2.5)  # ((1.5)^2 - 1)/0.5


def test_tape_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["a*b + c", "--tape", "--at", "a=2,b=-3,c=10", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"] == ["a", "b", "c"]
    adjoints = {row["node"]: row["adjoint"] for row in data["trace"]}
    assert adjoints["a"] == -3.0 and adjoints["b"] == 2.0 and adjoints["c"] == 1.0


def test_autodiff_mentions_a_kink(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["relu(x)", "--at", "x=0", "--autodiff"]) == 0
    assert "kink" in capsys.readouterr().out
    assert cli.main(["relu(x)", "--at", "x=0", "--autodiff", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kinks"] == ["f = relu(x)"]


def test_hessian_honours_wrt_without_a_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["a*b + c", "--hessian", "--wrt", "b,a", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    b, a = sp.symbols("b a")
    expected = sp.hessian(a * b + sp.Symbol("c"), (b, a))  # ∂²/∂b², ∂²/∂b∂a, … in the order asked
    assert data["hessian_variables"] == ["b", "a"]
    assert data["hessian"] == [[str(e) for e in row] for row in expected.tolist()]
