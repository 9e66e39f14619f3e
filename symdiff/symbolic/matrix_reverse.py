"""Reverse mode over an array program's tensor graph: ∂L/∂W as a matrix formula.

This is the array tape's backward sweep (``tape.array_code``) run on tensor nodes instead of
NumPy text. The registry's rules are written against a backend ``m``; here ``m`` is
``Symbolic``, whose operations build nodes (simplified by ``matrix_algebra``), so the same
VJP rules that give the tape its numbers give formulas: ``g xᵀ`` for ``W x``, ``Wᵀ g`` for
``x``, ``g ⊙ H(z)`` for ``relu(z)``, a sum over the broadcast axes for ``+ b``.

Formulas are in scalars, vectors and matrices: a program with an array of three or more axes
is refused. The cost is a few nodes per operation of the program, whatever its sizes: the
gradient of a layer of width 4096 is the same formula as at width 4.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import SymdiffError
from ..language.arrays import Tensor, constant, postorder, variable
from ..primitives import registry
from ..primitives.primitive import Primitive
from ..primitives.shapes import shape_text
from .matrix_algebra import ONE, eye, is_zero, lift, node, onehot, ones, simplify, zeros


def check_ranks(root: Tensor, what: str = "the program") -> None:
    """Refuse arrays of three or more axes: the formulas are written in vectors and matrices."""
    for each in postorder(root):
        if len(each.shape) > 2:
            label = each.name or "a value"
            raise SymdiffError(
                f"symbolic matrix calculus writes formulas in scalars, vectors and matrices; {label} in "
                f"{what} has shape {shape_text(each.shape)}: use the tape (symdiff.Tape) for it"
            )


class Symbolic:
    """The ``m`` that the registry's rules see here: every operation builds a simplified node.

    Rules also combine nodes with ``+ - * /`` (raw nodes); each operation here simplifies its
    arguments first (``memo`` remembers what was simplified). ``into`` (a hint for batched
    numeric code) is ignored; ``shift`` is 0, as the vocabulary allows (it only keeps ``exp``
    finite in floating point).
    """

    def __init__(self, memo: MutableMapping[Tensor, Tensor]) -> None:
        self.memo = memo
        self.pi = constant(sp.pi)
        self.e = constant(sp.E)
        for p in registry.PRIMITIVES:
            setattr(self, p.name, self._elementwise(p))

    def _(self, value: Any) -> Tensor:
        return simplify(lift(value), self.memo)

    def _elementwise(self, p: Primitive) -> Callable[..., Tensor]:
        return lambda *args: node(p.name, *(self._(a) for a in args))

    def matmul(self, a: Any, b: Any, into: Any = None) -> Tensor:
        return node("matmul", self._(a), self._(b))

    def transpose(self, a: Any) -> Tensor:
        return node("transpose", self._(a))

    def outer(self, a: Any, b: Any, into: Any = None) -> Tensor:
        return node("outer", self._(a), self._(b))

    def scale(self, s: Any, x: Any, into: Any = None) -> Tensor:
        return node("mul", self._(s), self._(x))

    def trace(self, a: Any) -> Tensor:
        return node("trace", self._(a))

    def eye(self, n: int) -> Tensor:
        return eye(n)

    def ones(self, shape: tuple[int, ...]) -> Tensor:
        return ones(tuple(shape))

    def total(self, x: Any, axes: tuple[int, ...] | None) -> Tensor:
        x = self._(x)
        rank = len(x.shape)
        if axes is None or rank <= 1:
            return node("sum", x)
        for k in sorted({k % rank for k in axes}, reverse=True):
            x = node("sum", x, literals=(k,))
        return x

    def spread(self, g: Any, x: Tensor, axes: tuple[int, ...] | None) -> Tensor:
        """``g``, reduced over ``axes`` of ``x``, broadcast back: ``g 𝟏``, ``𝟏 gᵀ`` (rows) or ``g 𝟏ᵀ`` (columns)."""
        g, shape = self._(g), x.shape
        reduced = set(range(len(shape))) if axes is None else {k % len(shape) for k in axes}
        if not shape or len(reduced) == len(shape):
            return node("mul", g, ones(shape))
        (kept,) = set(range(2)) - reduced
        return node("outer", ones(shape[:1]), g) if kept == 1 else node("outer", g, ones(shape[1:]))

    def shift(self, x: Any) -> Tensor:
        return zeros(lift(x).shape[:-1])

    def index(self, x: Any, index: tuple[int, ...]) -> Tensor:
        return node("index", self._(x), literals=index)

    def scatter(self, g: Any, x: Tensor, index: tuple[int, ...]) -> Tensor:
        """``g eᵢ`` for an element of a vector, ``eᵢ gᵀ`` for a row of a matrix, ``g eᵢ eⱼᵀ`` for an element of one."""
        g = self._(g)
        units = [onehot(n, i) for n, i in zip(x.shape, index, strict=False)]
        if len(x.shape) == 1:
            return node("mul", g, units[0])
        if len(index) == 1:
            return node("outer", units[0], g)
        return node("mul", g, node("outer", *units))

    def sum_to(self, c: Any, x: Tensor) -> Tensor:
        """A contribution summed back to the shape of ``x`` (over the axes broadcasting added or stretched)."""
        c = self._(c)
        if c.shape == x.shape:
            return c
        if not x.shape:
            return node("sum", c)
        while len(c.shape) > len(x.shape):
            c = node("sum", c, literals=(0,))
        for k, (n, target) in enumerate(zip(c.shape, x.shape, strict=True)):
            if target == 1 and n != 1:  # a size-1 axis stretched: 𝟏ᵀ C (a row) or C 𝟏 (a column)
                c = node("matmul", c, ones((n, 1))) if k == 1 else node("matmul", ones((1, n)), c)
        return c


def _elementwise(p: Primitive) -> Callable[..., Tensor]:
    return lambda *args: node(p.name, *args)


@dataclass(frozen=True)
class Pullback:
    """What one backward sweep found.

    Attributes:
        gradients: for each ``wrt`` node, ∂(seed · output)/∂node (zeros when it does not depend on it).
        adjoints: every node on a path from the output to a ``wrt`` node → its adjoint, in the
            order the sweep reached them (output first).
        parents: every node on such a path → the nodes on it that use it.
    """

    gradients: tuple[Tensor, ...]
    adjoints: dict[Tensor, Tensor]
    parents: dict[Tensor, list[Tensor]]


def pullback(
    output: Tensor,
    wrt: Sequence[Tensor],
    seed: Tensor = ONE,
    keep: Collection[Tensor] = (),
    cuts: Mapping[Tensor, Tensor] | None = None,
) -> Pullback:
    """The backward sweep from ``output`` (its adjoint ``seed``) to each of ``wrt``.

    The nodes in ``keep`` (a program's lines) appear in the formulas as they are, so that they
    can be written by their names; other values of the program that a formula uses are
    simplified with it (``xᵀA`` is written ``Aᵀ x``). ``cuts`` maps some nodes to placeholders:
    the sweep goes on from such a node with the placeholder as its adjoint, so that every
    adjoint below it is written in terms of it (a derivation's δ, one step at a time).
    """
    order = list(postorder(output))
    wanted = set(wrt)
    active: set[Tensor] = set()
    for each in order:
        if each in wanted or any(a in active for a in each.args):
            active.add(each)
    memo: dict[Tensor, Tensor] = {each: each for each in keep}
    m = Symbolic(memo)
    pending: dict[Tensor, list[Tensor]] = {output: [seed]} if output in active else {}
    adjoints: dict[Tensor, Tensor] = {}
    parents: dict[Tensor, list[Tensor]] = {}
    cuts = cuts or {}
    for each in reversed(order):
        if each not in pending or each.kind != "op":
            continue
        g = adjoints[each] = _total(pending.pop(each), memo)
        g = cuts.get(each, g)
        for position, argument in enumerate(each.args):
            if argument not in active:
                continue
            parents.setdefault(argument, []).append(each)
            contribution = _contribution(m, each, position, g, memo)
            if contribution is not None:
                pending.setdefault(argument, []).append(m.sum_to(contribution, argument))
    gradients = []
    for w in wrt:
        terms = pending.get(w, [])
        gradients.append(_total(terms, memo) if terms else zeros(w.shape))
        if terms:
            adjoints[w] = gradients[-1]
    return Pullback(tuple(gradients), adjoints, parents)


def _contribution(
    m: Symbolic, each: Tensor, position: int, g: Tensor, memo: MutableMapping[Tensor, Tensor]
) -> Tensor | None:
    """The adjoint ``g`` of ``each`` pulled back to its argument at ``position`` (None: nothing)."""
    op = each.primitive
    if isinstance(op, Primitive):
        local = simplify(lift(op.partials[position](m, *each.args, each)), memo)
        if is_zero(local):
            return None
        result = node("mul", g, local)
    else:
        result = simplify(lift(op.vjps[position](m, g, *each.args, each, *each.literals)), memo)
    if is_zero(result):
        return None
    memo[result] = result
    return result


def _total(terms: Sequence[Tensor], memo: MutableMapping[Tensor, Tensor]) -> Tensor:
    total = terms[0]
    for term in terms[1:]:
        total = node("add", total, term)
    memo[total] = total
    return total


def placeholder(name: str, like: Tensor) -> Tensor:
    """An input node standing for an adjoint (a cotangent ``g``, or a named δ) with ``like``'s shape."""
    return variable(name, like.shape)
