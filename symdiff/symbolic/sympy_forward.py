"""Directional derivatives of SymPy expressions with SymPy's own rules, in time linear in the graph.

``sympy.diff`` of a whole expression walks its tree and multiplies out the chain rule: for a
program of a few layers written element by element that takes seconds, growing with every
layer. Here each operation of the expression's graph (each distinct node once) is
differentiated by ``sympy.diff`` on its own, and the chain rule is applied to numbers, in
forward mode, at 30 digits: the value, the derivative along a direction u, along a second
direction v, and along both (for Hessians), as hyper-dual numbers carry them. Nothing here
uses symdiff's registry of derivative rules: this is how the matrix formulas are checked
against an independent source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from ..language.dag import postorder

DIGITS = 30


@dataclass(frozen=True)
class Dual:
    """A value and its derivatives along u, along v and along both (0 where nothing varies)."""

    value: sp.Expr
    u: sp.Expr = sp.S.Zero
    v: sp.Expr = sp.S.Zero
    uv: sp.Expr = sp.S.Zero


class _Local:
    """An operation's derivatives by its arguments, found by sympy.diff once per kind of node."""

    def __init__(self) -> None:
        self.table: dict[tuple[object, ...], tuple[list[sp.Symbol], sp.Expr, list[sp.Expr], list[list[sp.Expr]]]] = {}

    def rules(
        self, node: sp.Basic, second: bool
    ) -> tuple[list[sp.Symbol], sp.Expr, list[sp.Expr], list[list[sp.Expr]]]:
        """(placeholders, the node over them, first partials, second partials) for a node's kind."""
        key = (node.func, tuple(a if a.is_Number else None for a in node.args), second)
        if key not in self.table:
            slots = [sp.Dummy(real=True) for a in node.args if not a.is_Number]
            filled = iter(slots)
            local = node.func(*(a if a.is_Number else next(filled) for a in node.args))
            first = [sp.diff(local, s) for s in slots]
            hessian = [[sp.diff(d, s) for s in slots] for d in first] if second else []
            self.table[key] = (slots, local, first, hessian)
        return self.table[key]


def _number(expr: sp.Expr) -> sp.Expr:
    value = sp.sympify(expr)
    return value if value.is_Number else value.evalf(DIGITS)


def directional(
    roots: Sequence[sp.Expr],
    at: Mapping[sp.Symbol, float],
    u: Mapping[sp.Symbol, float],
    v: Mapping[sp.Symbol, float] | None = None,
) -> list[Dual]:
    """Each root's value and derivatives along ``u`` (and ``v``, and both) at the point ``at``.

    Example:
        >>> x, y = sp.symbols("x y", real=True)
        >>> d = directional([sp.sin(x * y)], {x: 1.0, y: 2.0}, {x: 1.0}, {y: 1.0})[0]
        >>> float(d.u), float(d.uv)  # 2 cos(2) and cos(2) - 2 sin(2)
        (-0.8322936730942848, -2.234741690198506)
    """
    second = v is not None
    v = v or {}
    local = _Local()
    duals: dict[sp.Basic, Dual] = {}
    for node in postorder(sp.Tuple(*roots)):
        if node.is_Symbol:
            duals[node] = Dual(*(sp.Float(m.get(node, 0.0), DIGITS) for m in (at, u, v)))
        elif node.is_Number or node.is_NumberSymbol or not node.args:
            duals[node] = Dual(_number(node))
        elif isinstance(node, sp.Tuple):
            continue
        else:
            duals[node] = _step(node, [duals[a] for a in node.args if not a.is_Number], local, second)
    return [duals[r] for r in roots]


def _step(node: sp.Basic, args: list[Dual], local: _Local, second: bool) -> Dual:
    slots, expr, first, hessian = local.rules(node, second)
    values = {s: a.value for s, a in zip(slots, args, strict=True)}
    partials = [_number(d.xreplace(values)) for d in first]
    value = _number(expr.xreplace(values))
    du = sum((p * a.u for p, a in zip(partials, args, strict=True)), sp.S.Zero)
    dv = sum((p * a.v for p, a in zip(partials, args, strict=True)), sp.S.Zero)
    duv = sum((p * a.uv for p, a in zip(partials, args, strict=True)), sp.S.Zero)
    if second:
        for i, a in enumerate(args):
            for j, b in enumerate(args):
                if (a.u != 0 and b.v != 0) and hessian[i][j] != 0:
                    duv += _number(hessian[i][j].xreplace(values)) * a.u * b.v
    return Dual(value, _number(du), _number(dv), _number(duv))
