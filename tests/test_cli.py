"""The command line: output, formats, exit status, and errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli
from symdiff.symbolic import report


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_partial_derivative(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "a*b+c", "--wrt", "a")
    assert status == 0 and err == ""
    assert out.splitlines() == ["f(a, b, c) = a*b + c", "∂f/∂a = b"]


def test_seed_polynomial_uses_ordinary_notation(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "3x^2 - 4x + 5", "--wrt", "x")
    assert out.splitlines()[-1] == "df/dx = 6x - 4"


def test_all_first_partials_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "a*b + c")
    assert out.splitlines()[1:] == ["∂f/∂a = b", "∂f/∂b = a", "∂f/∂c = 1"]


def test_several_wrt_and_order(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "x^3 y^2", "--wrt", "x,y", "--order", "2")
    assert out.splitlines()[1:] == ["∂²f/∂x² = 6*x*y^2", "∂²f/∂y² = 2x^3"]
    _, out2, _ = run(capsys, "x^3 y^2", "--wrt", "x", "--wrt", "y", "--order", "2")
    assert out2 == out


def test_hessian(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "x*y^2", "--hessian")
    assert "x  [ 0  2y]" in out and "y  [2y  2x]" in out


def test_programs_name_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "h = tanh(w1*x); L = (h - t)^2", "--wrt", "w1")
    assert out.splitlines()[1].startswith("∂L/∂w1 = ")


def test_json_has_the_design_keys(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "a*b + c", "--wrt", "a", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert data["expression"] == "a*b + c"
    assert data["variables"] == ["a", "b", "c"]
    assert data["derivatives"] == [{"wrt": ["a"], "expression": "b", "latex": "b"}]
    for absent_without_a_point in ("at", "agree"):
        assert absent_without_a_point not in data


def test_json_expression_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "sin(x)^2 / (1 + x^2)", "--format", "json")
    derivative = json.loads(out)["derivatives"][0]["expression"]
    assert sp.simplify(sd.parse(derivative) - sd.diff("sin(x)^2 / (1 + x^2)", "x")) == 0


def test_latex_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "a*b + c", "--wrt", "a", "--format", "latex")
    assert out.strip() == "\\begin{aligned}\nf &= a b + c \\\\\n\\frac{\\partial f}{\\partial a} &= b\n\\end{aligned}"
    _, md, _ = run(capsys, "a*b + c", "--wrt", "a", "--format", "markdown")
    assert md.strip() == f"$$\n{out.strip()}\n$$"


def test_absent_variable_is_zero_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "a*b + c", "--wrt", "z")
    assert status == 0
    assert out.splitlines()[-1] == "∂f/∂z = 0"
    assert "z does not occur in the expression (its variables: a, b, c)" in err


@pytest.mark.parametrize(
    ("text", "point", "lost", "value"),
    [
        ("x - x + y^2", "x=1,y=3", "x cancels", 6.0),
        ("max(2, y, frac(z - x - e))", "x=1,y=3,z=3", "x, z cancel", 1.0),  # frac < 1 < 2
        ("h = x - x + y^2; 2h", "x=1,y=3", "x cancels", 12.0),
    ],
)
def test_a_value_of_a_variable_that_cancels_out_is_not_used_with_a_note(
    capsys: pytest.CaptureFixture[str], text: str, point: str, lost: str, value: float
) -> None:
    # the user wrote x, so its value is no typo; it used to be "x does not occur in the expression"
    status, out, err = run(capsys, text, "--at", point, "--format", "json")
    assert status == 0, err
    assert err.startswith(f"symdiff: note: {lost} out of the expression as SymPy reads it (f = ")
    assert len(err.splitlines()) == 1
    rows = json.loads(out)["derivatives"]
    assert [r["wrt"] for r in rows] == [["y"]] and float(rows[0]["reference"]) == pytest.approx(value, abs=1e-12)


def test_a_value_of_a_variable_never_written_is_still_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "x - x + y", "--at", "y=1,z=2")
    assert status == 2 and "z does not occur in the expression (its variables: y)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tanhh(x)"], "unknown function 'tanhh'; did you mean 'tanh'?"),
        (["__import__('os').getcwd()"], "names may not start with '_'"),
        (["x", "--wrt", "x+1"], "--wrt expects variable names"),
        (["x", "--wrt", ""], "--wrt expects variable names"),
        (["x", "--order", "-1"], "order must be at least 1"),
        (["x", "--order", "1000"], "order 1000 is above the limit of 10"),
        (["x", "--limit", "max_order"], "--limit expects NAME=VALUE"),
        (["x", "--limit", "max_order=lots"], "needs a whole number"),
        (["x", "--order", "2.5"], "expected a whole number or a name"),
        (["x", "--format", "pdf"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    with_exit = _status_of(lambda: cli.main(args))
    _, err = capsys.readouterr()
    assert with_exit == 2
    assert message in err
    assert "Traceback" not in err
    assert err.startswith("symdiff: error: ")


def _status_of(call: object) -> int:
    try:
        return call()  # type: ignore[operator,no-any-return]
    except SystemExit as exit_:  # argparse exits for malformed options
        return int(exit_.code or 0)


def test_parse_errors_show_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "1 + tanhh(x)")
    assert status == 2
    assert err.splitlines() == [
        "symdiff: error: column 5: unknown function 'tanhh'; did you mean 'tanh'?",
        "  1 + tanhh(x)",
        "      ^^^^^",
    ]


def test_limits_can_be_raised_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "x^12", "--order", "11", "--limit", "max_order=12")
    assert status == 0 and out.splitlines()[-1] == "d¹¹f/dx¹¹ = 479001600x"


def test_internal_errors_are_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "derivatives", broken)  # the command line imports it when it is needed
    status, _, err = run(capsys, "x")
    assert status == 3
    assert err.strip() == "symdiff: internal error: RuntimeError: boom (run with --debug and report it)"
    status, _, err = run(capsys, "x", "--debug")
    assert status == 3 and "Traceback" in err


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert _status_of(lambda: cli.main(["--help"])) == 0
    out, _ = capsys.readouterr()
    assert 'python -m symdiff "a*b + c" --wrt a' in out


@pytest.mark.parametrize("command", [[sys.executable, "-m", "symdiff"], ["symdiff"]], ids=["module", "script"])
def test_module_and_console_script_entry_points(command: list[str]) -> None:
    if command == ["symdiff"] and shutil.which("symdiff") is None:
        pytest.skip("the symdiff console script is not on PATH (the package is not installed)")
    result = subprocess.run([*command, "a*b + c", "--wrt", "a"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.endswith("∂f/∂a = b\n")
    hostile = subprocess.run([*command, "__import__('os').getcwd()"], capture_output=True, text=True, check=False)
    assert hostile.returncode == 2 and "Traceback" not in hostile.stderr


def test_autodiff_at_a_point(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "a*b + c", "--at", "a=2,b=-3,c=10", "--autodiff")
    assert status == 0
    assert out.splitlines() == [
        "f = a*b + c",
        "at a = 2, b = -3, c = 10:",
        "  f = 4",
        "  ∂f/∂a = -3",
        "  ∂f/∂b = 2",
        "  ∂f/∂c = 1",
    ]
    _, out, _ = run(capsys, "sin(x)", "--at", "x=pi/3", "--autodiff", "--format", "json")
    data = json.loads(out)
    assert data["gradient"]["x"] == pytest.approx(0.5, rel=1e-15)
    assert data["at"] == {"x": pytest.approx(1.0471975511965976, rel=1e-16)}


def test_repeated_at_and_fractions(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "a*b", "--at", "a=1/3", "--at", "b=3", "--autodiff")
    assert out.splitlines()[1] == "at a = 1/3, b = 3:"
    assert out.splitlines()[3] == "  ∂f/∂a = 3"


def test_tape_listing_and_trace(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "h = tanh(w1*x); L = (h - t)^2", "--tape")
    assert out.splitlines() == ["inputs: t, w1, x", "v1 = w1 * x", "h = tanh(v1)", "v2 = h - t", "L = v2 ^ 2"]
    _, out, _ = run(capsys, "h = tanh(w1*x); L = (h - t)^2", "--tape", "--at", "w1=0.5,x=2,t=0.3")
    assert "h = tanh(v1)  0.761594   0.923188" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a*b", "--at", "a="], "has no value for a"),
        (["a*b", "--at", "=2"], "has no variable name"),
        (["a*b", "--at", "a=2=3"], "more than one '='"),
        (["a*b", "--at", "a=foo", "--autodiff"], "must be a number"),
        (["a*b", "--at", "a=2", "--autodiff"], "missing a value for b"),
        (["a*b", "--at", "a=2,b=3,z=1", "--autodiff"], "z does not occur in the expression"),
        (["a*b", "--at", "a=1", "--at", "a=2"], "gives a twice"),
        (["a*b", "--graph", "/nonexistent-folder/g.svg"], "cannot write /nonexistent-folder/g.svg"),
        (["a*b", "--graph", "g.txt"], "use one of .dot"),
    ],
)
def test_bad_points_and_paths(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    status, _, err = run(capsys, *args)
    assert status == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("graphviz", [True, False], ids=["with Graphviz", "without Graphviz"])
def test_a_missing_folder_is_named_whether_or_not_graphviz_is_installed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, graphviz: bool
) -> None:
    if not graphviz:  # a fresh machine: the folder is still the first thing wrong, then the missing program
        monkeypatch.setattr(shutil, "which", lambda program: None)
    status, _, err = run(capsys, "a*b", "--graph", str(tmp_path / "missing" / "g.svg"))
    assert status == 2 and "the folder" in err and "does not exist" in err
    if not graphviz:
        status, _, err = run(capsys, "a*b", "--graph", str(tmp_path / "g.svg"))
        assert status == 2 and "needs Graphviz's dot program" in err and "g.dot" in err


def test_graph_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "a*b + c", "--at", "a=2,b=-3,c=10", "--graph", str(tmp_path / "g.dot"))
    assert status == 0 and "wrote" in err
    dot = (tmp_path / "g.dot").read_text()
    assert "value 4" in dot and "grad -3" in dot
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    status, _, _ = run(capsys, "a*b + c", "--at", "a=2,b=-3,c=10", "--graph", str(tmp_path / "g.svg"))
    assert status == 0 and (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")


def test_expressions_may_start_with_a_minus_sign(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["-x^2 + 1", "--wrt", "x"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "df/dx = -2x"
    assert cli.main(["--wrt", "x", "-x^3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "df/dx = -3x^2"
    with pytest.raises(SystemExit):
        cli.main(["x", "--wrtt", "x"])
    assert "unrecognized arguments: --wrtt" in capsys.readouterr().err


def test_the_nth_derivative_for_a_symbolic_order(capsys: pytest.CaptureFixture[str]) -> None:
    """--order n passed the argument checks of a whole order once (it was refused as 'not a whole number')."""
    status, out, err = run(capsys, "exp(2x) + sin(3x)", "--order", "n", "--wrt", "x")
    assert status == 0, err
    formula = sd.diff("exp(2x) + sin(3x)", "x", order="n")
    x = sp.Symbol("x", real=True)
    for k in range(1, 5):  # the formula against sympy.diff of each order
        at_k = formula.subs({s: k for s in formula.free_symbols if s.name == "n"})
        assert sp.simplify(at_k - sp.diff(sp.exp(2 * x) + sp.sin(3 * x), x, k)) == 0
    assert "d^nf/dx^n = " in out and "for every whole n ≥ 1" in out
    status, _, err = run(capsys, "x*exp(2x)", "--order", "n")
    assert status == 2 and err.count("\n") == 1 and "give n as a number" in err
