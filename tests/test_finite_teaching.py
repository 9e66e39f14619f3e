"""Teaching: explain() takes a finite difference apart; the step sweep and its plot; the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest

import symdiff as sd
from symdiff import cli

SEED = "3x^2 - 4x + 5"


def test_seed_explanation_tells_the_14_003_story() -> None:
    text = sd.finite_difference(SEED, "x", {"x": 3}, method="forward", h=0.001).explain()
    lines = text.splitlines()
    assert lines[0] == "f(x) = 3x^2 - 4x + 5 at x = 3"
    assert "  f'(x) ≈ [f(x + h) - f(x)] / h" in lines
    assert "        = [f(3.001) - f(3)] / 0.001" in lines
    assert "        = [20.014003000000002 - 20] / 0.001" in lines
    assert "        = 14.00300000000243" in lines
    assert "exact: df/dx = 6x - 4 = 14" in lines
    assert "true error: 0.00300000000243, made of" in lines
    assert any(line.startswith("  truncation      0.003  ") and "h·f''(x)/2 = 0.003" in line for line in lines)
    assert any("x + h = 3.001 is stored as 3.00099999999999988987" in line for line in lines)
    assert "so 14.00300000000243 = 14 + 0.003 + 2.43e-12  (exact + truncation + rounding)" in lines
    assert any(line.startswith("error bound: 0.0030000000") and line.endswith("it holds") for line in lines)
    assert lines[-1].startswith("status: warning: ")


def test_the_parts_of_the_true_error_add_up() -> None:
    from symdiff.finite.explain import explanation

    e = explanation(sd.finite_difference("sin(x) + x^3", "x", {"x": 0.7}, method="central", h=1e-3))
    assert e.truncation is not None and e.step is not None and e.rounding is not None
    with mpmath.workdps(50):
        assert abs(e.truncation + e.step + e.rounding - e.true_error) < mpmath.mpf(10) ** -40
    assert e.leading is not None and abs(e.truncation / e.leading - 1) < 1e-5  # h²f'''/6 dominates
    assert e.held


@pytest.mark.parametrize(
    ("expr", "wrt", "options", "expected"),
    [
        ("exp(x)", "x", {}, "complex step with h = 2^-664 ≈ 1e-200:"),
        ("sin(x)", "x", {"method": "richardson"}, "Richardson extrapolation, best entry: "),
        ("exp(x)", "x", {"method": "mpmath"}, "  at full precision: 2.718281828459045235360287471352662497757247"),
        ("x^2 y", ["x", "y"], {}, "complex step in x, then Richardson"),
    ],
)
def test_every_kind_of_result_can_be_explained(expr: str, wrt: str | list[str], options: dict, expected: str) -> None:
    point = {"x": 1.0, "y": 2.0} if "y" in expr else {"x": 1.0}
    text = sd.finite_difference(expr, wrt, point, **options).explain()
    assert expected in text
    assert "it holds" in text and "true error: " in text


def test_explain_wants_a_single_point() -> None:
    r = sd.finite_difference("x^2", "x", {"x": np.array([1.0, 2.0])})
    with pytest.raises(sd.SymdiffError, match="one point"):
        r.explain()


def test_true_error_is_there_once_the_exact_value_is() -> None:
    r = sd.finite_difference(SEED, "x", {"x": 3}, method="forward", h=0.001)
    assert r.true_error is None
    checked = r.with_exact()
    assert checked.exact == 14.0 and checked.true_error == pytest.approx(0.00300000000243, rel=1e-9)


# -- the step sweep -------------------------------------------------------------------------------


def test_sweep_has_one_error_and_bound_per_step_for_each_method() -> None:
    sweep = sd.step_sweep("exp(x)", "x", {"x": 1.0})
    assert sweep.steps.shape == (65,) and np.all(np.diff(sweep.steps) > 0)
    assert set(sweep.errors) == {"forward", "central", "complex"} == set(sweep.bounds)
    for method in sweep.errors:
        assert sweep.errors[method].shape == sweep.steps.shape
        assert np.all(sweep.errors[method] <= sweep.bounds[method]), f"{method}: a bound did not hold"
    assert sweep.exact == pytest.approx(np.e, rel=1e-15)


def test_sweep_shows_truncation_and_rounding_regions() -> None:
    """The V: error ∝ hᵖ for large h, ∝ 1/h for small h; the complex step stays at rounding level."""
    h = np.logspace(-14, -1, 14)  # 1e-14 … 1e-1
    sweep = sd.step_sweep("exp(x)", "x", {"x": 1.0}, steps=h)
    forward, central, complex_ = (sweep.errors[m] for m in ("forward", "central", "complex"))
    # truncation side: slope 1 for forward, 2 for central (one decade of h → one or two of error)
    assert forward[-1] / forward[-2] == pytest.approx(10, rel=0.1)
    assert central[-2] / central[-3] == pytest.approx(100, rel=0.1)
    # rounding side: smaller h, larger error (compare decades apart, rounding is noisy)
    assert forward[0] > 100 * forward[6] and central[0] > 100 * central[8]
    # the best steps: about sqrt(eps) for forward, cube root for central
    assert 1e-9 <= sweep.best_step("forward") <= 1e-7 and 1e-7 <= sweep.best_step("central") <= 1e-4
    assert np.all(complex_[h <= 1e-8] <= 1e-15 * np.e)


def test_sweep_leaves_out_the_complex_step_where_it_does_not_apply() -> None:
    sweep = sd.step_sweep("x*abs(x)", "x", {"x": 0.5}, steps=[1e-3, 1e-2])
    assert set(sweep.errors) == {"forward", "central"}


def test_plot_writes_an_image(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    written = sd.plot_step_sweep(sd.step_sweep("sin(x)", "x", {"x": 1.0}), tmp_path / "sweep.png")
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as if not installed
    with pytest.raises(sd.SymdiffError, match=r'pip install "symdiff\[plot\]"'):
        sd.plot_step_sweep(sd.step_sweep("sin(x)", "x", {"x": 1.0}, steps=[1e-3]), tmp_path / "sweep.png")


# -- the command line --------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_explains_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, SEED, "--at", "x=3", "--fd", "forward", "--h", "0.001", "--explain")
    assert status == 0 and err == ""
    assert out == sd.finite_difference(SEED, "x", {"x": 3}, method="forward", h=0.001).explain() + "\n"


def test_cli_explains_each_partial(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "a*b + c", "--at", "a=2,b=-3,c=10", "--wrt", "a,c", "--explain")
    assert status == 0 and out.count("exact: ") == 2 and "∂f/∂a = b = -3" in out and "∂f/∂c = 1 = 1" in out


def test_cli_plot_steps_draws_the_sweep(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "sweep.png"
    status, out, err = run(capsys, "exp(x)", "--at", "x=1", "--plot-steps", str(target))
    assert status == 0 and out == "" and err == f"symdiff: wrote {target}\n" and target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exp(x)", "--at", "x=1", "--plot-steps", "/no/such/folder/sweep.png"], "cannot write /no/such/folder/"),
        (["exp(x)", "--at", "x=1", "--plot-steps", "sweep.txt"], "use one of .png, .svg, .pdf"),
        (["exp(x)", "--plot-steps", "sweep.png"], "need a point"),
        (["exp(x)", "--explain"], "need a point"),
        (["abs(x)", "--at", "x=1", "--fd", "complex", "--explain"], "needs an analytic expression, but abs is not"),
        (["exp(x)", "--at", "x=1", "--fd", "mpmath", "--dps", "3", "--explain"], "dps must be between"),
    ],
)
def test_cli_errors_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2 and out == ""
    assert err.startswith("symdiff: error: ") and message in err and err.count("\n") == 1
