"""Array programs from the command line: shapes, values, the tape, the comparison, and errors (exit 2)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symdiff import cli

LAYER = "x: 3; W: 2x3; b: 2; h = relu(W x + b); L = sum(h^2)"
POINT = "W=[[1,2,3],[-1,0,1]],x=[1,-1,0.5],b=[0,-0.5]"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_tape_at_a_point_given_as_lists(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, LAYER, "--tape", "--at", POINT)
    assert status == 0
    assert "v1 = W @ x    (2,)" in out
    # W x + b = [0.5, -1]: relu keeps the first, so ∂L/∂W = [[2·0.5·1, 2·0.5·(-1), 2·0.5·0.5], [0, 0, 0]]
    assert "W             [[1, 2, 3], [-1, 0, 1]]  [[1, -1, 0.5], [0, 0, 0]]" in out


def test_autodiff_json_writes_arrays_as_nested_lists(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, LAYER, "--autodiff", "--at", POINT, "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["gradient"]["W"] == [[1.0, -1.0, 0.5], [0.0, 0.0, 0.0]]
    assert data["value"] == 0.25


def test_shapes_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "L = sum(relu(W x))", "--shape", "W=2x3", "--shape", "x=3", "--tape")
    assert status == 0 and out.startswith("inputs: W (2, 3), x (3,)")


def test_random_values_are_reproducible_and_the_comparison_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "A: 3x2; x: 2; b: 3; L = norm(A x - b)^2", "--random", "4", "--format", "json")
    second = run(capsys, "A: 3x2; x: 2; b: 3; L = norm(A x - b)^2", "--random", "4", "--format", "json")
    assert first == second and first[0] == 0
    data = json.loads(first[1])
    assert data["agree"] and {g["wrt"] for g in data["gradients"]} == {"A", "b", "x"}
    # ∂L/∂x = 2Aᵀ(Ax - b), recomputed from the values the comparison used
    rng = np.random.default_rng(4)
    a, b, x = rng.standard_normal((3, 2)), rng.standard_normal(3), rng.standard_normal(2)
    expected = 2 * a.T @ (a @ x - b)
    checks = next(g for g in data["gradients"] if g["wrt"] == "x")["checks"]
    assert [c["autodiff"] for c in checks] == pytest.approx(list(expected), rel=1e-13)
    assert [float(c["reference"]) for c in checks] == pytest.approx(list(expected), rel=1e-13)


def test_without_a_point_the_gradient_is_written_as_matrix_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "x: 3; W: 2x3; b: 2; t: 2; h = tanh(W x + b); L = mse(h, t)", "--wrt", "W")
    assert status == 0 and "∂L/∂W = ((h - t) ⊙ (1 - h^2)) xᵀ" in out  # mse of 2 elements: 2/2 = 1


def test_a_wrong_gradient_found_by_the_comparison_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from symdiff.tape import array_tape

    original = array_tape.ArrayTape._value_and_gradient

    def broken(self: array_tape.ArrayTape, values: object, per_sample: bool) -> tuple[object, dict[str, object]]:
        value, gradient = original(self, values, per_sample)  # type: ignore[arg-type]
        return value, {k: np.asarray(g) * 1.001 for k, g in gradient.items()}

    monkeypatch.setattr(array_tape.ArrayTape, "_value_and_gradient", broken)
    status, out, _ = run(capsys, "A: 3x2; x: 2; L = sum(sin(A x))", "--random", "1")
    assert status == 1 and "✗" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["W1: 64x10; x: 12; y = W1 x"], "W1 x: (64, 10) times (12,)"),
        (["x: 3; L = sum(x) + z"], "z has no declared shape"),
        (["L = sum(W x)", "--shape", "W=2x"], "is not a shape"),
        (["L = sum(W x)", "--shape", "W"], "--shape expects NAME=SIZES"),
        ([LAYER, "--tape", "--at", "W=[[1,2],[3,4]],x=[1,2,3],b=[0,0]"], "W must have shape (2, 3)"),
        ([LAYER, "--tape", "--at", "W=[[1,2,3],[4,5]],x=[1,2,3],b=[0,0]"], "different lengths"),
        ([LAYER, "--order", "3"], "up to order 2"),
    ],
)
def test_bad_shapes_and_values_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, _, err = run(capsys, *args)
    assert status == 2, err
    assert message in err and "Traceback" not in err
