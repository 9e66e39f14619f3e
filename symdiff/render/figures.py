"""Matplotlib figures: made without pyplot (no global state, no display needed) and written safely."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SymdiffError
from .files import output_path, replacing

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PLOT_FORMATS = (".png", ".svg", ".pdf")


def new_figure(size: tuple[float, float]) -> Figure:
    """An empty figure drawn by Agg; a SymdiffError saying how to install matplotlib when it is missing."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise SymdiffError('plotting needs matplotlib: pip install "symdiff[plot]"') from None
    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def checked_target(path: str | Path, option: str, *, force: bool = False) -> Path:
    """The file a figure goes to, refused before any drawing if it cannot be one (see ``files.output_path``)."""
    target = output_path(path, option, force=force)
    if target.suffix.lower() not in PLOT_FORMATS:
        raise SymdiffError(f"{option} {target}: use one of {', '.join(PLOT_FORMATS)}")
    return target


def save_figure(figure: Figure, target: Path) -> Path:
    """Write ``figure`` to ``target`` whole or not at all (its suffix says the format)."""
    with replacing(target) as temporary:
        figure.savefig(temporary, format=target.suffix.lower()[1:])
    return target


def svg_text(draw: Callable[[], Figure]) -> str | None:
    """The figure ``draw()`` makes as an ``<svg>`` element, or None without matplotlib (a notebook shows text alone)."""
    try:
        figure = draw()
    except SymdiffError:
        return None
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.find("<svg") :]
