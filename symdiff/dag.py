"""Walks over SymPy expression graphs without recursion.

SymPy trees share sub-expressions (the same ``sin(x)`` object can appear many times), so
they are really DAGs. These helpers visit each distinct node once, children before parents,
with an explicit stack: a 100,000-node expression never hits Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator

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
