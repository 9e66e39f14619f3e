"""The step sweep as the classic V-shaped log-log plot (needs matplotlib: ``pip install "symdiff[plot]"``)."""

from __future__ import annotations

import html as html_text
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import SymdiffError, describe
from ..language.printing import to_text
from ..limits import serialized
from .figures import checked_target, new_figure, save_figure, svg_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..finite.sweep import StepSweep

STYLE = {"forward": ("tab:blue", "o"), "central": ("tab:orange", "s"), "complex": ("tab:green", "^")}


@serialized
def plot_step_sweep(sweep: StepSweep, path: str | Path, *, force: bool = False) -> Path:
    """Draw error against step on log-log axes, with the reported bounds dashed; write it to ``path``.

    The truncation side of each V has the slope of the method's accuracy (1 for forward, 2 for
    central); the rounding side has slope -1. Errors of exactly 0 are drawn at the bottom edge.
    """
    if not all(hasattr(sweep, a) for a in ("steps", "errors", "bounds", "slopes", "exact", "point", "wrt")):
        raise SymdiffError(f"plot_step_sweep draws the result of symdiff.step_sweep, got {describe(sweep)}")
    target = checked_target(path, "--plot-steps", force=force)
    return save_figure(_figure(sweep), target)


def svg(sweep: StepSweep) -> str | None:
    """The plot as SVG text, or None without matplotlib (a notebook then shows the table alone)."""
    return svg_text(lambda: _figure(sweep))


def html(sweep: StepSweep, drawing: str | None) -> str:
    """For a notebook: each method's best step and smallest error, then the plot."""
    rows = "".join(
        f"<tr><td>{method}</td><td>h<sup>{sweep.slopes[method]}</sup></td>"
        f"<td>{sweep.best_step(method):.3g}</td><td>{float(np.min(errors)):.3g}</td></tr>"
        for method, errors in sweep.errors.items()
    )
    at = ", ".join(f"{name} = {value:g}" for name, value in sweep.point.items())
    caption = html_text.escape(f"d/d{sweep.wrt} of {to_text(sweep.expression)} at {at} (exact {sweep.exact:.17g})")
    table = (
        f"<table><caption>{caption}</caption><tr><th>method</th><th>truncation ∝</th>"
        f"<th>best step h</th><th>smallest error</th></tr>{rows}</table>"
    )
    return table + (f'<div style="max-width: 100%; overflow-x: auto">{drawing}</div>' if drawing else "")


def _figure(sweep: StepSweep) -> Figure:
    figure = new_figure((7, 4.8))
    axes = figure.add_subplot()
    floor = 1e-18 * max(abs(sweep.exact), 1e-300)
    for method, errors in sweep.errors.items():
        colour, marker = STYLE[method]
        slope = sweep.slopes[method]
        axes.loglog(
            sweep.steps,
            np.maximum(errors, floor),
            marker=marker,
            markersize=3,
            color=colour,
            label=f"{method} (truncation ∝ h^{slope})",
        )
        axes.loglog(
            sweep.steps,
            np.maximum(sweep.bounds[method], floor),
            linestyle="--",
            linewidth=0.8,
            color=colour,
            label=f"{method}: reported bound",
        )
    axes.set_xlabel("step h")
    axes.set_ylabel("|error| of the derivative")
    at = ", ".join(f"{name} = {value:g}" for name, value in sweep.point.items())
    axes.set_title(
        f"d/d{sweep.wrt} of {to_text(sweep.expression)} at {at}: truncation (right) vs rounding (left, ∝ 1/h)"
    )
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8)
    return figure
