"""Matplotlib figures: made without pyplot (no global state, no display needed) and written safely."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SymdiffError

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


def checked_target(path: str | Path, option: str) -> Path:
    """The file a figure goes to, refused before any drawing if it cannot be one (wrong suffix, no folder)."""
    target = Path(path)
    if target.suffix.lower() not in PLOT_FORMATS:
        raise SymdiffError(f"{option} {target}: use one of {', '.join(PLOT_FORMATS)}")
    if not target.parent.is_dir():
        raise SymdiffError(f"cannot write {target}: the folder {target.parent} does not exist")
    return target


def save_figure(figure: Figure, target: Path) -> Path:
    """Write ``figure`` to ``target`` (its suffix says the format); an unwritable path is a SymdiffError."""
    try:
        figure.savefig(target)
    except OSError as error:
        raise SymdiffError(f"cannot write {target}: {error.strerror or error}") from None
    return target
