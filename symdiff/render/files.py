"""Writing rendered output to files, with a clear message for every way that can fail.

A file is written whole or not at all: to a temporary file in the same folder, then moved
into place, so a failed write leaves what was there, and an existing link is replaced
rather than written through. What would be surprising is refused: an empty name, a name
ending in a separator or naming a folder, a special file, and (unless ``force``) a link.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import LimitError, SymdiffError, describe
from ..limits import DEFAULT_LIMITS

GRAPH_FORMATS = (".dot", ".gv", ".svg", ".png", ".pdf")
# Graphviz's layout grows much faster than the graph: 400 nodes of a long sum took minutes
# and a gigabyte. These settings cut its search short (crossing minimisation, network simplex).
_QUICK_LAYOUT = ("-Gmclimit=0.01", "-Gnslimit=1", "-Gnslimit1=1", "-Gsearchsize=5")
DRAWING_SECONDS = 30
_DRAWING_MEMORY = 2 << 30  # bytes of address space Graphviz may use


def output_path(raw: str | os.PathLike[str], option: str, *, force: bool = False) -> Path:
    """The file to write for ``option`` (``--graph``, ``--plot``), after refusing surprising targets.

    Returns the path; whether it exists is for the caller to report ("wrote" or "overwrote").
    """
    if not isinstance(raw, (str, os.PathLike)):
        raise SymdiffError(f"{option} needs a file name, got {describe(raw)}")
    text = os.fspath(raw)
    if not isinstance(text, str):
        raise SymdiffError(f"{option} needs a file name as text, got {describe(raw)}")
    if "\0" in text:
        raise SymdiffError(f"{option}: a file name cannot contain a NUL character")
    if not text.strip():
        raise SymdiffError(f"{option} needs a file name, got an empty one")
    if text.endswith(("/", os.sep)) or (os.altsep and text.endswith(os.altsep)):
        raise SymdiffError(f"{option} {text}: that names a folder; give a file name")
    target = Path(text)
    if target.is_symlink() and not force:
        raise SymdiffError(
            f"{option} {text} is a symbolic link; it is replaced (not written through) only with --force"
        )
    if target.is_dir():
        raise SymdiffError(f"{option} {text} is a folder; give a file name")
    if target.exists() and not target.is_symlink() and not target.is_file():
        raise SymdiffError(f"{option} {text} is not a regular file (a device or a pipe); give a file name")
    if not target.parent.is_dir():
        raise SymdiffError(f"cannot write {target}: the folder {target.parent} does not exist")
    return target


def _temporary(target: Path) -> Path:
    """A new empty file next to ``target``, created with the permissions a new file gets (umask)."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}{target.suffix}")
        try:
            os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as error:
            raise SymdiffError(f"cannot write {target}: {error.strerror or error}") from None
        return temporary


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target``; when the block succeeds it replaces ``target`` in one step."""
    temporary = _temporary(target)
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        raise SymdiffError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (whole, or not at all); an unwritable path is a SymdiffError naming it."""
    target = Path(path)
    with replacing(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return target


def write_graph(
    path: str | Path,
    dot_source: str,
    *,
    nodes: int | None = None,
    max_drawn: int = DEFAULT_LIMITS.max_drawn_nodes,
    force: bool = False,
) -> Path:
    """A graph as Graphviz source (.dot, .gv) or drawn by Graphviz's ``dot`` (.svg, .png, .pdf).

    Args:
        nodes: how many nodes the graph has (default: counted in the source); above
            ``max_drawn`` it is not drawn, since the layout would take minutes (the source
            may still be written).
    """
    target = output_path(path, "--graph", force=force)
    suffix = target.suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise SymdiffError(f"--graph {target}: use one of {', '.join(GRAPH_FORMATS)}")
    if suffix in (".dot", ".gv"):
        return write_text(target, dot_source)
    nodes = dot_source.count("[label=") if nodes is None else nodes
    if nodes > max_drawn:
        raise LimitError(
            f"the graph has {nodes:,} nodes; Graphviz would take minutes to draw more than {max_drawn:,} "
            f"(max_drawn_nodes): write {target.with_suffix('.dot').name} instead, or raise the limit"
        )
    program = shutil.which("dot")
    if program is None:
        raise SymdiffError(
            f"drawing {target} needs Graphviz's dot program; install graphviz, or write {target.with_suffix('.dot')}"
        )
    with replacing(target) as temporary:
        _draw(program, suffix[1:], dot_source, temporary, target)
    return target


def _draw(program: str, kind: str, dot_source: str, into: Path, target: Path) -> None:
    """Run Graphviz into a file; any failure is a SymdiffError about ``target``."""
    try:
        result = _graphviz(program, [f"-T{kind}", "-o", str(into)], dot_source)
    except subprocess.TimeoutExpired:
        raise SymdiffError(
            f"Graphviz did not finish drawing {target} in {DRAWING_SECONDS} s; write a .dot file instead"
        ) from None
    if result.returncode != 0:
        message = (
            result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit status {result.returncode}"
        )
        raise SymdiffError(f"Graphviz could not write {target}: {message}")


def _graphviz(program: str, options: list[str], dot_source: str) -> subprocess.CompletedProcess[str]:
    """Graphviz run on ``dot_source`` with the quick layout and a time and memory limit."""
    return subprocess.run(
        [program, *options, *_QUICK_LAYOUT],
        input=dot_source,
        capture_output=True,
        text=True,
        check=False,
        timeout=DRAWING_SECONDS,
        preexec_fn=_memory_limit(),
    )


def _memory_limit() -> Callable[[], None] | None:
    """What caps Graphviz's memory in the child process (None where the platform has no such limit)."""
    try:
        import resource
    except ImportError:  # pragma: no cover: Windows
        return None

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_DRAWING_MEMORY, _DRAWING_MEMORY))

    return limit


def draw_svg(dot_source: str) -> str | None:
    """The graph drawn by Graphviz's ``dot``: the ``<svg>`` element (no XML prolog, so it can sit in HTML).

    None when dot is not installed, fails, or takes too long (a notebook then shows the text alone).
    """
    program = shutil.which("dot")
    if program is None:
        return None
    try:
        result = _graphviz(program, ["-Tsvg"], dot_source)
    except subprocess.TimeoutExpired:
        return None
    start = result.stdout.find("<svg")
    return result.stdout[start:] if result.returncode == 0 and start >= 0 else None
