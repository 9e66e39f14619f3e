"""Walks over SymPy expression graphs without recursion.

SymPy trees share sub-expressions (the same ``sin(x)`` object can appear many times), so
they are really DAGs. These helpers visit each distinct node once, children before parents,
with an explicit stack: a 100,000-node expression never hits Python's recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import sympy as sp


def postorder(expr: sp.Basic) -> Iterator[sp.Basic]:
    """Each distinct sub-expression of ``expr`` once, every node after all of its arguments."""
    seen: set[sp.Basic] = set()
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if node in seen:
            continue
        if expanded or not node.args:
            seen.add(node)
            yield node
        else:
            stack.append((node, True))
            stack.extend((arg, False) for arg in reversed(node.args) if arg not in seen)


def dag_size(expr: sp.Basic) -> int:
    """Number of distinct sub-expressions (shared ones counted once)."""
    return sum(1 for _ in postorder(expr))


def depth(expr: sp.Basic) -> int:
    """Length of the longest path from ``expr`` down to a leaf."""
    levels: dict[sp.Basic, int] = {}
    for node in postorder(expr):
        levels[node] = 1 + max((levels[a] for a in node.args), default=0)
    return levels[expr]


def free_symbols(expr: sp.Basic) -> set[sp.Symbol]:
    """The symbols of ``expr``, each distinct node visited once.

    SymPy's own ``free_symbols`` walks every path: on a shared chain such as
    ``e = sin(e)*e + e`` repeated it takes time exponential in the depth (and recurses).
    A node that binds symbols (an ``Integral``, a ``Lambda``) is left to SymPy, which knows
    which of its symbols are free.
    """
    found: set[sp.Symbol] = set()
    seen: set[sp.Basic] = {expr}
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Symbol:
            found.add(node)
        elif getattr(node, "bound_symbols", None):
            found |= {s for s in node.free_symbols if s.is_Symbol}
        else:
            for arg in node.args:
                if arg not in seen:
                    seen.add(arg)
                    stack.append(arg)
    return found


def substitute(
    expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic], functions: Mapping[type, type] | None = None
) -> sp.Basic:
    """``expr.xreplace(mapping)``, each distinct node rebuilt once and without recursion.

    ``xreplace`` recurses and revisits a shared node once per path to it. ``functions``: a
    function class to put in place of another, wherever it is applied (``g(x**2)`` as well as ``g(x)``).
    """
    functions = functions or {}
    if not mapping and not functions:
        return expr
    done: dict[sp.Basic, sp.Basic] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in done:
            continue
        if node in mapping:
            done[node] = mapping[node]
        elif not node.args:
            done[node] = node
        elif ready:
            args = tuple(done[a] for a in node.args)
            func = functions.get(node.func, node.func)
            changed = func is not node.func or any(new is not old for new, old in zip(args, node.args, strict=True))
            done[node] = func(*args) if changed else node
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in done)
    return done[expr]


def tree_size(expr: sp.Basic) -> int:
    """Number of nodes counted once per path to them: what printing or a recursive SymPy walk costs."""
    sizes: dict[sp.Basic, int] = {}
    for node in postorder(expr):
        sizes[node] = 1 + sum(sizes[a] for a in node.args)
    return sizes[expr]


# Written out, a formula of more nodes than this is not worth reading, and printing it may take
# forever: a shared graph (e = sin(e)*e + e, ten times) can have a tree of 10⁹ nodes.
PRINTABLE_NODES = 2_000


def printable(expr: sp.Basic) -> bool:
    """Whether ``expr`` is short enough to write out (counted in distinct nodes first, so it is cheap)."""
    return dag_size(expr) <= PRINTABLE_NODES and tree_size(expr) <= PRINTABLE_NODES


def not_written(expr: sp.Basic) -> str:
    """What a view shows instead of a formula too long to write out."""
    return f"(not written out: {tree_size(expr):,} nodes, more than {PRINTABLE_NODES:,})"


def expanded_size(expr: sp.Basic, cap: float = 1e9) -> float:
    """About how many nodes ``expand_mul(expr)`` would have (capped), without expanding.

    Multiplying out a product of sums gives the product of their numbers of terms, each
    term holding one term of every factor. Counting is linear in the distinct nodes, so a
    tidy step can ask before paying for an expansion that would swamp it.
    """
    terms: dict[sp.Basic, float] = {}  # top-level terms after expansion
    sizes: dict[sp.Basic, float] = {}  # nodes after expansion
    for node in postorder(expr):
        args = node.args
        if node.is_Add:
            count, size = sum(terms[a] for a in args), sum(sizes[a] for a in args)
        elif node.is_Mul:
            count = math.prod(terms[a] for a in args)
            size = count * (1 + sum(sizes[a] / terms[a] for a in args))
        else:  # an atom, a function or a power: one term, its arguments expanded inside
            count, size = 1.0, 1 + sum(sizes[a] for a in args)
        terms[node], sizes[node] = min(count, cap), min(size, cap)
    return sizes[expr]
