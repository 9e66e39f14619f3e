"""Writing rendered output to files, with a clear message for every way that can fail."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import SymdiffError

GRAPH_FORMATS = (".dot", ".gv", ".svg", ".png", ".pdf")


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path``; an unwritable path is a SymdiffError naming it."""
    target = Path(path)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise SymdiffError(f"cannot write {target}: {error.strerror or error}") from None
    return target


def write_graph(path: str | Path, dot_source: str) -> Path:
    """A graph as Graphviz source (.dot, .gv) or drawn by Graphviz's ``dot`` (.svg, .png, .pdf)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise SymdiffError(f"--graph {target}: use one of {', '.join(GRAPH_FORMATS)}")
    if suffix in (".dot", ".gv"):
        return write_text(target, dot_source)
    if not target.parent.is_dir():  # the user's mistake first: it holds whether Graphviz is installed or not
        raise SymdiffError(f"cannot write {target}: the folder {target.parent} does not exist")
    program = shutil.which("dot")
    if program is None:
        raise SymdiffError(
            f"drawing {target} needs Graphviz's dot program; install graphviz, or write {target.with_suffix('.dot')}"
        )
    result = subprocess.run(
        [program, f"-T{suffix[1:]}", "-o", str(target)], input=dot_source, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        message = (
            result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit status {result.returncode}"
        )
        raise SymdiffError(f"Graphviz could not write {target}: {message}")
    return target


def draw_svg(dot_source: str) -> str | None:
    """The graph drawn by Graphviz's ``dot``: the ``<svg>`` element (no XML prolog, so it can sit in HTML).

    None when dot is not installed or fails.
    """
    program = shutil.which("dot")
    if program is None:
        return None
    result = subprocess.run([program, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=False)
    start = result.stdout.find("<svg")
    return result.stdout[start:] if result.returncode == 0 and start >= 0 else None
