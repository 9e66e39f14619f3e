"""Reverse mode over the SymPy graph: every partial derivative from one backward sweep.

This is the tape (``interpret.forward`` and ``interpret.backward``) run on SymPy expressions
instead of numbers: the graph is ``graph.lower``'s and the derivative rules are the
registry's, run on ``registry.NAMESPACES["sympy"]``. SymPy's own route, ``sympy.diff`` once
per variable, writes every shared sub-expression into every partial; here a value used more
than once is computed once and named, so the result grows with the function, not with the
number of variables times the function.

1. **Count.** How often will each value be written? Once per use by a later value that is
   written out, plus once per use by a derivative rule. Which rules use which arguments is
   learnt by running each rule once on placeholder symbols.
2. **Forward.** A program's lines keep their names (``h = …``); other values used twice or
   more become definitions (``v1 = …``), values used once are written in place. Atoms and
   multiples of atoms (``x``, ``2y``) are written in place: naming them saves nothing.
3. **Backward.** Adjoints flow from the output to the inputs. Contributions to an adjoint
   are kept in a list and added once (adding one by one is quadratic on long sums). An
   adjoint that feeds two or more arguments is named; the seed 1 flows through sums as is.

The result is a list of definitions in evaluation order (forward values, then adjoints) and
one compact expression per partial derivative.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import sympy as sp
from sympy.core.add import _addsort

from ..language.parser import symbol
from ..primitives import registry
from ..primitives.primitive import Primitive
from ..tape.graph import Graph

_M = registry.NAMESPACES["sympy"]

Definition = tuple[sp.Symbol, sp.Expr]


@dataclass(frozen=True)
class Sweep:
    """What reverse sweeps over a graph found.

    Attributes:
        definitions: ``(symbol, expression)`` in evaluation order; each expression uses only
            the inputs and earlier symbols.
        values: each output's own value in terms of the definitions (when asked for).
        partials: for each output, its partial derivative with respect to each ``wrt`` variable.
    """

    definitions: tuple[Definition, ...]
    values: tuple[sp.Expr, ...]
    partials: tuple[tuple[sp.Expr, ...], ...]


def sweep(
    graph: Graph,
    outputs: Sequence[int],
    wrt: Sequence[str],
    *,
    names: Mapping[int, str],
    with_values: bool = False,
) -> Sweep:
    """Differentiate each output node of ``graph`` with respect to each of ``wrt``, one backward sweep each.

    Args:
        graph: the lowered function(s).
        outputs: the nodes to differentiate (one for a gradient, one per row for a Hessian).
        wrt: variable names; a name that is not an input has partial derivative 0.
        names: names for the values of some nodes (a program's lines), used for their definitions.
        with_values: also write each output's own value in terms of the definitions.
    """
    return _Sweep(graph, outputs, wrt, names, with_values).run()


def _trivial(expr: sp.Expr) -> bool:
    """Cheaper to repeat than to name: an atom, or a number times an atom (``-x``, ``2y``)."""
    if expr.is_Atom:
        return True
    return bool(expr.is_Mul and len(expr.args) == 2 and expr.args[0].is_Number and expr.args[1].is_Atom)


def _exact(expr: sp.Expr) -> sp.Expr:
    """The rules' float literals (``0.5``) as the exact fractions they stand for."""
    floats = {f: sp.Rational(f) for f in expr.atoms(sp.Float) if sp.Rational(f).q <= 1024}
    return expr.xreplace(floats) if floats else expr


def _times(adjoint: sp.Expr, local: sp.Expr) -> sp.Expr:
    """``adjoint × local``; the seed 1 and the local derivatives ±1 of sums pass through unchanged."""
    if adjoint is sp.S.One:
        return local
    if local is sp.S.One:
        return adjoint
    return -adjoint if local is sp.S.NegativeOne else adjoint * local


def _term(adjoint: sp.Expr, local: sp.Expr) -> sp.Expr:
    """``adjoint × local`` as a term of a sum; a fraction times a function or a symbol is built as it stands.

    ``Mul._from_args`` gives exactly what ``Mul`` would, without its evaluation, which for
    ``exp`` (seen as a power of e) costs a thousand times more.
    """
    for number, factor in ((local, adjoint), (adjoint, local)):
        if number.is_Rational and number not in (0, 1) and (factor.is_Function or factor.is_Symbol):
            return sp.Mul._from_args((number, factor))
    return _times(adjoint, local)


def _total(contributions: Sequence[tuple[sp.Expr, sp.Expr]]) -> sp.Expr:
    """The sum of ``adjoint × local`` over the contributions, built at once (one by one is quadratic).

    SymPy's Add splits every term into a number and the rest and multiplies them back. When
    no two terms can be combined, the sum is assembled from the terms as they are, in the
    order Add sorts them: the same expression, without that cost.
    """
    if not contributions:
        return sp.S.Zero
    if len(contributions) == 1:
        return _times(*contributions[0])
    terms = [_term(adjoint, local) for adjoint, local in contributions]
    if not _independent(terms):
        return sp.Add(*terms)
    _addsort(terms)
    return sp.Add._from_args(terms, is_commutative=True)


def _independent(terms: Sequence[sp.Expr]) -> bool:
    """No term is a number or a sum, and no two differ only by a numeric factor (Add would combine them)."""
    rests = set()
    for term in terms:
        if term.is_Number or term.is_Add or not term.is_commutative:
            return False
        coefficient, rest = term.as_coeff_Mul()
        if not coefficient.is_finite or rest in rests:
            return False
        rests.add(rest)
    return True


def _occurrences(exprs: Iterable[sp.Basic], symbols: Collection[sp.Basic]) -> Counter[sp.Basic]:
    """How many times each of ``symbols`` occurs in the expression trees (an explicit stack: no recursion)."""
    counts: Counter[sp.Basic] = Counter()
    stack = list(exprs)
    while stack:
        expr = stack.pop()
        if expr.is_Symbol:
            if expr in symbols:
                counts[expr] += 1
        elif expr.args:
            stack.extend(expr.args)
    return counts


class _Rule(NamedTuple):
    """What the rule ∂op/∂(one argument) uses: how many times each argument and the output, and floats."""

    arguments: tuple[int, ...]
    output: int
    floats: bool


def _rule(op: Primitive, position: int) -> _Rule:
    """Learn what a rule uses by running it once on placeholder symbols."""
    args = [sp.Dummy(real=True) for _ in range(op.arity)]
    out = sp.Dummy(real=True)
    local = sp.sympify(op.partials[position](_M, *args, out))
    counts = _occurrences([local], {*args, out})
    return _Rule(tuple(counts[a] for a in args), counts[out], local.has(sp.Float))


class _Sweep:
    """One run: counts, forward values and definitions, backward sweeps."""

    def __init__(
        self, graph: Graph, outputs: Sequence[int], wrt: Sequence[str], names: Mapping[int, str], values: bool
    ):
        self.graph = graph
        self.outputs = tuple(outputs)
        self.wrt = tuple(wrt)
        self.names = names
        self.with_values = values
        self.input_node = {graph.nodes[i].name: i for i in graph.input_nodes}
        sources = {self.input_node[name] for name in wrt if name in self.input_node}
        self.active = [False] * len(graph.nodes)  # depends on a wrt variable: only these carry adjoints
        for i, node in enumerate(graph.nodes):
            self.active[i] = i in sources or (node.kind == "op" and any(self.active[a] for a in node.args))
        self.prefix = fresh_prefix({*self.input_node, *self.wrt, *names.values()})
        self.definitions: list[Definition] = []
        self.named: set[sp.Symbol] = set()
        self.values: dict[int, sp.Expr] = {}
        self.symbol_of: dict[sp.Basic, sp.Symbol] = {}  # each definition's value → its symbol
        self.rules: dict[tuple[str, int], _Rule] = {}

    def run(self) -> Sweep:
        refs = self._references()
        self._forward(refs)
        rows = [self._backward(o) for o in self.outputs]
        exprs = [self.value(o) for o in self.outputs] if self.with_values else []
        exprs += [p for row in rows for p in row]
        definitions, exprs = prune(self.definitions, self.named, exprs)
        if len(definitions) < len(self.definitions):
            definitions, exprs = self._renumber(definitions, exprs)
        values = len(self.outputs) if self.with_values else 0
        flat = iter(exprs[values:])
        partials = tuple(tuple(next(flat) for _ in row) for row in rows)
        return Sweep(tuple(definitions), tuple(exprs[:values]), partials)

    # -- counting -----------------------------------------------------------------------------

    def _references(self) -> list[int]:
        """How many times the result will use each node's value, before any is named."""
        nodes = self.graph.nodes
        refs = [0] * len(nodes)
        reached = [0] * len(nodes)  # how many of the backward sweeps pass through each node
        for o in self.outputs:
            refs[o] += int(self.with_values)
            seen = {o}
            for i in range(o, -1, -1):
                if i in seen and self.active[i]:
                    reached[i] += 1
                    seen.update(nodes[i].args)
        for i, node in enumerate(nodes):
            if node.op is None or not reached[i]:
                continue
            for position, a in enumerate(node.args):
                if self.active[a]:
                    rule = self._rule(node.op, position)
                    for b, count in zip(node.args, rule.arguments, strict=True):
                        refs[b] += count * reached[i]
                    refs[i] += rule.output * reached[i]
        return refs

    def _rule(self, op: Primitive, position: int) -> _Rule:
        key = (op.name, position)
        if key not in self.rules:
            self.rules[key] = _rule(op, position)
        return self.rules[key]

    def _worth_naming(self, index: int, refs: int) -> bool:
        """A program's line always keeps its name; another value is named when shared and not trivial."""
        if index in self.names:
            return refs > 0
        expr = self.graph.expressions[index]
        return expr is not None and refs >= 2 and not _trivial(expr)

    def _from_expression(self, index: int) -> bool:
        """The last node of a folded sum or product: its value is its SymPy expression, definitions put in."""
        expressions = self.graph.expressions
        return expressions[index] is not None and any(expressions[a] is None for a in self.graph.nodes[index].args)

    # -- forward ------------------------------------------------------------------------------

    def _forward(self, refs: list[int]) -> None:
        """The value of every node the result needs; the ones worth it become definitions."""
        nodes = self.graph.nodes
        needed = [r > 0 for r in refs]
        for i in range(len(nodes) - 1, -1, -1):  # a value written in place repeats its arguments
            if nodes[i].kind != "op" or refs[i] == 0:
                continue
            named = self._worth_naming(i, refs[i])
            needed[i] = needed[i] or named
            rebuilt = needed[i] and not self._from_expression(i)
            for a in nodes[i].args:
                refs[a] += 1 if named else refs[i]
                needed[a] = needed[a] or rebuilt
        mapping: dict[sp.Basic, sp.Expr] = {}  # the expression of each defined value → its symbol
        for i, node in enumerate(nodes):
            if node.kind == "op" and needed[i]:
                value = self._build(i, mapping)
                expr = self.graph.expressions[i]
                if self._worth_naming(i, refs[i]) and (i in self.names or not _trivial(value)):
                    self.values[i] = self._define(value, self.names.get(i))
                    mapping[expr] = self.values[i]
                else:
                    self.values[i] = value

    def value(self, index: int) -> sp.Expr:
        """A node's value as the result writes it (an operation the result never uses gets a stand-in)."""
        if index in self.values:
            return self.values[index]
        expr = self.graph.expressions[index]
        return expr if expr is not None else sp.Dummy(real=True)

    def _build(self, index: int, mapping: Mapping[sp.Basic, sp.Expr]) -> sp.Expr:
        graph, node = self.graph, self.graph.nodes[index]
        expr = graph.expressions[index]
        if expr is not None and self._from_expression(index):
            return expr.xreplace(mapping) if mapping else expr
        args = [self.value(a) for a in node.args]
        if expr is not None and all(v is graph.expressions[a] for v, a in zip(args, node.args, strict=True)):
            return expr  # nothing below it was named: the expression as it is
        assert node.op is not None
        return sp.sympify(node.op.sympy(*args))

    def _define(self, value: sp.Expr, name: str | None = None) -> sp.Symbol:
        """A symbol for ``value``: the one already defined as ``value``, or a new definition."""
        if value in self.symbol_of and not name:
            return self.symbol_of[value]
        defined = symbol(name or f"{self.prefix}{len(self.definitions) - len(self.named) + 1}")
        self.definitions.append((defined, value))
        self.symbol_of.setdefault(value, defined)
        if name:
            self.named.add(defined)
        return defined

    # -- backward -----------------------------------------------------------------------------

    def _backward(self, output: int) -> tuple[sp.Expr, ...]:
        """∂output/∂name for each wrt name."""
        nodes = self.graph.nodes
        pending: dict[int, list[tuple[sp.Expr, sp.Expr]]] = (
            {output: [(sp.S.One, sp.S.One)]} if self.active[output] else {}
        )
        for i in range(output, -1, -1):
            if nodes[i].kind != "op" or i not in pending:
                continue
            adjoint = _total(pending.pop(i))
            locals_ = self._locals(i)
            if len(locals_) > 1 and not _trivial(adjoint):
                adjoint = self._define(adjoint)
            for a, local in locals_:
                pending.setdefault(a, []).append((adjoint, local))
        return tuple(_total(pending.get(self.input_node.get(name, -1), [])) for name in self.wrt)

    def _locals(self, index: int) -> list[tuple[int, sp.Expr]]:
        """(argument, ∂node/∂argument) for each argument that carries an adjoint, zeros left out."""
        node = self.graph.nodes[index]
        assert node.op is not None
        args = [self.value(a) for a in node.args]
        out = self.value(index)
        result = []
        for position, a in enumerate(node.args):
            if self.active[a]:
                local = sp.sympify(node.op.partials[position](_M, *args, out))
                if self._rule(node.op, position).floats:
                    local = _exact(local)
                if self.symbol_of:
                    local = local.xreplace(self.symbol_of)  # a rule may rebuild a value already defined
                if local != 0:
                    result.append((a, local))
        return result

    def _renumber(self, definitions: list[Definition], exprs: list[sp.Expr]) -> tuple[list[Definition], list[sp.Expr]]:
        """Number the definitions again without gaps, after ``prune`` removed some."""
        numbered = iter(range(1, len(definitions) + 1))
        final = {d: d if d in self.named else symbol(f"{self.prefix}{next(numbered)}") for d, _ in definitions}
        renamed = [(final[d], rhs.xreplace(final)) for d, rhs in definitions]
        return renamed, [e.xreplace(final) for e in exprs]


def prune(
    definitions: Sequence[Definition], keep: Collection[sp.Symbol], exprs: Sequence[sp.Expr]
) -> tuple[list[Definition], list[sp.Expr]]:
    """Drop definitions nothing uses and write in place those used once (except those in ``keep``).

    Counting ahead cannot see everything SymPy does: it may fold a value into its parent
    (``1/(x² + 1)²`` holds ``(x² + 1)⁻²``, not ``(x² + 1)²``) or cancel terms. This counts
    the real uses.
    """
    definitions, exprs = list(definitions), list(exprs)
    while True:
        symbols = {d for d, _ in definitions}
        uses = _occurrences([*exprs, *(rhs for _, rhs in definitions)], symbols)
        inline = {d for d in symbols if uses[d] == 0 or (uses[d] == 1 and d not in keep)}
        if not inline:
            return definitions, exprs
        replace: dict[sp.Basic, sp.Expr] = {}
        kept = []
        for defined, rhs in definitions:
            rhs = rhs.xreplace(replace) if replace else rhs
            if defined in inline:
                replace[defined] = rhs
            else:
                kept.append((defined, rhs))
        definitions, exprs = kept, [e.xreplace(replace) for e in exprs]


_PREFIXES = ("v", "u", "q", "g", "k")


def fresh_prefix(taken: Iterable[str]) -> str:
    """A prefix for numbered definitions (v1, v2, …) that no taken name can be confused with.

    ``v`` unless a name such as ``v1`` or ``v_1`` is taken (both print as v₁ in LaTeX).

    Example:
        >>> fresh_prefix(["x", "v"]), fresh_prefix(["x", "v_2"])
        ('v', 'u')
    """
    taken = list(taken)
    candidates = [*_PREFIXES, *(p * n for n in range(2, 10) for p in _PREFIXES)]
    for prefix in candidates:
        if not any(re.fullmatch(rf"{prefix}_?\d+", name) for name in taken):
            return prefix
    raise AssertionError("no free prefix")  # pragma: no cover: would take 45 families of names
