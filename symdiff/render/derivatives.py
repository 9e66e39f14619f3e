"""Text, JSON, LaTeX and Markdown views of ``Derivatives``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..language.printing import derivative_latex, derivative_text, name_latex, to_latex, to_text
from .gradient import aligned, definition_data, definition_lines, definition_rows, hessian_row
from .jsonutil import dumps

if TYPE_CHECKING:
    from ..symbolic.report import Derivatives, Partial


def _signature(d: Derivatives) -> str:
    return f"{d.function}({', '.join(d.variables)})" if d.variables else d.function


def _function_lines(d: Derivatives, line: Callable[[str, sp.Expr], str], signature: str) -> list[str]:
    """The function, as one substituted expression or, when that is too long, as the program's lines."""
    if not d.lines:
        return [line(signature, d.expression)]
    *steps, (_, output) = d.lines
    return [*(line(name, expression) for name, expression in steps), line(signature, output)]


def text(d: Derivatives) -> str:
    lines = [*_function_lines(d, lambda n, e: f"{n} = {to_text(e)}", _signature(d)), *definition_lines(d.definitions)]
    for p in d.partials:
        lines.append(f"{derivative_text(d.function, p.wrt, d.ordinary)} = {to_text(p.expression)}")
    if d.hessian is not None:
        lines.extend(_hessian_text(d))
    return "\n".join(lines)


def _hessian_text(d: Derivatives) -> list[str]:
    assert d.hessian is not None
    names = d.hessian_variables or d.variables
    cells = [[to_text(d.hessian[i, j]) for j in range(len(names))] for i in range(len(names))]
    width = max([len(n) for n in names] + [len(c) for row in cells for c in row] + [1])
    label = max((len(n) for n in names), default=1)
    lines = [f"Hessian of {d.function}, ∂²{d.function}/∂row∂column:"]
    lines.append(" " * (label + 3) + "  ".join(n.rjust(width) for n in names))
    for name, row in zip(names, cells, strict=True):
        lines.append(f"{name.rjust(label)}  [" + "  ".join(c.rjust(width) for c in row) + "]")
    return lines


def partial_data(p: Partial) -> dict[str, Any]:
    """The DESIGN.md keys of one derivative without a point: wrt, expression, latex."""
    return {"wrt": list(p.wrt), "expression": to_text(p.expression), "latex": to_latex(p.expression)}


def data(d: Derivatives) -> dict[str, Any]:
    output = d.lines[-1][1] if d.lines else d.expression  # the output line when the whole is too long
    result: dict[str, Any] = {
        "expression": to_text(output),
        "function": d.function,
        "variables": list(d.variables),
    }
    if d.lines:
        result["program"] = [{"name": name, "expression": to_text(e)} for name, e in d.lines]
    if d.definitions:
        result["definitions"] = definition_data(d.definitions)
    result["derivatives"] = [partial_data(p) for p in d.partials]
    if d.hessian is not None:
        result["hessian"] = [[to_text(d.hessian[i, j]) for j in range(d.hessian.cols)] for i in range(d.hessian.rows)]
        result["hessian_variables"] = list(d.hessian_variables or d.variables)
    if d.absent:
        result["absent"] = list(d.absent)
    return result


def json_text(d: Derivatives) -> str:
    return dumps(data(d))


def latex(d: Derivatives) -> str:
    function = _function_lines(d, lambda n, e: f"{name_latex(n)} &= {to_latex(e)}", d.function)
    rows = [*function, *definition_rows(d.definitions)]
    for p in d.partials:
        rows.append(f"{derivative_latex(d.function, p.wrt, d.ordinary)} &= {to_latex(p.expression)}")
    if d.hessian is not None:
        rows.append(hessian_row(d.function, d.hessian))
    return aligned(rows)


def markdown(d: Derivatives) -> str:
    return f"$$\n{latex(d)}\n$$"
