"""Text, LaTeX and Python views of results with shared definitions: definitions first, then the rest."""

from __future__ import annotations

import keyword
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.printing.str import StrPrinter

from ..errors import SymdiffError
from ..language.printing import derivative_latex, derivative_text, latex_names, name_latex, to_latex, to_text
from ..primitives import registry
from ..primitives.primitive import NumpySource, Primitive

if TYPE_CHECKING:
    from ..symbolic.gradient import SymbolicGradient, SymbolicHessian
    from ..symbolic.reverse import Definition


def definition_lines(definitions: Iterable[Definition]) -> list[str]:
    """``v1 = …`` for each definition, in the input language (together they read back as a program)."""
    return [f"{to_text(defined)} = {to_text(value)}" for defined, value in definitions]


def definition_rows(definitions: Iterable[Definition], names: Mapping[str, str] | None = None) -> list[str]:
    r"""``v_{1} &= …`` for each definition: rows of an aligned block (``names``: see ``latex_names``)."""
    return [f"{to_latex(defined, names=names)} &= {to_latex(value, names=names)}" for defined, value in definitions]


def definition_data(definitions: Iterable[Definition]) -> list[dict[str, str]]:
    """Each definition as JSON data: name, expression (text) and LaTeX."""
    return [{"name": d.name, "expression": to_text(value), "latex": to_latex(value)} for d, value in definitions]


def aligned(rows: Sequence[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def gradient_text(g: SymbolicGradient) -> str:
    ordinary = len(g.variables) <= 1
    partials = [f"{derivative_text(g.function, (name,), ordinary)} = {to_text(p)}" for name, p in g.items()]
    return "\n".join(definition_lines(g.definitions) + partials)


def _names(function: str, variables: Iterable[str], definitions: Iterable[Definition]) -> dict[str, str]:
    return latex_names([function, *variables, *(d.name for d, _ in definitions)])


def gradient_latex(g: SymbolicGradient) -> str:
    ordinary = len(g.variables) <= 1
    names = _names(g.function, [*g.variables, *g], g.definitions)
    partials = [
        f"{derivative_latex(g.function, (name,), ordinary, names)} &= {to_latex(p, names=names)}"
        for name, p in g.items()
    ]
    return aligned(definition_rows(g.definitions, names) + partials)


def _upper(h: SymbolicHessian) -> list[tuple[tuple[str, str], sp.Expr]]:
    names = h.variables
    return [((names[i], names[j]), h.matrix[i, j]) for i in range(len(names)) for j in range(i, len(names))]


def hessian_text(h: SymbolicHessian) -> str:
    ordinary = len(h.gradient.variables) <= 1
    entries = [f"{derivative_text(h.function, wrt, ordinary)} = {to_text(e)}" for wrt, e in _upper(h)]
    return "\n".join(definition_lines(h.definitions) + entries)


def hessian_row(function: str, matrix: sp.Matrix, names: Mapping[str, str] | None = None) -> str:
    r"""``\nabla^{2} f &= (matrix)``: a row of an aligned block."""
    body = to_latex(matrix, names=names, mat_delim="(", mat_str="matrix")
    return rf"\nabla^{{2}} {name_latex(function, names)} &= {body}"


def hessian_latex(h: SymbolicHessian) -> str:
    names = _names(h.function, h.variables, h.definitions)
    return aligned([*definition_rows(h.definitions, names), hessian_row(h.function, h.matrix, names)])


# Exported code imports NumPy as np, then the standard-library modules its helpers need.
_NUMPY_IMPORT = "import numpy as np"


def _numpy_source(p: Primitive) -> NumpySource:
    if p.numpy_source is None:
        raise SymdiffError(f"cannot write {p.name} as NumPy source: it has no NumPy definition")
    return p.numpy_source


def helper_source(p: Primitive) -> str:
    """``def name(x): …``: the NumPy definition exported code carries for a registry function."""
    parameters = "x" if p.arity == 1 else "a, b"
    return f"def {p.name}({parameters}):\n" + "".join(f"    {line}\n" for line in _numpy_source(p).helper)


class PythonPrinter(StrPrinter):
    """NumPy source for an expression: ``np.tanh(x)``, or a helper named as the registry names it.

    How each function is written comes from its registry entry (``Primitive.numpy_source``).
    Records the helpers it calls in ``helpers``. Numbers are written so that they read back exactly.
    """

    def __init__(self) -> None:
        super().__init__()
        self.helpers: dict[str, Primitive] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:
        # Every registry function, before StrPrinter's own methods for some (Heaviside, Max) see it.
        primitive = registry.for_sympy_node(expr)
        if primitive is not None and primitive.numpy_source is not None:
            return self._call(primitive, registry.operands(primitive, getattr(expr, "pargs", expr.args)))
        return str(super()._print(expr, **kwargs))

    def _call(self, primitive: Primitive, arguments: Sequence[sp.Basic]) -> str:
        source = _numpy_source(primitive)
        name = source.call or primitive.name
        if not source.call:
            self.helpers[name] = primitive
        args = [self._print(a) for a in arguments]
        text = f"{name}({', '.join(args[: primitive.arity])})"
        for arg in args[primitive.arity :]:  # max(a, b, c) is max(max(a, b), c)
            text = f"{name}({text}, {arg})"
        return text

    def _print_Function(self, expr: Any) -> str:
        primitive = registry.for_sympy_node(expr)
        if primitive is None:
            raise SymdiffError(f"cannot write {type(expr).__name__} as Python: it is not a symdiff function")
        return self._call(primitive, expr.args)  # refuses: it has no NumPy source

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        root = registry.for_power(expr.exp)
        if root is not None:
            return self._call(root, [expr.base])
        root = registry.for_power(-expr.exp)
        if root is not None:  # as StrPrinter tests it: 1/sqrt(x), never x**-0.5
            return f"1/{self._call(root, [expr.base])}"
        return str(super()._print_Pow(expr, rational))

    def _print_Exp1(self, expr: Any) -> str:
        return "np.e"

    def _print_Pi(self, expr: Any) -> str:
        return "np.pi"

    def _print_NumberSymbol(self, expr: Any) -> str:
        return repr(float(expr))

    def _print_Float(self, expr: Any) -> str:
        return repr(float(expr))

    def _print_Infinity(self, expr: Any) -> str:
        return "np.inf"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "-np.inf"

    def _print_NaN(self, expr: Any) -> str:
        return "np.nan"

    _print_ComplexInfinity = _print_NaN


def _inputs_used(definitions: Sequence[Definition], exprs: Sequence[sp.Expr]) -> list[set[str]]:
    """For each of ``exprs``, the names of the inputs it depends on, through the definitions."""
    through: dict[str, frozenset[str]] = {}
    for defined, value in definitions:
        through[defined.name] = frozenset().union(*(through.get(s.name, {s.name}) for s in value.free_symbols))
    return [set().union(*(through.get(s.name, {s.name}) for s in e.free_symbols)) for e in exprs]


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    return name


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=100, subsequent_indent=indent, break_on_hyphens=False)


def _source(
    name: str,
    parameters: Sequence[str],
    definitions: Sequence[Definition],
    exprs: Sequence[sp.Expr],
    layout: Callable[[list[str]], list[str]],
) -> str:
    """``def name(parameters):``, one line per definition, then ``layout`` of the printed ``exprs``.

    The code imports NumPy and nothing from symdiff, defining the helpers it calls above the
    function. Every returned entry has the broadcast shape of the arguments: one that does not
    depend on all of them (a constant, say) is added to zeros of that shape.
    """
    printer = PythonPrinter()
    body = [f"{d.name} = {printer.doprint(value)}" for d, value in definitions]
    printed = [printer.doprint(e) for e in exprs]
    modules = {"np", *(m for p in printer.helpers.values() for m in _numpy_source(p).imports)}
    identifiers = [name, *parameters, *(d.name for d, _ in definitions)]
    for identifier in identifiers:
        if not identifier.isidentifier() or keyword.iskeyword(identifier) or identifier.startswith("_"):
            raise SymdiffError(f"cannot write Python: {identifier!r} is not a usable Python name")
        if identifier in printer.helpers or identifier in modules:
            raise SymdiffError(f"cannot write Python: the name {identifier} is also a function or module it calls")
    short = [not set(parameters) <= used for used in _inputs_used(definitions, exprs)]
    if any(short):
        zero = _fresh("zero", set(identifiers))
        shapes = ", ".join(f"np.shape({p})" for p in parameters)
        body.append("# zeros of the arguments' broadcast shape, for entries that do not depend on all of them")
        body += _wrapped(f"{zero} = np.zeros(np.broadcast_shapes({shapes}))", " " * 4)
        printed = [f"{p} + {zero}" if s else p for p, s in zip(printed, short, strict=True)]
    body += layout(printed)
    lines = [_NUMPY_IMPORT, *(f"import {module}" for module in sorted(modules - {"np"})), "", ""]
    for helper in sorted(printer.helpers):
        lines += [*helper_source(printer.helpers[helper]).splitlines(), "", ""]
    lines += _wrapped(f"def {name}({', '.join(parameters)}):", " " * 8)
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
