"""Text, JSON, LaTeX and Markdown views of ``Derivatives``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..language.printing import (
    derivative_latex,
    derivative_text,
    formula_latex,
    formula_text,
    latex_names,
    name_latex,
)
from .gradient import aligned, definition_data, definition_lines, definition_rows, hessian_row
from .jsonutil import dumps, formula_data

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
    signature = _signature(d)
    lines = [*_function_lines(d, lambda n, e: f"{n} = {formula_text(e)}", signature), *definition_lines(d.definitions)]
    for p in d.partials:
        lines.append(f"{derivative_text(d.function, p.wrt, d.ordinary)} = {formula_text(p.expression)}")
    if d.hessian is not None:
        lines.extend(_hessian_text(d) if _as_matrix(d) else _hessian_entries_text(d))
    return "\n".join(lines)


# A Hessian with more rows than this is listed entry by entry, its zeros left out: 1,999
# variables would be 4 million cells (17 s and 24 MB of zeros, before this was bounded).
_MATRIX_ROWS = 30


def _as_matrix(d: Derivatives) -> bool:
    return d.hessian is not None and d.hessian.rows <= _MATRIX_ROWS


def _nonzero_entries(d: Derivatives) -> list[tuple[tuple[str, str], sp.Expr]]:
    """The entries on and above the diagonal that are not 0 (the Hessian is symmetric)."""
    assert d.hessian is not None
    names = d.hessian_variables or d.variables
    nonzero = sorted((i, j) for i, j in d.hessian.todok() if i <= j)  # the nonzero cells, without visiting the rest
    return [((names[i], names[j]), d.hessian[i, j]) for i, j in nonzero]


def _hessian_summary(d: Derivatives, shown: int) -> str:
    assert d.hessian is not None
    n = d.hessian.rows
    size = f"Hessian of {d.function}: {n}×{n} ({n * n:,} entries)"
    if not shown:
        return f"{size}, every entry is 0"
    return f"{size}; the {shown:,} on or above the diagonal that are not 0 (the others are 0, or equal by symmetry):"


def _hessian_entries_text(d: Derivatives) -> list[str]:
    entries = _nonzero_entries(d)
    listed = [f"{derivative_text(d.function, wrt, d.ordinary)} = {formula_text(e)}" for wrt, e in entries]
    return [_hessian_summary(d, len(entries)), *listed]


def _hessian_text(d: Derivatives) -> list[str]:
    assert d.hessian is not None
    names = d.hessian_variables or d.variables
    cells = [[formula_text(d.hessian[i, j]) for j in range(len(names))] for i in range(len(names))]
    width = max([len(n) for n in names] + [len(c) for row in cells for c in row] + [1])
    label = max((len(n) for n in names), default=1)
    lines = [f"Hessian of {d.function}, ∂²{d.function}/∂row∂column:"]
    lines.append(" " * (label + 3) + "  ".join(n.rjust(width) for n in names))
    for name, row in zip(names, cells, strict=True):
        lines.append(f"{name.rjust(label)}  [" + "  ".join(c.rjust(width) for c in row) + "]")
    return lines


def partial_data(p: Partial) -> dict[str, Any]:
    """The DESIGN.md keys of one derivative without a point: wrt, expression, latex."""
    return {"wrt": list(p.wrt), **formula_data(p.expression)}


def data(d: Derivatives) -> dict[str, Any]:
    output = d.lines[-1][1] if d.lines else d.expression  # the output line when the whole is too long
    result: dict[str, Any] = {
        "expression": formula_text(output),
        "function": d.function,
        "variables": list(d.variables),
    }
    if d.lines:
        result["program"] = [{"name": name, "expression": formula_text(e)} for name, e in d.lines]
    if d.definitions:
        result["definitions"] = definition_data(d.definitions)
    result["derivatives"] = [partial_data(p) for p in d.partials]
    if d.hessian is not None:
        if _as_matrix(d):
            h = d.hessian
            result["hessian"] = [[formula_text(h[i, j]) for j in range(h.cols)] for i in range(h.rows)]
        else:
            result["hessian_entries"] = [{"wrt": list(wrt), **formula_data(e)} for wrt, e in _nonzero_entries(d)]
        result["hessian_variables"] = list(d.hessian_variables or d.variables)
    if d.absent:
        result["absent"] = list(d.absent)
    return result


def json_text(d: Derivatives) -> str:
    return dumps(data(d))


def latex(d: Derivatives) -> str:
    names = latex_names([d.function, *d.variables, *(s.name for s, _ in d.definitions), *(n for n, _ in d.lines)])
    function = _function_lines(d, lambda n, e: f"{name_latex(n, names)} &= {formula_latex(e, names)}", d.function)
    rows = [*function, *definition_rows(d.definitions, names)]

    def partial(wrt: tuple[str, ...], e: sp.Expr) -> str:
        return f"{derivative_latex(d.function, wrt, d.ordinary, names)} &= {formula_latex(e, names)}"

    rows += [partial(p.wrt, p.expression) for p in d.partials]
    if d.hessian is not None and _as_matrix(d):
        rows.append(hessian_row(d.function, d.hessian, names))
    elif d.hessian is not None:
        entries = _nonzero_entries(d)
        rows.append(rf"&\text{{{_hessian_summary(d, len(entries))}}}")
        rows += [partial(wrt, e) for wrt, e in entries]
    return aligned(rows)


def markdown(d: Derivatives) -> str:
    return f"$$\n{latex(d)}\n$$"
