"""Outputs that cannot mislead, and a command line that says what happened.

Listings read top to bottom compute the function; distinct names print distinctly; tables
keep their cells; exports carry no live text; files are written whole, and links are not
written through; a failed write has its own exit status; JSON errors are JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli
from symdiff.language.dag import PRINTABLE_NODES
from symdiff.language.parser import symbol
from symdiff.language.printing import latex_names

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("v1*v2 + sin(v1*v2)", {"v1": 1.0, "v2": 2.0}),
        ("v3*exp(v1) + v2*v3", {"v1": 0.5, "v2": -1.0, "v3": 2.0}),
        ("f*x + sin(f)", {"f": 0.3, "x": 2.0}),
    ],
)
def test_a_tape_listing_read_as_a_program_computes_the_function(expr: str, at: dict[str, float]) -> None:
    """Temporaries are numbered past the names in use: the listing printed v1 = v1 * v2."""
    _, *lines = str(sd.Tape(expr)).splitlines()  # the first line names the inputs
    assert len({line.split(" = ")[0] for line in lines}) == len(lines)  # each name defined once
    program = "; ".join(line.replace(" ^ ", "^") for line in lines)
    expected = sd.parse(expr).xreplace({symbol(k): sp.Float(v) for k, v in at.items()})
    assert sd.Tape(program).value(at) == pytest.approx(float(expected), rel=1e-14)


@pytest.mark.parametrize("names", [("x1", "x_1"), ("alpha1", "alpha_1"), ("w12", "w_12", "w1_2")])
def test_names_sympy_prints_alike_print_distinctly(names: tuple[str, ...]) -> None:
    expr = sp.Add(*(symbol(n) ** (k + 2) for k, n in enumerate(names)))
    latex = sd.to_latex(expr)
    alone = {n: sd.to_latex(symbol(n), names=latex_names(names)) for n in names}
    assert len(set(alone.values())) == len(names), alone
    assert all(shown in latex for shown in alone.values()), latex


def test_a_comparison_in_latex_tells_x1_from_x_1() -> None:
    table = sd.compare("x1*x_1", {"x1": 1, "x_1": 2}).to_latex()
    labels = re.findall(r"\\partial (\\mathit\{x1\}|x_\{1\})\}", table)
    assert sorted(set(labels)) == [r"\mathit{x1}", "x_{1}"], table


def test_a_markdown_table_keeps_its_cells_with_abs() -> None:
    markdown = pytest.importorskip("markdown")
    text = sd.compare("abs(x)*y", {"x": 1, "y": 2}).to_markdown()
    html = markdown.markdown(text, extensions=["tables"])
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    assert rows and all(len(re.findall(r"<t[dh]", row)) == 6 for row in rows)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert any(r"\vert" in line for line in table) and not any("|{x}" in line for line in table)


def test_names_that_are_not_names_cannot_reach_an_export() -> None:
    evil = sp.Symbol('x\nimport os; os.system("echo PWNED")  #')
    with pytest.raises(sd.SymdiffError, match="is not a name"):
        sd.Tape(2 * evil + 1)
    # and the exports write no raw control character even for a graph built without the checks
    from symdiff.render.tape import dot, source_header
    from symdiff.tape.graph import lower

    graph = lower(2 * evil + 1)
    assert len(source_header(graph).splitlines()) == 2
    assert all(line.startswith(("digraph", "  ", "}")) for line in dot(graph).splitlines())


@pytest.mark.parametrize(
    ("expr", "expected"),
    [("log(x, 2)", 1 / (symbol("x") * sp.log(2))), ("log(x, y)", 1 / (symbol("x") * sp.log(symbol("y"))))],
)
def test_logarithms_to_a_valid_base_still_work(expr: str, expected: sp.Expr) -> None:
    assert sp.simplify(sd.diff(expr, "x") - expected) == 0


def test_a_derivative_too_long_to_print_is_described_and_its_numbers_shown() -> None:
    program = "; ".join(["u1 = sin(x)*y + x", *(f"u{k} = sin(u{k - 1})*u{k - 1} + y*u{k - 1}" for k in range(2, 9))])
    cmp = sd.compare(program, {"x": 0.1, "y": 0.2})
    assert "(not written out: 30,487,416 nodes" in cmp.to_text()
    data = json.loads(cmp.to_json())
    row = data["derivatives"][0]
    assert row["expression"] is None and row["latex"] is None and row["written_size"] > PRINTABLE_NODES
    assert cmp.agree and row["symbolic"] == pytest.approx(row["autodiff"], rel=1e-12)
    with pytest.raises(sd.LimitError, match="max_nodes"):
        sd.to_text(cmp.rows[0].derivative)


def test_integers_of_any_size_are_printed() -> None:
    big = sp.Integer(10) ** 5000 + 7
    assert sd.to_text(big).endswith("0007") and len(sd.to_text(big)) == 5001
    assert sd.to_latex(sp.Rational(1, big)).startswith(r"\frac{1}{1000")
    assert sd.diff(f"{'9' * 5000}*x", "x", limits=sd.Limits(max_digits=10_000)) == 10**5000 - 1


def test_the_tape_has_no_depth_limit() -> None:
    """Nested 3,000 deep, checked against Horner's rule by hand (the tape used to stop at 163)."""
    x = symbol("x")
    nested: sp.Expr = x
    for _ in range(3000):
        nested = sp.Add(sp.Mul(nested, sp.Rational(1, 2), evaluate=False), 1, evaluate=False)
    with mpmath.workdps(30):
        value = mpmath.mpf("0.5")
        for _ in range(3000):
            value = value / 2 + 1
    assert sd.Tape(nested).value(x=0.5) == pytest.approx(float(value), rel=1e-14)
    assert sd.Tape(nested).gradient(x=0.5)["x"] == pytest.approx(0.0, abs=1e-300)  # (1/2)^3000 underflows


def test_a_hessian_beyond_a_screen_lists_its_nonzero_entries(capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"x{i}" for i in range(40)]
    expr = " + ".join(f"{n}^2" for n in names) + " + x0*x1"
    assert cli.main([expr, "--hessian"]) == 0
    text = capsys.readouterr().out
    assert "Hessian of f: 40×40 (1,600 entries); the 41 on or above the diagonal that are not 0" in text
    assert cli.main([expr, "--hessian", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)["hessian_entries"]
    expected = sp.hessian(sd.parse(expr), [symbol(n) for n in names])
    found = {tuple(e["wrt"]): sd.parse(e["expression"]) for e in entries}
    nonzero = {(names[i], names[j]): expected[i, j] for i in range(40) for j in range(i, 40) if expected[i, j] != 0}
    assert found == nonzero


def test_reference_digits_follow_the_raised_limit() -> None:
    cmp = sd.compare("exp(x)*sin(x)", {"x": 1}, dps=2000, limits=sd.Limits(max_dps=5000))
    with mpmath.workdps(2010):
        exact = mpmath.exp(1) * (mpmath.sin(1) + mpmath.cos(1))
        assert abs(cmp.rows[0].reference - exact) < mpmath.mpf(10) ** -1990


# -- the command line ---------------------------------------------------------------------------


def _symdiff(*args: str, buffered: bool = False, **streams: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if buffered:  # as on a machine without PYTHONUNBUFFERED: Python flushes again at exit
        env.pop("PYTHONUNBUFFERED", None)
    else:
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "symdiff", *args],
        text=True,
        check=False,
        env=env,
        **streams,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize("buffered", [False, True])
def test_an_output_that_cannot_be_written_has_its_own_status(buffered: bool) -> None:
    with open("/dev/full", "w") as full:
        result = _symdiff("x^2", "--wrt", "x", buffered=buffered, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 4 and "could not write the output" in result.stderr
    assert "internal error" not in result.stderr and "Exception ignored" not in result.stderr


@pytest.mark.parametrize("buffered", [False, True])
def test_an_input_error_is_status_2_even_when_stderr_cannot_be_written(buffered: bool) -> None:
    with open("/dev/full", "w") as full:
        result = _symdiff("x^^2", "--wrt", "x", buffered=buffered, stdout=subprocess.DEVNULL, stderr=full)
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (["x^^2"], {"error": "column 3: expected something after '^', found '^'", "line": 1, "column": 3}),
        (["x^2", "--order", "11"], {"kind": "LimitError", "limit": "max_order"}),
    ],
)
def test_json_errors_are_json_on_stdout(capsys: pytest.CaptureFixture[str], args: list[str], keys: dict) -> None:
    assert cli.main([*args, "--format", "json"]) == 2
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert keys.items() <= data.items()
    assert err.startswith("symdiff: error: ")


def test_files_are_not_written_through_links_and_overwrites_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("target.txt").write_text("keep")
    Path("link.dot").symlink_to("target.txt")
    assert cli.main(["x*y", "--graph", "link.dot"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert cli.main(["x*y", "--graph", "link.dot", "--force"]) == 0
    assert "overwrote link.dot" in capsys.readouterr().err
    assert Path("target.txt").read_text() == "keep" and not Path("link.dot").is_symlink()
    assert cli.main(["x*y", "--graph", "g.dot"]) == 0
    assert "wrote g.dot" in capsys.readouterr().err
    assert cli.main(["x*y", "--graph", "g.dot"]) == 0
    assert "overwrote g.dot" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot", "link.dot", "target.txt"]  # no temporary left
