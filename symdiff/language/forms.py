"""What a line of a derivation is made of.

A line is a SymPy expression in which

- a derivative still to be worked out is an unevaluated ``sympy.Derivative`` (a *goal*);
- a sum or product that a rule lays out the textbook way ((fg)' = f'g + fg') is a ``Terms``
  or ``Factors`` node: an unevaluated Add or Mul that keeps its arguments in the order the
  rule wrote them, so that the printers show them in that order;
- in a program, ∂y/∂h (the derivative of the line defining y, the other names on that line
  held constant) is a ``LocalDerivative``.

Everything else in a line is an ordinary, evaluated SymPy expression; ``plain`` drops the
layout and ``rebuild`` evaluates a line, replacing what it is told to replace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import sympy as sp

from ..errors import SymdiffError
from ..primitives.functions import left_as_written
from .dag import postorder
from .dag import substitute as replace_nodes
from .unknown import as_values, is_derivative_of_unknown


class Terms(sp.Add):
    """A sum kept in the order a rule wrote it."""


class Factors(sp.Mul):
    """A product kept in the order a rule wrote it; a factor ``d**-1`` is shown as a denominator."""


class LocalDerivative(sp.Expr):
    """∂y/∂h in a program: the derivative of the line ``y = …`` with respect to h."""

    is_commutative = True

    def __new__(cls, name: sp.Symbol, var: sp.Symbol) -> LocalDerivative:
        return sp.Expr.__new__(cls, name, var)

    @property
    def name(self) -> sp.Symbol:
        return self.args[0]

    @property
    def var(self) -> sp.Symbol:
        return self.args[1]


def goal(target: sp.Expr, *variables: sp.Symbol) -> sp.Derivative:
    """The derivative operator d/dx(target), not yet worked out."""
    return sp.Derivative(target, *variables, evaluate=False)


def terms(*args: sp.Expr) -> sp.Expr:
    return args[0] if len(args) == 1 else Terms(*args, evaluate=False)


def factors(*args: sp.Expr) -> sp.Expr:
    return args[0] if len(args) == 1 else Factors(*args, evaluate=False)


def over(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """numerator / denominator, written as a fraction."""
    return Factors(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


def squared(expr: sp.Expr) -> sp.Expr:
    """expr², written as such even when expr is itself a power: (x²)²."""
    return sp.Pow(expr, 2, evaluate=False)


def reading_order(terms: list[sp.Expr]) -> list[sp.Expr]:
    """Terms in SymPy's order, but starting with a positive one when there is one: y − t
    rather than −t + y (SymPy sorts the terms of y - t as -t, y)."""
    if not terms or not terms[0].could_extract_minus_sign():
        return terms
    first = next((i for i, t in enumerate(terms) if not t.could_extract_minus_sign()), None)
    return terms if first is None else [terms[first], *terms[:first], *terms[first + 1 :]]


def is_template(node: sp.Basic) -> bool:
    return isinstance(node, (Terms, Factors))


def goals(line: sp.Expr) -> Iterator[sp.Derivative]:
    """The goals of the line in the order a reader meets them, from left to right."""
    stack = [line]
    while stack:
        node = stack.pop()
        if isinstance(node, sp.Derivative):
            yield node
        elif is_template(node):
            stack.extend(reversed(node.args))


def first_goal(line: sp.Expr) -> sp.Derivative | None:
    return next(goals(line), None)


def replace_goal(line: sp.Expr, target: sp.Derivative, replacement: sp.Expr, *, every: bool) -> sp.Expr:
    """``line`` with its first occurrence of the goal ``target`` (or every one) replaced."""
    replaced = False

    def walk(node: sp.Expr) -> sp.Expr:
        nonlocal replaced
        if node == target and (every or not replaced):
            replaced = True
            return replacement
        if not is_template(node):
            return node
        args = [walk(arg) for arg in node.args]
        return node if args == list(node.args) else type(node)(*args, evaluate=False)

    return walk(line)


def _term_goal(term: sp.Expr) -> sp.Derivative | None:
    """The goal a term of a sum is, as d/dx(f) or as −d/dx(f) (how the sum rule writes a difference)."""
    if isinstance(term, sp.Derivative):
        return term
    if isinstance(term, Factors) and len(term.args) == 2 and term.args[0] == -1:
        inner = term.args[1]
        return inner if isinstance(inner, sp.Derivative) else None
    return None


def sibling_goals(line: sp.Expr, target: sp.Derivative) -> list[sp.Derivative]:
    """The goals that are terms of the same sum as ``target`` (just ``target`` if it is in none)."""
    stack = [line]
    while stack:
        node = stack.pop()
        if isinstance(node, Terms):
            found = [g for g in map(_term_goal, node.args) if g is not None]
            if target in found:
                return found
        if is_template(node):
            stack.extend(reversed(node.args))
    return [target]


def drop_zero_terms(line: sp.Expr) -> sp.Expr:
    """``line`` with the zero terms of its sums left out (0, −0, c·0), the layout kept."""
    if not is_template(line):
        return line
    args = [drop_zero_terms(arg) for arg in line.args]
    if isinstance(line, Terms):
        args = [a for a in args if not _is_zero(a)]
        if len(args) <= 1:
            return args[0] if args else sp.S.Zero
    return line if args == list(line.args) else type(line)(*args, evaluate=False)


def _is_zero(term: sp.Expr) -> bool:
    return term == 0 or (isinstance(term, Factors) and any(f == 0 for f in term.args))


def substitute(line: sp.Expr, mapping: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """Put expressions back for substitution names (u = x²), keeping the layout of the line."""
    if is_template(line):
        return type(line)(*(substitute(arg, mapping) for arg in line.args), evaluate=False)
    return line.xreplace(mapping)


def classical_diff(expr: sp.Expr, *variables: sp.Symbol) -> sp.Expr:
    """SymPy's derivative as a classical one (see ``derivative``), by each of ``variables`` in turn."""
    result = expr
    for v in variables:
        result = derivative(result, v)
    if any(isinstance(n, (sp.Derivative, sp.Subs)) and not is_derivative_of_unknown(n) for n in postorder(result)):
        raise SymdiffError(f"SymPy cannot differentiate {sp.sstr(expr)[:60]}: there is no rule for it")
    return as_values(result)


class _RealAbs(sp.Function):
    """|u| differentiated as over the reals: u′·sign(u).

    SymPy writes |u|′ through re(u) and im(u) when it cannot prove u real (√x − 1 may be
    imaginary, y/z infinite), which gives atan2(0, x) for |√x − 1| and a re() no tape evaluates.
    In symdiff u is real wherever f is defined (elsewhere f is nan), so the real rule is the one.
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.sign(self.args[0])


class _RealSign(sp.Function):
    """sign(u) differentiated as over the reals: 2·δ(u)·u′ (SymPy leaves an unevaluated Derivative
    when it cannot prove u real)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 2 * sp.DiracDelta(self.args[0])


_OVER_THE_REALS: dict[type, type] = {sp.Abs: _RealAbs, sp.sign: _RealSign}
_BACK: dict[type, type] = {held: sympys for sympys, held in _OVER_THE_REALS.items()}


def derivative(expr: sp.Expr, v: sp.Symbol, *, keep_deltas: bool = False) -> sp.Expr:
    """``sympy.diff(expr, v)`` as a classical derivative over the reals, the one ``symdiff.diff`` reports.

    DiracDelta terms (zero wherever the derivative exists, see docs/conventions.md) are
    dropped, unless ``keep_deltas``. Parts that are constant wherever they are differentiable
    are held constant: ``0^u`` is 0 where u > 0 and infinite where u < 0, so its derivative is 0,
    where SymPy's power rule writes log(0)·0^u·u′, which is nan. Gamma's family at large numbers
    (loggamma(10**8)) is held too, with deltas kept as well: SymPy's rules rebuild nodes, and
    rebuilt it would be evaluated (the factorial of 99,999,999). abs and sign follow their real
    rules (``_RealAbs``).
    """
    nodes = list(postorder(expr))
    constants = {
        node: sp.Dummy("c", real=True)
        for node in nodes
        if left_as_written(node) or (not keep_deltas and node.is_Pow and node.base.is_zero and not node.exp.is_number)
    }
    real = _OVER_THE_REALS if any(type(node) in _OVER_THE_REALS for node in nodes) else None
    result = sp.diff(replace_nodes(expr, constants, real), v)
    if constants or real:
        result = replace_nodes(result, {c: node for node, c in constants.items()}, _BACK if real else None)
    if keep_deltas:
        return result
    deltas = {node: sp.S.Zero for node in postorder(result) if isinstance(node, sp.DiracDelta)}
    return replace_nodes(result, deltas) if deltas else result


def plain(line: sp.Expr) -> sp.Expr:
    """The line with its layout dropped (Terms → Add, Factors → Mul); goals stay goals."""
    return rebuild(line, lambda node: None)


_PLAIN: dict[type, Callable[..., sp.Expr]] = {Terms: sp.Add, Factors: sp.Mul}


def rebuild(line: sp.Expr, leaf: Callable[[sp.Basic], sp.Expr | None]) -> sp.Expr:
    """Rebuild ``line`` bottom-up with evaluation on; ``leaf(node)`` may replace a node outright."""
    new: dict[sp.Basic, sp.Basic] = {}
    for node in postorder(line):
        replaced = leaf(node)
        if replaced is not None:
            new[node] = replaced
        elif not node.args:
            new[node] = node
        else:
            args = [new[arg] for arg in node.args]
            func = _PLAIN.get(type(node), node.func)
            # Arithmetic is always rebuilt: an unevaluated (x²)² must come out as x⁴.
            keep = func is node.func and args == list(node.args) and not isinstance(node, (sp.Add, sp.Mul, sp.Pow))
            new[node] = node if keep else func(*args)
    return new[line]
