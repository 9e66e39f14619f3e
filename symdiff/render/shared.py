"""Text, LaTeX and Python views of results with shared definitions: definitions first, then the rest."""

from __future__ import annotations

import keyword
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from .. import registry
from ..errors import SymdiffError
from ..primitive import Primitive
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


# NumPy source for the registry's functions that NumPy has under no name of its own, so that
# exported code needs nothing but NumPy. Each follows the registry's NumPy implementation on
# real numbers, nan and ±inf (tests/test_reverse.py walks the registry to check); the code
# defines only the ones it calls.
_HELPERS: dict[str, tuple[str, ...]] = {
    "sec": ("return 1 / np.cos(x)",),
    "csc": ("return 1 / np.sin(x)",),
    "cot": ("return np.cos(x) / np.sin(x)",),
    # np.divide, not /: 1 / 0.0 raises for a Python float, where NumPy gives inf as the registry does.
    "asec": ("return np.arccos(np.divide(1.0, x))",),
    "acsc": ("return np.arcsin(np.divide(1.0, x))",),
    "acot": ("return np.arctan(np.divide(1.0, x))",),
    "sech": ("return 1 / np.cosh(x)",),
    "csch": ("return 1 / np.sinh(x)",),
    "coth": ("return 1 / np.tanh(x)",),
    "asech": ("return np.arccosh(np.divide(1.0, x))",),
    "acsch": ("return np.arcsinh(np.divide(1.0, x))",),
    "acoth": ("return np.arctanh(np.divide(1.0, x))",),
    "heaviside": ("return np.heaviside(x, 0.5)  # 1/2 at 0, as SymPy's Heaviside",),
    "relu": ("return np.maximum(x, 0.0)",),
    "softplus": ("return np.logaddexp(0.0, x)  # log(1 + exp(x)) without overflow",),
    "sigmoid": (
        "e = np.exp(-np.abs(x))  # 1/(1 + exp(-x)) without overflow",
        "return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]",
    ),
    "erf": ("return np.vectorize(math.erf, otypes=[float])(x)[()]  # NumPy has no erf",),
}
_IMPORTS: dict[str, str] = {"erf": "math"}  # helpers that need a module of the standard library
_MODULES: dict[str, str] = {"np": "import numpy as np", "math": "import math"}
# The registry's versions differ from these NumPy functions only on complex numbers (complex step).
_REAL_NUMPY: dict[str, str] = {"cbrt": "np.cbrt"}


def _numpy_function(p: Primitive) -> str | None:
    """``np.tanh`` when the registry's NumPy implementation of ``p`` is a NumPy function with a name."""
    if p.name in _REAL_NUMPY:
        return _REAL_NUMPY[p.name]
    for name in (p.name, getattr(p.numpy, "__name__", "")):
        if name and getattr(np, name, None) is p.numpy:
            return f"np.{name}"
    return None


def helper_source(name: str) -> str:
    """``def name(x): …``: the NumPy definition exported code carries for a registry function."""
    return f"def {name}(x):\n" + "".join(f"    {line}\n" for line in _HELPERS[name])


class PythonPrinter(StrPrinter):
    """NumPy source for an expression: ``np.tanh(x)``, or a helper named as the registry names it.

    Records the helpers it calls in ``helpers``. Numbers are written so that they read back exactly.
    """

    def __init__(self) -> None:
        super().__init__()
        self.helpers: set[str] = set()

    def _print_Function(self, expr: Any) -> str:
        primitive = registry.for_sympy_node(expr)
        if primitive is None:
            raise SymdiffError(f"cannot write {type(expr).__name__} as Python: it is not a symdiff function")
        name = _numpy_function(primitive)
        if name is None:
            if primitive.name not in _HELPERS:
                raise SymdiffError(f"cannot write {primitive.name} as NumPy source: it has no NumPy definition")
            name = primitive.name
            self.helpers.add(name)
        args = [self._print(a) for a in getattr(expr, "pargs", expr.args)]
        text = f"{name}({', '.join(args[: primitive.arity])})"
        for arg in args[primitive.arity :]:  # max(a, b, c) is max(max(a, b), c)
            text = f"{name}({text}, {arg})"
        return text

    _print_Heaviside = _print_Function
    _print_Max = _print_Function
    _print_Min = _print_Function

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        if expr.exp is sp.S.Half:
            return f"np.sqrt({self._print(expr.base)})"
        if -expr.exp is sp.S.Half:  # as StrPrinter tests it: 1/sqrt(x), never x**-0.5
            return f"1/np.sqrt({self._print(expr.base)})"
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
    modules = {"np", *(_IMPORTS[h] for h in printer.helpers if h in _IMPORTS)}
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
    lines = [_MODULES[module] for module in sorted(modules, key=list(_MODULES).index)] + ["", ""]
    for helper in sorted(printer.helpers):
        lines += [*helper_source(helper).splitlines(), "", ""]
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
