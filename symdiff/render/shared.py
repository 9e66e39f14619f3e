"""Text, LaTeX and Python views of results with shared definitions: definitions first, then the rest."""

from __future__ import annotations

import keyword
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sympy as sp
from sympy.printing.str import StrPrinter

from .. import registry
from ..errors import SymdiffError
from ..printing import derivative_latex, derivative_text, name_latex, to_latex, to_text
from ..reverse import Definition
from ..shared import SymbolicGradient, SymbolicHessian


def definition_lines(definitions: Iterable[Definition]) -> list[str]:
    """``v1 = …`` for each definition, in the input language (together they read back as a program)."""
    return [f"{to_text(defined)} = {to_text(value)}" for defined, value in definitions]


def definition_rows(definitions: Iterable[Definition]) -> list[str]:
    r"""``v_{1} &= …`` for each definition: rows of an aligned block."""
    return [f"{to_latex(defined)} &= {to_latex(value)}" for defined, value in definitions]


def definition_data(definitions: Iterable[Definition]) -> list[dict[str, str]]:
    """Each definition as JSON data: name, expression (text) and LaTeX."""
    return [{"name": d.name, "expression": to_text(value), "latex": to_latex(value)} for d, value in definitions]


def aligned(rows: Sequence[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def gradient_text(g: SymbolicGradient) -> str:
    ordinary = len(g.variables) <= 1
    partials = [f"{derivative_text(g.function, (name,), ordinary)} = {to_text(p)}" for name, p in g.items()]
    return "\n".join(definition_lines(g.definitions) + partials)


def gradient_latex(g: SymbolicGradient) -> str:
    ordinary = len(g.variables) <= 1
    partials = [f"{derivative_latex(g.function, (name,), ordinary)} &= {to_latex(p)}" for name, p in g.items()]
    return aligned(definition_rows(g.definitions) + partials)


def _upper(h: SymbolicHessian) -> list[tuple[tuple[str, str], sp.Expr]]:
    names = h.variables
    return [((names[i], names[j]), h.matrix[i, j]) for i in range(len(names)) for j in range(i, len(names))]


def hessian_text(h: SymbolicHessian) -> str:
    ordinary = len(h.gradient.variables) <= 1
    entries = [f"{derivative_text(h.function, wrt, ordinary)} = {to_text(e)}" for wrt, e in _upper(h)]
    return "\n".join(definition_lines(h.definitions) + entries)


def hessian_row(function: str, matrix: sp.Matrix) -> str:
    r"""``\nabla^{2} f &= (matrix)``: a row of an aligned block."""
    return rf"\nabla^{{2}} {name_latex(function)} &= {to_latex(matrix, mat_delim='(', mat_str='matrix')}"


def hessian_latex(h: SymbolicHessian) -> str:
    return aligned([*definition_rows(h.definitions), hessian_row(h.function, h.matrix)])


class PythonPrinter(StrPrinter):
    """Python source for an expression; functions by their registry names, as ``symdiff.numeric`` has them.

    Records the names it calls in ``used``. Numbers are written so that they read back exactly.
    """

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()

    def _print_Function(self, expr: Any) -> str:
        primitive = registry.for_sympy_node(expr)
        if primitive is None:
            raise SymdiffError(f"cannot write {type(expr).__name__} as Python: it is not a symdiff function")
        self.used.add(primitive.name)
        args = [self._print(a) for a in getattr(expr, "pargs", expr.args)]
        text = f"{primitive.name}({', '.join(args[: primitive.arity])})"
        for arg in args[primitive.arity :]:  # max(a, b, c) is max(max(a, b), c)
            text = f"{primitive.name}({text}, {arg})"
        return text

    _print_Heaviside = _print_Function
    _print_Max = _print_Function
    _print_Min = _print_Function

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        if abs(expr.exp) is sp.S.Half:  # written as sqrt(x) or 1/sqrt(x)
            self.used.add("sqrt")
        return str(super()._print_Pow(expr, rational))

    def _print_Exp1(self, expr: Any) -> str:
        self.used.add("e")
        return "e"

    def _print_Pi(self, expr: Any) -> str:
        self.used.add("pi")
        return "pi"

    def _print_NumberSymbol(self, expr: Any) -> str:
        return repr(float(expr))

    def _print_Float(self, expr: Any) -> str:
        return repr(float(expr))

    def _print_Infinity(self, expr: Any) -> str:
        return "float('inf')"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "-float('inf')"

    def _print_NaN(self, expr: Any) -> str:
        return "float('nan')"

    _print_ComplexInfinity = _print_NaN


def _source(
    name: str,
    parameters: Sequence[str],
    definitions: Sequence[Definition],
    exprs: Sequence[sp.Expr],
    layout: Callable[[list[str]], list[str]],
) -> str:
    """``def name(parameters):``, one line per definition, then ``layout`` of the printed ``exprs``."""
    printer = PythonPrinter()
    body = [f"{d.name} = {printer.doprint(value)}" for d, value in definitions]
    body += layout([printer.doprint(e) for e in exprs])
    for identifier in [name, *parameters, *(d.name for d, _ in definitions)]:
        if not identifier.isidentifier() or keyword.iskeyword(identifier) or identifier.startswith("_"):
            raise SymdiffError(f"cannot write Python: {identifier!r} is not a usable Python name")
        if identifier in printer.used:
            raise SymdiffError(f"cannot write Python: the name {identifier} is also a function or constant it calls")
    lines = [f"from symdiff.numeric import {', '.join(sorted(printer.used))}", "", ""] if printer.used else []
    lines += textwrap.wrap(f"def {name}({', '.join(parameters)}):", width=100, subsequent_indent=" " * 8)
    return "\n".join(lines + [f"    {line}" for line in body]) + "\n"


def gradient_source(g: SymbolicGradient, name: str) -> str:
    names = list(g)

    def layout(printed: list[str]) -> list[str]:
        return ["return {", *(f'    "{n}": {p},' for n, p in zip(names, printed, strict=True)), "}"]

    return _source(name, g.variables, g.definitions, [g[n] for n in names], layout)


def hessian_source(h: SymbolicHessian, name: str) -> str:
    n = len(h.variables)

    def layout(printed: list[str]) -> list[str]:
        return ["return [", *(f"    [{', '.join(printed[i * n : (i + 1) * n])}]," for i in range(n)), "]"]

    entries = [h.matrix[i, j] for i in range(n) for j in range(n)]
    return _source(name, h.gradient.variables, h.definitions, entries, layout)
