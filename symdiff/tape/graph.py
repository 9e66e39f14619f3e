"""Lower a SymPy expression to a computational graph of registry primitives (a Wengert list).

Each node computes one primitive of earlier nodes. The SymPy tree is a DAG, and so is the
graph: a sub-expression that occurs many times is computed once. Lowering is iterative
(an explicit stack, no recursion) and linear in the number of distinct sub-expressions.

SymPy stores ``a - b`` as ``a + (-1)*b`` and ``a/b`` as ``a*b**-1``; lowering reads them
back as ``sub`` and ``div`` so that a listing looks like what the person wrote. Sums and
products with many terms become chains of binary nodes. Parts without variables are
folded into constants.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import mpmath
import sympy as sp

from ..errors import MethodError, SymdiffError
from ..language.dag import PRINTABLE_NODES, postorder, substitute
from ..language.parser import Program, as_expression, fresh_output_name, natural_key, parse_program, symbol
from ..language.symbols import canonical
from ..language.unknown import is_derivative_of_unknown, is_unknown, needs_definition
from ..limits import sympy_recursion_guard
from ..primitives import registry
from ..primitives.primitive import Primitive

NodeKind = Literal["input", "const", "op"]


class Node(NamedTuple):
    """One line of the tape (a named tuple: a large graph has hundreds of thousands).

    Attributes:
        kind: an input variable, a constant, or an operation.
        op: the primitive an operation applies (None for inputs and constants).
        args: indices of the nodes it reads.
        name: the variable name (inputs), or the program name given to this value.
        value: the constant's value (constants only).
    """

    kind: NodeKind
    op: Primitive | None = None
    args: tuple[int, ...] = ()
    name: str = ""
    value: float = math.nan


@dataclass(frozen=True)
class Graph:
    """Nodes in evaluation order; every node's arguments come before it.

    Attributes:
        nodes: the tape.
        inputs: input variable names in natural order.
        input_nodes: the node index of each input, in the same order.
        output: the index of the node that computes the result.
        expressions: the SymPy sub-expression each node computes, or None for the partial
            sums and products that folding a long sum or product creates. A program's are
            written in the names of its lines (``h1 + y``).
        names: for a program, each line's name and what it stands for in the inputs alone,
            to write any of ``expressions`` in the inputs (see ``in_inputs``).
    """

    nodes: tuple[Node, ...]
    inputs: tuple[str, ...]
    input_nodes: tuple[int, ...]
    output: int
    expressions: tuple[sp.Expr | None, ...] = field(repr=False, default=())
    labels: tuple[str, ...] = field(repr=False, default=())
    names: tuple[tuple[sp.Symbol, sp.Expr], ...] = field(repr=False, default=())

    def in_inputs(self, expr: sp.Expr) -> sp.Expr:
        """One of ``expressions`` written in the inputs alone (a program's line names substituted)."""
        return substitute(expr, dict(self.names)) if self.names else expr

    def label(self, index: int) -> str:
        """How a listing refers to a node: its name, v1, v2, … for unnamed operations, a constant's value."""
        return self.labels[index]

    def arguments(self, index: int) -> tuple[int, ...]:
        return self.nodes[index].args

    def display(self, index: int) -> str:
        """The operation's symbol for a drawing (``*``, ``σ``, ``tanh``)."""
        op = self.nodes[index].op
        assert op is not None, "inputs and constants apply no primitive"
        return op.display

    def shape(self, index: int) -> tuple[int, ...]:
        """Every node of a scalar graph is a scalar (an array of inputs broadcasts over all of them)."""
        return ()

    @property
    def operations(self) -> list[int]:
        """Indices of the operation nodes, in evaluation order."""
        return [i for i, n in enumerate(self.nodes) if n.kind == "op"]

    def equation(self, index: int) -> str:
        """The node as a line of a listing: ``v1 = a * b``, ``h = tanh(v1)``, ``L = v3 ^ 2``."""
        node = self.nodes[index]
        if node.op is None:
            return self.label(index)
        args = [self.label(a) for a in node.args]
        symbol = node.op.display
        if len(args) == 2 and (node.op.infix or not symbol.isidentifier()):
            right = f"({args[1]})" if args[1].startswith("-") else args[1]
            return f"{self.label(index)} = {args[0]} {symbol} {right}"
        if len(args) == 1 and node.op.infix:
            return f"{self.label(index)} = {symbol}{args[0]}"
        return f"{self.label(index)} = {node.op.name}({', '.join(args)})"


def _constant_label(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value == int(value) else repr(value)


def _labels(nodes: Sequence[Node]) -> tuple[str, ...]:
    """Each node's name in a listing; unnamed operations are v1, v2, … skipping the names in use.

    Read top to bottom the listing must compute the function: ``v1*v2 + sin(v1*v2)`` with
    inputs v1 and v2 had printed ``v1 = v1 * v2``.
    """
    taken = {node.name for node in nodes if node.name}
    labels, count = [], 0
    for node in nodes:
        if node.kind == "const":
            labels.append(_constant_label(node.value))
        elif node.name:
            labels.append(node.name)
        else:
            count += 1
            while f"v{count}" in taken:
                count += 1
            labels.append(f"v{count}")
    return tuple(labels)


class _Builder:
    """Builds the node list, sharing identical sub-expressions and identical constants."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.expressions: list[sp.Expr | None] = []
        self.index_of: dict[sp.Expr, int] = {}
        self.constants: dict[float, int] = {}
        self.decompositions: dict[sp.Expr, Any] = {}
        self.depths: dict[sp.Basic, int] = {}  # of every sub-expression being lowered
        self.sizes: dict[sp.Basic, int] = {}  # the same written out as a tree, capped just past PRINTABLE_NODES

    def parts(self, expr: sp.Expr, decompose: Callable[[Any], Any]) -> Any:
        """``decompose(expr)``, computed once per sub-expression."""
        if expr not in self.decompositions:
            self.decompositions[expr] = decompose(expr)
        return self.decompositions[expr]

    def sum_parts(self, expr: sp.Add) -> tuple[list[sp.Expr], list[sp.Expr]]:
        ordered = self.depths[expr] <= _ORDERED_DEPTH and self.sizes[expr] <= PRINTABLE_NODES
        return self.parts(expr, lambda e: _sum_parts(e, ordered))

    def measure(self, root: sp.Basic) -> None:
        """Record the depth and written size of every sub-expression of ``root`` (one pass, no recursion)."""
        for node in postorder(root):
            if node not in self.depths:
                self.depths[node] = 1 + max((self.depths[a] for a in node.args), default=0)
                self.sizes[node] = min(PRINTABLE_NODES + 1, 1 + sum(self.sizes[a] for a in node.args))

    def add(self, node: Node, expr: sp.Expr | None) -> int:
        self.nodes.append(node)
        self.expressions.append(expr)
        return len(self.nodes) - 1

    def constant(self, value: float, expr: sp.Expr) -> int:
        if math.isnan(value) or value not in self.constants:  # nan != nan: never shared
            self.constants[value] = self.add(Node("const", value=value), expr)
        return self.constants[value]

    def op(self, name: str, args: Sequence[int], expr: sp.Expr | None) -> int:
        return self.add(Node("op", registry.primitive(name), tuple(args)), expr)

    def fold(self, name: str, args: Sequence[int], expr: sp.Expr | None) -> int:
        """A chain of binary ``name`` nodes over ``args``; the last one computes ``expr``."""
        result = args[0]
        for k, arg in enumerate(args[1:], start=2):
            result = self.op(name, (result, arg), expr if k == len(args) else None)
        return result


def _constant_value(expr: sp.Expr) -> float | None:
    """A variable-free SymPy expression as a float (inf when too large, nan when undefined).

    None when SymPy cannot evaluate it at all: exp(exp(exp(1000))) overflows mpmath's own
    exponent arithmetic. The caller then computes it on the tape in floats instead, where
    it is inf as NumPy has it.
    """
    if expr.is_Rational:
        try:
            return float(expr)
        except OverflowError:
            return math.copysign(math.inf, expr.p)
    try:
        with mpmath.workdps(30):
            value = complex(sp.N(expr, 30))
    except (OverflowError, MemoryError):
        return None
    except (TypeError, ValueError, ArithmeticError):
        return math.nan
    if value.imag != 0:
        return math.nan
    return value.real if math.isfinite(value.real) else math.copysign(math.inf, value.real)


# Sums up to this many terms are lowered in printing order, so the listing follows what the
# person sees; SymPy's ordering costs O(n²) on long sums, which keep SymPy's own argument order.
_ORDERED_TERMS = 32
# SymPy's ordering also recurses (sort keys, is_number) down the whole sum, and compares whole
# trees (exponential for a shared graph): a sum nested deeper than this, or longer written out
# than PRINTABLE_NODES, keeps SymPy's argument order, so that lowering has no depth limit of its own.
_ORDERED_DEPTH = 100


def _negative(value: sp.Expr) -> bool:
    """Is this a negative number? Compared as a number: SymPy's ``is_negative`` would run its
    assumption system once per new number object, which dominated lowering long sums."""
    return bool(value.is_Number and value is not sp.nan and value < 0)


def _sum_parts(expr: sp.Add, ordered: bool) -> tuple[list[sp.Expr], list[sp.Expr]]:
    """Terms added and terms subtracted (in printing order when ``ordered`` and the sum is short)."""
    plus, minus = [], []
    terms = expr.args
    if ordered and len(expr.args) <= _ORDERED_TERMS:
        # Ordering evaluates the terms, and exp(exp(exp(1000))) cannot be: then SymPy's order.
        with contextlib.suppress(OverflowError, ValueError):
            terms = expr.as_ordered_terms()
    for term in terms:
        # The sign from the coefficient: could_extract_minus_sign asks is_number, which recurses.
        if term.is_Mul and _negative(term.args[0]):
            minus.append(_negated(term))
        elif _negative(term):
            minus.append(-term)
        else:
            plus.append(term)
    return plus, minus


def _negated(term: sp.Mul) -> sp.Expr:
    """-term for a product with a negative coefficient, built from its parts. (SymPy's ``-term`` and
    ``could_extract_minus_sign`` look the new product up in the constructor's cache, comparing it with an
    equal cached one argument by argument: on a shared graph that walks every path.)"""
    coeff, *rest = term.args
    if coeff is sp.S.NegativeOne:
        return rest[0] if len(rest) == 1 else sp.Mul._from_args(rest)
    return sp.Mul._from_args((-coeff, *rest))


def _product_parts(expr: sp.Mul) -> tuple[sp.Expr, list[sp.Expr], list[sp.Expr]]:
    """Sign-free coefficient, numerator factors and denominator factors of a product."""
    coeff, rest = expr.as_coeff_Mul()
    numerator, denominator = [], []
    for factor in rest.args if rest.is_Mul else (rest,):
        base, exponent = factor.as_base_exp()
        if _negative(exponent):
            denominator.append(base if exponent is sp.S.NegativeOne else sp.Pow(base, -exponent))
        else:
            numerator.append(factor)
    if coeff is not sp.S.One and coeff is not sp.S.NegativeOne:
        numerator.insert(0, abs(coeff))
    return coeff, numerator, denominator


def _operands(builder: _Builder, expr: sp.Expr) -> list[sp.Expr]:
    """The sub-expressions ``expr`` is built from (lowered before it)."""
    if expr.is_Add:
        plus, minus = builder.sum_parts(expr)
        return plus + minus
    if expr.is_Mul:
        _, numerator, denominator = builder.parts(expr, _product_parts)
        return numerator + denominator
    if expr.is_Pow:
        if _negative(expr.exp):
            return [sp.Pow(expr.base, -expr.exp)] if expr.exp is not sp.S.NegativeOne else [expr.base]
        return [expr.base] if expr.exp is sp.S.Half else [expr.base, expr.exp]
    args = getattr(expr, "pargs", expr.args)
    primitive = registry.for_sympy_node(expr)
    if primitive is None:
        return list(args)
    return list(registry.operands(primitive, args, lambda: sp.sstr(expr)[:60]))


def _emit(builder: _Builder, expr: sp.Expr) -> int:
    """Add the nodes computing ``expr``, whose operands are all lowered already."""
    at = builder.index_of.__getitem__
    if expr.is_Add:
        plus, minus = builder.sum_parts(expr)
        if not plus:
            return builder.op("neg", (builder.fold("add", [at(t) for t in minus], -expr),), expr)
        result = builder.fold("add", [at(t) for t in plus], None if minus else expr)
        for k, term in enumerate(minus, start=1):
            result = builder.op("sub", (result, at(term)), expr if k == len(minus) else None)
        return result
    if expr.is_Mul:
        coeff, numerator, denominator = builder.parts(expr, _product_parts)
        # Only the node that computes the whole product is labelled with it: not the numerator
        # of a quotient, not the product that a minus sign then negates.
        whole = None if denominator or _negative(coeff) else expr
        top = builder.fold("mul", [at(f) for f in numerator], whole) if numerator else builder.constant(1.0, sp.S.One)
        if denominator:
            quotient = None if _negative(coeff) else expr
            top = builder.op("div", (top, builder.fold("mul", [at(f) for f in denominator], None)), quotient)
        return builder.op("neg", (top,), expr) if _negative(coeff) else top
    if expr.is_Pow:
        if _negative(expr.exp):
            return builder.op("div", (builder.constant(1.0, sp.S.One), at(_operands(builder, expr)[0])), expr)
        root = registry.for_power(expr.exp)  # sqrt(x) is Pow(x, 1/2) in SymPy
        if root is not None:
            return builder.op(root.name, (at(expr.base),), expr)
        return builder.op("pow", (at(expr.base), at(expr.exp)), expr)
    primitive = registry.for_sympy_node(expr)
    if primitive is None and (is_unknown(expr) or is_derivative_of_unknown(expr)):
        raise MethodError(needs_definition(expr))
    if primitive is None:
        shown = sp.sstr(expr)[:60]
        raise SymdiffError(f"the tape cannot evaluate {shown}: {type(expr).__name__} is not a symdiff primitive")
    args = [at(a) for a in _operands(builder, expr)]
    if primitive.arity == 2 and len(args) > 2:  # max(a, b, c) = max(max(a, b), c)
        return builder.fold(primitive.name, args, expr)
    if len(args) != primitive.arity:
        shown = sp.sstr(expr)[:60]
        raise SymdiffError(f"the tape cannot evaluate {shown}: {primitive.name} takes {primitive.arity} argument(s)")
    return builder.op(primitive.name, args, expr)


def _constants_put_in(builder: _Builder, expr: sp.Expr) -> sp.Expr:
    """``expr`` with each program name that stands for a constant (h0 = 2) replaced by that constant."""
    names = {s: builder.expressions[builder.index_of[s]] for s in expr.free_symbols if s in builder.index_of}
    return expr.xreplace(names) if names else expr


def _lower_into(builder: _Builder, root: sp.Expr) -> int:
    builder.measure(root)
    stack: list[tuple[sp.Expr, bool]] = [(root, False)]
    while stack:
        expr, ready = stack.pop()
        if expr in builder.index_of:
            continue
        if expr.is_Symbol:
            builder.index_of[expr] = builder.add(Node("input", name=expr.name), expr)
        elif expr.is_Atom:
            value = _constant_value(expr)
            builder.index_of[expr] = builder.constant(math.nan if value is None else value, expr)
        elif ready:
            operands = _operands(builder, expr)
            value = None
            if all(builder.nodes[builder.index_of[o]].kind == "const" for o in operands):
                value = _constant_value(_constants_put_in(builder, expr))  # fold, unless SymPy cannot evaluate it
            builder.index_of[expr] = _emit(builder, expr) if value is None else builder.constant(value, expr)
        else:
            stack.append((expr, True))
            pending = [o for o in reversed(_operands(builder, expr)) if o not in builder.index_of]
            stack.extend((operand, False) for operand in pending)
    return builder.index_of[root]


def lower(expr: str | sp.Basic | Program) -> Graph:
    """The graph computing ``expr``; a program's definitions name the nodes that compute them.

    Example:
        >>> graph = lower("a*b + c")
        >>> [graph.label(i) for i in range(len(graph.nodes))]
        ['a', 'b', 'c', 'v1', 'f']
    """
    if isinstance(expr, str):
        expr = parse_program(expr)  # keep the names of a program's lines
    builder = _Builder()
    names: dict[int, str] = {}
    with sympy_recursion_guard("building the tape", instead=None):
        if isinstance(expr, Program):
            output = _lower_program(builder, expr, names)
        else:
            output = _lower_into(builder, _expression(expr))
            if builder.nodes[output].kind == "op":
                names[output] = fresh_output_name({n.name for n in builder.nodes})
    for index, name in names.items():
        builder.nodes[index] = builder.nodes[index]._replace(name=name)
    graph = _inputs_first(builder.nodes, builder.expressions, [output])[0]
    if isinstance(expr, Program):
        lines = tuple((symbol(d.name), e) for d, e in zip(expr.definitions, expr.resolved, strict=True))
        graph = dataclasses.replace(graph, names=lines)
    return graph


def _expression(expr: Any) -> sp.Expr:
    """A SymPy expression over real symbols. Not checked against the language here: the public
    functions check what they are given (``check_language``), with the caller's limits, and
    lowering also serves symdiff's own results, whose numbers may be as large as those limits allow."""
    if isinstance(expr, sp.Expr) and not isinstance(expr, sp.MatrixBase):
        return canonical(expr).expression
    return as_expression(expr)


def _lower_program(builder: _Builder, program: Program, names: dict[int, str]) -> int:
    """Lower a program line by line, each in terms of the names above it.

    The tape then has exactly the nodes the person wrote: after substitution SymPy would
    rewrite (b*a)^2 as b^2*a^2, and the line c = b*a would have no node of its own. Lines the
    output does not use are left out.
    """
    used = {program.output.name}
    for d in reversed(program.definitions):
        if d.name in used:
            used |= {s.name for s in d.expression.free_symbols}
    for d in program.definitions:
        if d.name in used:
            index = _lower_into(builder, d.expression)
            builder.index_of[symbol(d.name)] = index
            if builder.nodes[index].kind == "op":
                names.setdefault(index, d.name)
    return builder.index_of[symbol(program.output.name)]


def lower_all(exprs: Sequence[sp.Expr]) -> tuple[Graph, tuple[int, ...]]:
    """One graph computing every expression of ``exprs``, each shared sub-expression once.

    Returns the graph (its ``output`` is the last expression's node) and the node computing each expression.

    Example:
        >>> graph, outputs = lower_all([sp.sympify("x*y"), sp.sympify("sin(x*y)")])
        >>> [graph.equation(i) for i in outputs]
        ['v1 = x * y', 'v2 = sin(v1)']
    """
    if not exprs:
        raise SymdiffError("no expression to lower")
    builder = _Builder()
    with sympy_recursion_guard("building the tape", instead=None):
        roots = [_lower_into(builder, _expression(e)) for e in exprs]
    return _inputs_first(builder.nodes, builder.expressions, roots)


def _inputs_first(
    nodes: list[Node], expressions: list[sp.Expr | None], outputs: Sequence[int]
) -> tuple[Graph, tuple[int, ...]]:
    """The graph with its input nodes moved to the front, in natural order, so listings start with them.

    Returns the graph (whose output is the last of ``outputs``) and where each of ``outputs`` moved.
    """
    inputs = sorted((i for i, n in enumerate(nodes) if n.kind == "input"), key=lambda i: natural_key(nodes[i].name))
    order = inputs + [i for i, n in enumerate(nodes) if n.kind != "input"]
    position = {old: new for new, old in enumerate(order)}
    moved = [n._replace(args=tuple(position[a] for a in n.args)) if n.args else n for n in (nodes[i] for i in order)]
    graph = Graph(
        nodes=tuple(moved),
        inputs=tuple(nodes[i].name for i in inputs),
        input_nodes=tuple(range(len(inputs))),
        output=position[outputs[-1]],
        expressions=tuple(expressions[i] for i in order),
        labels=_labels(moved),
    )
    return graph, tuple(position[o] for o in outputs)
