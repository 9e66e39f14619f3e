"""f, its tangent at a point and f′: the picture's data, checked against SymPy (no image snapshots)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli

pytest.importorskip("matplotlib")

from symdiff.render.tangent import figure

SEED = "3x^2 - 4x + 5"
X = sp.Symbol("x", real=True)


def lines(picture: sd.Tangent) -> dict[str, dict[str, Any]]:
    """Every line of the figure by the start of its legend label: panel, x and y data."""
    found = {}
    for panel, axes in zip(("f", "df"), figure(picture).axes, strict=True):
        for line in axes.get_lines():
            label = str(line.get_label())
            if not label.startswith("_"):
                found[label] = {"panel": panel, "x": np.asarray(line.get_xdata(), float), "y": line.get_ydata()}
    return found


def line(picture: sd.Tangent, start: str) -> dict[str, Any]:
    matches = [data for label, data in lines(picture).items() if label.startswith(start)]
    assert len(matches) == 1, f"no single line labelled {start!r}: {list(lines(picture))}"
    return matches[0]


def slope_of(data: dict[str, Any]) -> float:
    x, y = data["x"], np.asarray(data["y"], float)
    return float((y[-1] - y[0]) / (x[-1] - x[0]))


def test_the_seeds_tangent_has_the_symbolic_derivatives_slope() -> None:
    picture = sd.tangent(SEED, "x", {"x": 3})
    f = 3 * X**2 - 4 * X + 5
    tangent = line(picture, "tangent:")
    assert slope_of(tangent) == pytest.approx(float(sp.diff(f, X).subs(X, 3)), rel=1e-14)  # 14
    assert np.interp(3, tangent["x"], tangent["y"]) == pytest.approx(20, rel=1e-14)
    assert str(picture) == "tangent to f = 3x^2 - 4x + 5 at x = 3: 14x - 22 (slope 14)"
    curve, derivative = line(picture, "f(x) = 3x^2 - 4x + 5"), line(picture, "f′(x) = 6x - 4")
    assert curve["panel"] == "f" and derivative["panel"] == "df"
    expected = sp.lambdify(X, f)(curve["x"])
    assert np.allclose(curve["y"], expected, rtol=1e-14)
    assert np.allclose(derivative["y"], 6 * derivative["x"] - 4, rtol=1e-14)
    assert curve["x"].min() <= 2 / 3 <= curve["x"].max()  # the vertex is in the picture
    assert line(picture, "(3, 20)")["panel"] == "f" and line(picture, "f′(3) = 14")["panel"] == "df"


@pytest.mark.parametrize(
    ("text", "f", "at"),
    [
        ("sin(x)", sp.sin(X), sp.pi / 4),
        ("exp(x) x^2", sp.exp(X) * X**2, sp.Rational(-1, 2)),
        ("log(1 + x^2)", sp.log(1 + X**2), 2),
        ("(x^2 + 1)/(x - 1)", (X**2 + 1) / (X - 1), 3),
        ("sqrt(x)", sp.sqrt(X), 4),
        ("atan(x)", sp.atan(X), sp.Rational(7, 10)),
    ],
)
def test_the_tangents_slope_is_sympys_derivative(text: str, f: sp.Expr, at: sp.Expr) -> None:
    picture = sd.tangent(text, "x", {"x": at})
    expected = float(sp.diff(f, X).subs(X, at))
    assert slope_of(line(picture, "tangent:")) == pytest.approx(expected, rel=1e-12)
    by_sympy = f.subs(X, at) + sp.diff(f, X).subs(X, at) * (X - at)
    if picture.line.has(sp.Float):  # e^(-1/2) is written as a decimal, to 6 digits
        for x in (0, 1):
            assert float(picture.line.subs(X, x)) == pytest.approx(float(by_sympy.subs(X, x)), rel=1e-5)
    else:
        assert sp.simplify(picture.line - by_sympy) == 0


def test_other_variables_are_held_at_the_point() -> None:
    picture = sd.tangent("x*y^2", "x", {"x": 1, "y": 3})
    assert slope_of(line(picture, "tangent:")) == 9
    curve = line(picture, "f(x) with y = 3")
    assert np.allclose(curve["y"], 9 * curve["x"])


def test_the_picture_stays_where_f_is_defined() -> None:
    picture = sd.tangent("log(x)", "x", {"x": 1})
    curve = line(picture, "f(x) = log(x)")
    assert curve["x"].min() > 0 and np.all(np.isfinite(curve["y"]))
    assert curve["x"].min() < 0.01  # cut at the domain's edge, not somewhere inside


def test_nan_where_f_is_undefined_inside_the_range() -> None:
    curve = line(sd.tangent("sqrt(x^2 - 1)", "x", {"x": 2}), "f(x)")
    inside = (curve["x"] > -1) & (curve["x"] < 1)
    assert inside.any() and np.all(np.isnan(curve["y"][inside]))


def _segments(data: dict[str, Any]) -> list[tuple[float, float, float, float]]:
    """The straight pieces matplotlib draws: consecutive samples that are both numbers."""
    x, y = data["x"], np.asarray(data["y"], float)
    return [(x[i], y[i], x[i + 1], y[i + 1]) for i in range(len(x) - 1) if np.isfinite(y[i]) and np.isfinite(y[i + 1])]


@pytest.mark.parametrize(
    ("text", "at", "poles"),
    [
        ("1/(x - 1)", 2, [1.0]),
        ("tan(x)", 0.5, [-np.pi / 2, np.pi / 2, 3 * np.pi / 2]),
        ("1/x + x", -1, [0.0]),
    ],
)
@pytest.mark.parametrize("x_range", [None, (-2.0137, 3.9311)])  # the samples hit the pole, or straddle it
def test_no_line_is_drawn_across_a_pole(
    text: str, at: float, poles: list[float], x_range: tuple[float, float] | None
) -> None:
    picture = sd.tangent(text, "x", {"x": at}, x_range=x_range)
    for start in ("f(x)", "f′(x)"):
        for x0, _, x1, _ in _segments(line(picture, start)):
            assert not any(x0 < p < x1 for p in poles), f"{start} joins {x0} and {x1} across a pole"
    low, high = picture.f.view
    assert high - low < 100  # the view is the curve, not the spike beside the pole


@pytest.mark.parametrize("x_range", [None, (-2.0137, 3.9311)])
def test_no_line_is_drawn_across_a_jump(x_range: tuple[float, float] | None) -> None:
    picture = sd.tangent("floor(x) + x/10", "x", {"x": 0.5}, x_range=x_range)
    for x0, _, x1, _ in _segments(line(picture, "f(x)")):
        assert np.floor(x0) == np.floor(x1) or x1 == np.floor(x1), f"joined {x0} and {x1} across a jump"


def test_a_kink_in_f_is_a_jump_in_f_prime_and_is_not_joined() -> None:
    picture = sd.tangent("abs(x - 1) + x^2", "x", {"x": 0})
    assert slope_of(line(picture, "tangent:")) == -1
    for x0, y0, x1, y1 in _segments(line(picture, "f′(x)")):
        assert abs(y1 - y0) < 0.1, f"f′ joins {y0} at {x0} and {y1} at {x1}"


def test_at_a_corner_the_two_one_sided_slopes_are_drawn() -> None:
    picture = sd.tangent("abs(x - 1)", "x", {"x": 1})
    assert picture.slope is None and picture.line is None and picture.one_sided == (-1.0, 1.0)
    assert slope_of(line(picture, "slope -1 from the left")) == -1
    assert slope_of(line(picture, "slope 1 from the right")) == 1
    assert not any(label.startswith("tangent:") for label in lines(picture))
    assert "corner" in str(picture)


def test_a_vertical_tangent_is_said_not_drawn() -> None:
    picture = sd.tangent("cbrt(x)", "x", {"x": 0})
    assert picture.slope is None and "vertical tangent" in picture.note


def test_no_tangent_where_f_is_undefined() -> None:
    with pytest.raises(sd.SymdiffError, match=r"f is not defined at x = 1 \(singularity.*no tangent there"):
        sd.tangent("1/(x - 1)", "x", {"x": 1})
    with pytest.raises(sd.SymdiffError, match="not defined at x = -1"):
        sd.tangent("log(x)", "x", {"x": -1})


def test_the_range_can_be_chosen() -> None:
    picture = sd.tangent(SEED, "x", {"x": 3}, x_range=(-1, 7))
    assert (picture.f.x.min(), picture.f.x.max()) == (-1, 7)
    with pytest.raises(sd.SymdiffError, match="around the point 3"):
        sd.tangent(SEED, "x", {"x": 3}, x_range=(4, 7))


def test_plot_tangent_writes_the_file_and_jupyter_gets_svg(tmp_path: Path) -> None:
    written = sd.plot_tangent(SEED, "x", {"x": 3}, tmp_path / "tangent.png")
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = sd.tangent(SEED, "x", {"x": 3})._repr_svg_()
    assert svg is not None and svg.startswith("<svg")
    with pytest.raises(sd.SymdiffError, match=r"use one of \.png, \.svg, \.pdf"):
        sd.plot_tangent(SEED, "x", {"x": 3}, tmp_path / "tangent.txt")


def test_without_matplotlib_the_message_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = sd.tangent(SEED, "x", {"x": 3})
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(sd.SymdiffError, match=r'pip install "symdiff\[plot\]"'):
        picture.plot(tmp_path / "tangent.png")
    assert picture._repr_svg_() is None


# -- the command line --------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_plot_draws_the_tangent_and_still_compares(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "tangent.png"
    status, out, err = run(capsys, SEED, "--wrt", "x", "--at", "x=3", "--plot", str(target))
    assert status == 0 and target.read_bytes()[:4] == b"\x89PNG"
    assert err == f"symdiff: wrote {target} (tangent to f = 3x^2 - 4x + 5 at x = 3: 14x - 22 (slope 14))\n"
    assert "df/dx = 6x - 4" in out and "✓ every method agrees" in out


def test_cli_plot_range_may_start_with_a_minus(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "x^3", "--at", "x=1", "--plot", str(tmp_path / "t.svg"), "--plot-range", "-2,3")
    assert status == 0 and "3x - 2" in err and (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([SEED, "--plot", "t.png"], "--plot draws the tangent at a point: give it with --at x=VALUE"),
        (["x*y", "--at", "x=1,y=2", "--plot", "t.png"], "--plot draws f along one variable: give it with --wrt"),
        ([SEED, "--at", "x=3", "--plot", "t.txt"], "--plot t.txt: use one of .png, .svg, .pdf"),
        ([SEED, "--at", "x=3", "--plot", "/no/such/folder/t.png"], "the folder /no/such/folder does not exist"),
        ([SEED, "--at", "x=3", "--plot-range", "0,5"], "--plot-range is the interval of x that --plot draws"),
        ([SEED, "--at", "x=3", "--plot", "t.png", "--plot-range", "4,5"], "around the point 3"),
        (["1/x", "--at", "x=0", "--plot", "t.png"], "f is not defined at x = 0"),
        (["x: 2; L = sum(x)", "--at", "x=[1,2]", "--plot", "t.png"], "an array program has no such picture"),
    ],
)
def test_cli_plot_errors_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, _, err = run(capsys, *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["5,0", "1", "a,b", "-inf,3"])
def test_cli_plot_range_must_be_two_increasing_numbers(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main([SEED, "--at", "x=3", "--plot", "t.png", "--plot-range", text])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "argument --plot-range: expected" in err and f"{text!r}" in err
