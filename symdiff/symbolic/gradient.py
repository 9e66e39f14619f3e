"""Gradients and Hessians written with shared definitions, as reverse mode computes them.

A ``SymbolicGradient`` is a ``dict`` of name → partial derivative, like the plain dict it
replaces, plus ``definitions``: the intermediate values the partials share, in evaluation
order. ``expand()`` substitutes them and gives plain SymPy expressions; ``to_text()``,
``to_latex()`` and ``to_source()`` write the definitions once, then each partial.

``reverse_gradient`` and ``reverse_hessian`` build them from an expression (see
``symdiff.symbolic.reverse`` for the sweep itself).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.core.cache import clear_cache
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects, never text

from ..errors import LimitError, SymdiffError, describe
from ..language.lexer import name_problem
from ..language.parser import Program, parse_program, symbol
from ..language.symbols import key_of
from ..limits import DEFAULT_LIMITS, Limits, serialized_class, sympy_recursion_guard
from ..tape.graph import Graph, lower, lower_all
from .reverse import Definition, sweep


def resolve(definitions: Iterable[Definition]) -> dict[sp.Basic, sp.Expr]:
    """Each defined symbol → its value in terms of the inputs only (shared sub-expressions stay shared)."""
    # SymPy's constructor cache compares a new node with an equal cached one argument by
    # argument; with shared sub-expressions built earlier (and partly evicted) that comparison
    # walks every path, exponentially. Starting from an empty cache, each node here is built once.
    clear_cache()
    resolved: dict[sp.Basic, sp.Expr] = {}
    for defined, value in definitions:
        resolved[defined] = value.xreplace(resolved)
    return resolved


# A SymPy caller's matrix or indexed element is a variable under its printed name (language.symbols).
_ELEMENT_NAME = re.compile(r"[A-Za-z]\w*\[\d+(, \d+)*\]")


def _name(what: str, name: Any) -> str:
    if isinstance(name, str) and _ELEMENT_NAME.fullmatch(name):
        return name
    problem = name_problem(name) if isinstance(name, str) else f"got {describe(name)}"
    if problem:
        raise SymdiffError(f"{what} must be a variable name: {problem}")
    return name


def _expression(what: str, value: Any) -> sp.Expr:
    try:
        expr = value if isinstance(value, sp.Basic) else _sympify(value)  # never text
    except sp.SympifyError:
        raise SymdiffError(f"{what} must be a SymPy expression, got {describe(value)}") from None
    if not isinstance(expr, sp.Expr):
        raise SymdiffError(f"{what} must be a SymPy expression, got {describe(value)}")
    return expr


def _partials(partials: Any) -> dict[str, sp.Expr]:
    """Name → partial derivative, checked: names are variable names, values SymPy expressions."""
    if not isinstance(partials, Mapping):
        try:
            partials = dict(partials)  # (name, expression) pairs
        except (TypeError, ValueError):
            raise SymdiffError(f"the partials are a dict from name to expression, got {describe(partials)}") from None
    return {_name("a variable", k): _expression(f"the partial for {k}", v) for k, v in partials.items()}


def _definitions(definitions: Any) -> tuple[Definition, ...]:
    try:
        pairs = [(d, v) for d, v in definitions]
    except (TypeError, ValueError):
        raise SymdiffError(f"definitions are (symbol, expression) pairs, got {describe(definitions)}") from None
    for defined, _ in pairs:
        if not isinstance(defined, sp.Symbol):
            raise SymdiffError(f"a definition names a symbol, got {describe(defined)}")
        _name("a definition", defined.name)
    return tuple((d, _expression(f"the definition of {d}", v)) for d, v in pairs)


def _count_ops(definitions: Iterable[Definition], exprs: Iterable[sp.Expr]) -> int:
    return sum(sp.count_ops(value) for _, value in definitions) + sum(sp.count_ops(e) for e in exprs)


@serialized_class
class SymbolicGradient(dict[str, sp.Expr]):
    """Every first partial derivative, name → expression, and the definitions the expressions use.

    Attributes:
        definitions: ``(symbol, expression)`` pairs in evaluation order, each using only the
            variables and earlier symbols. Empty when every partial is written out in full.
        function: the function's name for display (a program's output name, else ``f``).
        variables: all the function's variables, in natural order.

    Example:
        >>> import symdiff as sd
        >>> g = sd.gradient("h = tanh(w*x); L = (h - t)^2", method="reverse")
        >>> g.definitions
        ((h, tanh(w*x)), (v1, 2*h - 2*t), (v2, v1*(1 - h**2)))
        >>> g
        {'t': -v1, 'w': v2*x, 'x': v2*w}
        >>> g.expand()["w"]
        x*(1 - tanh(w*x)**2)*(-2*t + 2*tanh(w*x))
    """

    def __init__(
        self,
        partials: Mapping[str, sp.Expr] | Iterable[tuple[str, sp.Expr]],
        definitions: Iterable[Definition] = (),
        *,
        function: str = "f",
        variables: Sequence[str] = (),
    ):
        super().__init__(_partials(partials))
        self.definitions: tuple[Definition, ...] = _definitions(definitions)
        self.function = _name("function", function)
        if not isinstance(variables, (list, tuple)):
            raise SymdiffError(f"variables is a list of names, got {describe(variables)}")
        self.variables = tuple(_name("a variable", v) for v in variables)

    def __getitem__(self, key: str | sp.Basic) -> sp.Expr:
        """A partial by the variable's name or by the SymPy symbol itself (``g[x]`` as ``g["x"]``)."""
        return super().__getitem__(key_of(key) if isinstance(key, sp.Basic) else key)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key_of(key) if isinstance(key, sp.Basic) else key)

    def get(self, key: str | sp.Basic, default: Any = None) -> Any:
        return super().get(key_of(key) if isinstance(key, sp.Basic) else key, default)

    def expand(self) -> dict[str, sp.Expr]:
        """Plain SymPy expressions, the definitions substituted."""
        resolved = resolve(self.definitions)
        return {name: partial.xreplace(resolved) for name, partial in self.items()}

    def count_ops(self) -> int:
        """SymPy's ``count_ops`` of every definition and every partial, added up."""
        return _count_ops(self.definitions, self.values())

    def to_text(self) -> str:
        """The definitions, then ``∂f/∂x = …`` for each partial, in symdiff's input language."""
        from ..render import gradient as view

        return view.gradient_text(self)

    def to_latex(self) -> str:
        r"""One ``\begin{aligned}`` block: the definitions, then each partial."""
        from ..render import gradient as view

        return view.gradient_latex(self)

    def to_source(self, name: str = "gradient") -> str:
        """Python source of ``def gradient(<variables>)`` returning a dict of partials; NumPy arrays work.

        It needs only NumPy: helpers NumPy lacks (``sigmoid``, ``relu``, …) are defined in it.
        """
        from ..render import gradient as view

        return view.gradient_source(self, name)

    def _repr_latex_(self) -> str:  # Jupyter shows the aligned block
        return f"$$\n{self.to_latex()}\n$$"


@serialized_class
@dataclass(frozen=True, eq=False)
class SymbolicHessian:
    """The matrix of second partials and the definitions its entries use.

    It reads like the plain ``sympy.Matrix`` ``hessian`` returns for small functions:
    ``H[i, j]``, ``H.shape``, ``H == other`` and ``H.tolist()`` see the entries with the
    definitions substituted (``expand()``); ``matrix`` keeps them in terms of the definitions.

    Attributes:
        definitions: ``(symbol, expression)`` pairs in evaluation order.
        matrix: ∂²f/∂xᵢ∂xⱼ in terms of the definitions (symmetric).
        variables: the names of the rows and columns, in order.
        gradient: the first partials, in terms of the same definitions.
        function: the function's name for display.
    """

    definitions: tuple[Definition, ...]
    matrix: sp.Matrix
    variables: tuple[str, ...]
    gradient: SymbolicGradient
    function: str = "f"

    def expand(self) -> sp.Matrix:
        """The plain SymPy matrix, the definitions substituted."""
        return self._plain.copy()

    @functools.cached_property
    def _plain(self) -> sp.Matrix:
        return self.matrix.xreplace(resolve(self.definitions))

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def rows(self) -> int:
        return self.matrix.rows

    @property
    def cols(self) -> int:
        return self.matrix.cols

    def __getitem__(self, key: Any) -> Any:
        """An entry (``H[0, 1]``) or a slice of the plain matrix, as ``sympy.Matrix`` indexing gives."""
        return self._plain[key]

    def __len__(self) -> int:
        return len(self.matrix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SymbolicHessian):
            other = other._plain
        return bool(self._plain == other)

    __hash__ = None  # type: ignore[assignment]  # equal to a mutable Matrix, so unhashable like it

    def tolist(self) -> list[list[sp.Expr]]:
        """The plain entries as a list of rows."""
        return self._plain.tolist()

    def count_ops(self) -> int:
        """SymPy's ``count_ops`` of every definition and every entry on or above the diagonal."""
        n = len(self.variables)
        return _count_ops(self.definitions, (self.matrix[i, j] for i in range(n) for j in range(i, n)))

    def to_text(self) -> str:
        """The definitions, then ``∂²f/∂x∂y = …`` for each entry on or above the diagonal."""
        from ..render import gradient as view

        return view.hessian_text(self)

    def to_latex(self) -> str:
        r"""One ``\begin{aligned}`` block: the definitions, then the matrix."""
        from ..render import gradient as view

        return view.hessian_latex(self)

    def to_source(self, name: str = "hessian") -> str:
        """Python source of ``def hessian(<variables>)`` returning the matrix as a list of rows."""
        from ..render import gradient as view

        return view.hessian_source(self, name)

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"


@dataclass(frozen=True)
class _Lowered:
    graph: Graph
    names: dict[int, str]  # program names of the graph's operations
    function: str


def _aliases(program: Program, graph: Graph) -> dict[sp.Basic, sp.Expr]:
    """Program names without a node of their own (``h = x``, a line that repeats another) → what they stand for.

    The graph writes each line's expression in terms of the names above it; a name that
    computes nothing new still appears there.
    """
    own = {node.name for node in graph.nodes if node.kind == "op"}
    computed_by = {e: symbol(node.name) for e, node in zip(graph.expressions, graph.nodes, strict=True) if node.name}
    aliases: dict[sp.Basic, sp.Expr] = {}
    for d in program.definitions:
        if d.name not in own:
            aliases[symbol(d.name)] = computed_by.get(d.expression, d.expression.xreplace(aliases))
    return aliases


def _lowered(source: str | sp.Basic | Program, limits: Limits) -> _Lowered:
    if isinstance(source, str):
        source = parse_program(source, limits=limits)
    graph = lower(source)
    aliases = _aliases(source, graph) if isinstance(source, Program) else {}
    if aliases:
        graph = replace(graph, expressions=tuple(e if e is None else e.xreplace(aliases) for e in graph.expressions))
    operations = len(graph.operations)
    if operations > limits.max_ops:
        raise LimitError(f"the expression has {operations} operations, above the limit of {limits.max_ops} (max_ops)")
    names = {i: node.name for i, node in enumerate(graph.nodes) if node.kind == "op" and node.name}
    output = graph.nodes[graph.output]
    function = source.output.name if isinstance(source, Program) else output.name if output.kind == "op" else "f"
    return _Lowered(graph, names, function)


def reverse_gradient(
    source: str | sp.Basic | Program, wrt: Sequence[str], *, limits: Limits = DEFAULT_LIMITS
) -> SymbolicGradient:
    """Every partial derivative of ``source`` with respect to each of ``wrt`` from one reverse sweep."""
    lowered = _lowered(source, limits)
    graph = lowered.graph
    with sympy_recursion_guard("differentiating"):
        result = sweep(graph, [graph.output], wrt, names=lowered.names)
    return SymbolicGradient(
        zip(wrt, result.partials[0], strict=True), result.definitions, function=lowered.function, variables=graph.inputs
    )


def reverse_hessian(
    source: str | sp.Basic | Program, wrt: Sequence[str], *, limits: Limits = DEFAULT_LIMITS
) -> SymbolicHessian:
    """Reverse over reverse: the gradient's own graph, swept backward once per row.

    The first sweep gives the gradient with shared definitions; its partials, as one graph
    that keeps the sharing, are swept again, one output per row. The program's names carry
    over to the values they name.
    """
    lowered = _lowered(source, limits)
    graph = lowered.graph
    with sympy_recursion_guard("differentiating"):
        first = sweep(graph, [graph.output], wrt, names=lowered.names)
        resolved = resolve(first.definitions)
        program_names = set(lowered.names.values())
        named = {resolved[d]: d.name for d, _ in first.definitions if d.name in program_names}
        second_graph, outputs = lower_all([p.xreplace(resolved) for p in first.partials[0]])
        work = len(wrt) * len(second_graph.nodes)
        if work > limits.max_ops:
            raise LimitError(
                f"the Hessian needs {len(wrt)} sweeps over {len(second_graph.nodes)} nodes, "
                f"above the limit of {limits.max_ops} (max_ops)"
            )
        names = {i: named[e] for i, e in enumerate(second_graph.expressions) if e is not None and e in named}
        second = sweep(second_graph, outputs, wrt, names=names, with_values=True)
    n = len(wrt)
    matrix = sp.Matrix([[second.partials[min(i, j)][max(i, j)] for j in range(n)] for i in range(n)])
    gradient = SymbolicGradient(
        zip(wrt, second.values, strict=True), second.definitions, function=lowered.function, variables=graph.inputs
    )
    return SymbolicHessian(second.definitions, matrix, tuple(wrt), gradient, lowered.function)
