"""Views of a tape: the listing, the trace table, Graphviz DOT, and the generated code's header."""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SymdiffError
from ..primitives import registry
from ..primitives.shapes import shape_text
from . import jsonutil

if TYPE_CHECKING:
    from ..tape.array_graph import ArrayGraph
    from ..tape.graph import Graph
    from ..tape.trace import Trace, TraceRow


def listing(graph: Graph | ArrayGraph) -> str:
    """One equation per line, like a page of a backpropagation tutorial; an array's shape beside it."""
    arrays = any(graph.shape(i) for i in range(len(graph.nodes)))
    if not arrays:
        lines = [f"inputs: {', '.join(graph.inputs) or 'none'}"]
        lines += [graph.equation(i) for i in graph.operations]
    else:
        inputs = [
            f"{name} {shape_text(graph.shape(i))}" for name, i in zip(graph.inputs, graph.input_nodes, strict=True)
        ]
        lines = [f"inputs: {', '.join(inputs)}"]
        equations = [(graph.equation(i), shape_text(graph.shape(i))) for i in graph.operations]
        width = max((len(e) for e, _ in equations), default=0)
        lines += [f"{e.ljust(width)}  {shape}" for e, shape in equations]
    if graph.nodes[graph.output].kind != "op":
        lines.append(f"output: {graph.label(graph.output)}")
    return "\n".join(lines)


def number(value: Any) -> str:
    """A value for a table or graph: 6 significant digits, or a summary of an array."""
    if value is None:
        return "-"
    array = np.asarray(value)
    if array.ndim == 0:
        scalar = array[()]
        if np.iscomplexobj(scalar):
            return f"{scalar.real:.6g}{scalar.imag:+.6g}j"
        return f"{float(scalar) + 0.0:.6g}"  # + 0.0 turns -0 into 0
    if array.size <= _SHOWN_ELEMENTS and not np.iscomplexobj(array):
        return _compact(array)
    finite = array[np.isfinite(array)] if not np.iscomplexobj(array) else array
    if finite.size == 0:
        return f"{array.shape} all non-finite"
    return f"{array.shape} {np.min(finite):.4g}…{np.max(finite):.4g}"


# Arrays up to this many elements are shown whole in tables and graphs; larger ones as shape and range.
_SHOWN_ELEMENTS = 6


def _compact(array: np.ndarray) -> str:
    """A small array on one line, 4 significant digits: [[1, 2.5], [-1, 0]]."""
    if array.ndim == 0:
        return f"{float(array) + 0.0:.4g}"
    return "[" + ", ".join(_compact(item) for item in array) + "]"


def _note(row: TraceRow) -> str:
    notes = []
    if row.first_nonfinite:
        notes.append("first non-finite value")
    if row.kink is not None:
        where = f" (at element{'s' if len(row.kink.elements) > 1 else ''} {_elements(row.kink.elements)})"
        notes.append(f"not differentiable: {row.kink.note}{where if row.kink.elements else ''}")
        named = len(row.kink.slopes) > 1
        for argument, slopes in zip(row.arguments, row.kink.slopes, strict=True):
            if slopes is not None:
                wrt = f" in {argument}" if named else ""
                notes.append(f"slopes{wrt} {slopes[0]:.6g} (left), {slopes[1]:.6g} (right)")
    return "; ".join(notes)


def _elements(elements: tuple[tuple[int, ...], ...], shown: int = 3) -> str:
    """Array indices such as 1 or (0, 2); the first few, then how many more."""
    names = [str(e[0]) if len(e) == 1 else str(e) for e in elements[:shown]]
    more = f" and {len(elements) - shown} more" if len(elements) > shown else ""
    return ", ".join(names) + more


def trace_table(trace: Trace) -> str:
    """An aligned table: each node's equation, forward value and adjoint ∂output/∂node."""
    header = ("node", "value", f"∂{trace.output}/∂node", "")
    body = [(r.equation, number(r.value), number(r.adjoint), _note(r)) for r in trace.rows if r.kind != "const"]
    widths = [max(len(row[k]) for row in (header, *body)) for k in range(3)]
    lines = []
    for row in (header, *body):
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].rjust(widths[2])]
        lines.append(("  ".join(cells) + ("  " + row[3] if row[3] else "")).rstrip())
    return "\n".join(lines)


def _dot_text(text: str) -> str:
    """Text for a DOT record field: its special characters escaped, anything unprintable as ?."""
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return "".join(ch if ch.isprintable() else "?" for ch in text)  # a raw newline would end the label


def dot(graph: Graph | ArrayGraph, trace: Trace | None = None) -> str:
    """Graphviz source in micrograd's style: value boxes, operation circles, edges forward."""
    lines = ["digraph tape {", "  rankdir=LR;", '  node [shape=record, fontname="Helvetica"];']
    for i in range(len(graph.nodes)):
        node = graph.nodes[i]
        fields = [_dot_text(graph.label(i))]
        if graph.shape(i):
            fields.append(_dot_text(shape_text(graph.shape(i))))
        if trace is not None and node.kind != "const":
            row = trace.rows[i]
            fields += [f"value {_dot_text(number(row.value))}", f"grad {_dot_text(number(row.adjoint))}"]
        style = ', style="filled", fillcolor="#fde2e2"' if trace is not None and trace.rows[i].kink else ""
        lines.append(f'  n{i} [label="{{ {" | ".join(fields)} }}"{style}];')
        if node.kind == "op":
            lines.append(f'  op{i} [label="{_dot_text(graph.display(i))}", shape=circle];')
            lines.append(f"  op{i} -> n{i};")
            lines += [f"  n{a} -> op{i};" for a in graph.arguments(i)]
    lines.append("}")
    return "\n".join(lines)


def autodiff_text(
    function: str,
    expression: str,
    point: dict[str, str],
    value: Any,
    gradient: dict[str, Any],
    kinks: Sequence[str] = (),
) -> str:
    """The tape's answer at a point: the value, every partial derivative, and any kink it passed."""
    at = ", ".join(f"{name} = {text}" for name, text in point.items())
    lines = [f"{function} = {expression}", f"at {at}:" if at else "at no variables:", f"  {function} = {number(value)}"]
    lines += [f"  ∂{function}/∂{name} = {number(g)}" for name, g in gradient.items()]
    lines += [
        f"note: {equation} sits on a kink: the tape's value there is a convention (the average of the "
        "one-sided slopes), not a derivative; see the comparison without --autodiff"
        for equation in kinks
    ]
    return "\n".join(lines)


def _json_number(value: Any) -> Any:
    array = np.asarray(value)
    if array.ndim or np.iscomplexobj(array):
        return number(value)  # arrays and complex values as their summary text
    return jsonutil.number(float(array))


def tape_data(graph: Graph | ArrayGraph, trace: Trace | None) -> dict[str, Any]:
    """The listing as JSON data; with a trace, every node's value, adjoint and notes."""
    data: dict[str, Any] = {"inputs": list(graph.inputs), "tape": [graph.equation(i) for i in graph.operations]}
    if trace is not None:
        data["trace"] = [
            {
                "node": r.equation,
                "value": _json_number(r.value),
                "adjoint": None if r.adjoint is None else _json_number(r.adjoint),
                "note": _note(r),
            }
            for r in trace.rows
            if r.kind != "const"
        ]
    return data


# What exported PyTorch and JAX code imports: always the first; the others when a definition uses them.
_IMPORTS = {
    "torch": {"import torch": "torch."},
    "jax": {
        "import jax.numpy as jnp": "jnp.",
        "import jax": "jax.nn.",
        "import jax.lax": "jax.lax.",
        "import jax.scipy.special": "jax.scipy.",
    },
}
_ARGUMENTS = {1: "x", 2: "a, b"}
_CALL = re.compile(r"(?<![.\w])([a-z][a-z0-9_]*)\(")


def framework_source(graph: Graph | ArrayGraph, framework: str, code: str, expression: str) -> str:
    """Generated code as a module to paste: imports, the primitives it calls defined for PyTorch or JAX, the code.

    The definitions are named ``_tanh``, ``_max``, …: pasted, they shadow no built-in (max, pow).
    """
    called = sorted({name for name in _CALL.findall(code) if name in registry.BY_NAME})
    definitions = []
    for name in called:
        p = registry.primitive(name)
        if p.frameworks is None:
            raise SymdiffError(f"{name} has no {framework} spelling: the tape cannot be exported for {framework}")
        text = getattr(p.frameworks, framework)
        body = text if "\n" in text else f"return {text}"  # several lines: the body itself (LambertW iterates)
        indented = "".join(f"    {line}\n" for line in body.splitlines())
        definitions.append(f"def _{name}({_ARGUMENTS[p.arity]}):\n{indented}")
    code = _CALL.sub(lambda m: f"_{m[1]}(" if m[1] in called else m[0], code)
    used = "".join(definitions) + code
    first, *others = _IMPORTS[framework].items()
    imports = [first[0], *(line for line, prefix in others if prefix in used)]
    header = [
        f"# {expression}: its value and gradient, by symdiff's reverse-mode tape, for {framework}",
        *source_header(graph).splitlines(),
        *(["# numbers and tensors become float64 tensors"] if framework == "torch" else []),
    ]
    return "\n".join([*header, *sorted(imports), "", "", *(d + "\n" for d in definitions), code])


def source_header(graph: Graph | ArrayGraph) -> str:
    """A comment naming what the generated function's parameters and result stand for."""
    # Names are checked on the way in; written as they print anyway, nothing in them can end the comment.
    shown = ("".join(ch if ch.isprintable() else "?" for ch in name) for name in graph.inputs)
    params = ", ".join(f"v{i} = {name}" for i, name in zip(graph.input_nodes, shown, strict=True))
    return f"# parameters: {params or 'none'}\n# returns the value and, in order, the adjoints of the parameters\n"


# A notebook shows this much of a listing; longer tapes end with how many lines were left out.
SHOWN_LINES = 60


def html(graph: Graph, svg: str | None) -> str:
    """For a notebook: the listing beside the drawn graph (when Graphviz drew it)."""
    lines = listing(graph).splitlines()
    if len(lines) > SHOWN_LINES:
        lines = [*lines[:SHOWN_LINES], f"… and {len(lines) - SHOWN_LINES} more lines (print(tape) shows them all)"]
    parts = [f'<pre style="margin: 0">{html_text.escape(chr(10).join(lines))}</pre>']
    if svg is not None:
        parts.append(f'<div style="max-width: 100%; overflow-x: auto">{svg}</div>')
    style = "display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start"
    return f'<div class="symdiff-tape" style="{style}">{"".join(parts)}</div>'
