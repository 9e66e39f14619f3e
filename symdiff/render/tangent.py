"""f with its tangent at a point, and f′ below it (needs matplotlib: ``pip install "symdiff[plot]"``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..language.printing import to_text
from .comparison import point_value_text
from .figures import checked_target, new_figure, save_figure, svg_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..comparison.tangent import Curve, Tangent

LONGEST = 60  # characters of a formula in a legend; longer ones end in …


def summary(tangent: Tangent) -> str:
    """One line: ``tangent to f = 3x^2 - 4x + 5 at x = 3: 14x - 22 (slope 14)``."""
    where = f"tangent to f = {to_text(tangent.expression)} at {at_text(tangent)}"
    if tangent.line is None:
        return f"{where}: none ({tangent.note})"
    return f"{where}: {to_text(tangent.line)} (slope {tangent.slope:.6g})"


def at_text(tangent: Tangent, names: Iterable[str] | None = None) -> str:
    """The point as it was given: ``x = 3``, ``x = pi/4, y = 0.5``."""
    chosen = tangent.given if names is None else names
    return ", ".join(f"{name} = {point_value_text(tangent.given[name])}" for name in chosen)


def plot_tangent_picture(tangent: Tangent, path: str | Path, option: str = "--plot") -> Path:
    """Write ``figure(tangent)`` to ``path``: .png, .svg or .pdf."""
    target = checked_target(path, option)
    return save_figure(figure(tangent), target)


def svg(tangent: Tangent) -> str | None:
    """The picture as an ``<svg>`` element, or None without matplotlib."""
    return svg_text(lambda: figure(tangent))


def figure(tangent: Tangent) -> Figure:
    """Two panels sharing x: f, the tangent and the point above; f′ and its value at the point below."""
    drawing = new_figure((7, 6.4))
    top, bottom = drawing.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    x, a = tangent.wrt, tangent.point[tangent.wrt]
    held = [name for name in tangent.given if name != x]
    function = f"f({x})" + (f" with {at_text(tangent, held)}" if held else "")
    a_text = point_value_text(tangent.given[x])
    _draw(top, tangent.f, "tab:blue", f"{function} = {_short(to_text(tangent.expression))}")
    _tangent_lines(top, tangent)
    top.plot([a], [tangent.value], "o", color="black", label=f"({a_text}, {tangent.value:.6g})")
    _draw(bottom, tangent.df, "tab:green", f"f′({x}) = {_short(to_text(tangent.derivative))}")
    if tangent.slope is not None:
        bottom.plot([a], [tangent.slope], "o", color="tab:orange", label=f"f′({a_text}) = {tangent.slope:.6g}")
    for axes, name in ((top, "f"), (bottom, "f′")):
        axes.axhline(0, color="grey", linewidth=0.6)
        axes.axvline(a, color="grey", linewidth=0.6, linestyle=":")
        axes.set_ylabel(name)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=8, loc="best")
    bottom.set_xlabel(x)
    top.set_xlim(float(np.nanmin(tangent.f.x)), float(np.nanmax(tangent.f.x)))
    headline = f"f = {_short(to_text(tangent.expression))} at {at_text(tangent)}"
    drawing.suptitle(f"{headline}\n{_caption(tangent)}", fontsize=10)
    return drawing


def _draw(axes: Axes, curve: Curve, colour: str, label: str) -> None:
    axes.plot(curve.x, curve.y, color=colour, linewidth=1.6, label=label)
    axes.set_ylim(*curve.view)


def _tangent_lines(axes: Axes, tangent: Tangent) -> None:
    """The tangent across the whole range; at a corner, the two one-sided half-lines instead."""
    xs = tangent.f.x
    a, value = tangent.point[tangent.wrt], tangent.value
    if tangent.slope is not None and tangent.line is not None:
        ends = np.array([xs[0], xs[-1]])
        axes.plot(ends, value + tangent.slope * (ends - a), "--", color="tab:orange", label=_line_label(tangent))
    elif tangent.one_sided is not None:
        left, right = tangent.one_sided
        axes.plot(
            [xs[0], a],
            [value + left * (xs[0] - a), value],
            "--",
            color="tab:orange",
            label=f"slope {left:.6g} from the left",
        )
        axes.plot(
            [a, xs[-1]],
            [value, value + right * (xs[-1] - a)],
            "--",
            color="tab:red",
            label=f"slope {right:.6g} from the right",
        )


def _line_label(tangent: Tangent) -> str:
    assert tangent.line is not None
    return f"tangent: {_short(to_text(tangent.line))}"


def _caption(tangent: Tangent) -> str:
    if tangent.slope is not None:
        return f"the tangent has slope f′ = {tangent.slope:.6g}"
    if tangent.one_sided is not None:
        return "not differentiable here: two one-sided slopes, no tangent"
    return _short(tangent.note, 90)


def _short(text: str, longest: int = LONGEST) -> str:
    return text if len(text) <= longest else text[: longest - 1] + "…"
