"""A caller's SymPy symbols in, the caller's SymPy symbols out.

Inside symdiff every variable is ``Symbol(name, real=True)`` (``parser.symbol``), and every layer
finds a variable by its name. A SymPy expression from the caller has its own symbols: plain
(complex) ``x``, or ``x`` declared positive or integer, which SymPy holds to be different
symbols. ``canonical`` replaces each by symdiff's symbol of the same name (once, at the entry),
and ``Canonical.restore`` puts the caller's symbols back into every result. A derivative is
taken over the reals and written in the caller's symbols, where SymPy applies their
assumptions as it rebuilds the expression: ``sign(x)`` of a positive ``x`` becomes ``1``.

What cannot be a real variable is refused rather than silently made one: an imaginary or
non-commutative symbol, and two different symbols that share a name. Elements of a matrix
symbol (``A[0, 0]``) and of an indexed base (``w[1]``) are variables of the symbolic layer,
under their printed name, and refused by the numeric layers with what to write instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from ..errors import SymdiffError
from .dag import postorder, substitute

# Atoms that SymPy differentiates by, though they are not Symbols.
ELEMENT_TYPES: tuple[type, ...] = (MatrixElement, sp.Indexed)


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def describe(atom: sp.Basic) -> str:
    """How a message names a caller's symbol: ``x (positive)``, ``Dummy a``, ``A[0, 0]``."""
    if not isinstance(atom, sp.Symbol):
        return sp.sstr(atom)
    declared = getattr(atom, "_assumptions_orig", {})  # what the caller wrote, not all it implies
    facts = sorted(k if v else f"not {k}" for k, v in declared.items() if k != "commutative")
    kind = "Dummy " if isinstance(atom, sp.Dummy) else ""
    return f"{kind}{atom.name}" + (f" ({', '.join(facts)})" if facts else "")


@dataclass(frozen=True)
class Canonical:
    """An expression in symdiff's symbols, and the way back to the caller's.

    Attributes:
        expression: the caller's expression over symdiff's real symbols.
        back: symdiff's symbol → the caller's symbol or element, where they differ.
        names: each variable's name → the caller's own object (also where it is symdiff's).
        functions: symdiff's real unknown function → the caller's ``Function("g")``, where they differ.
    """

    expression: sp.Basic
    back: dict[sp.Symbol, sp.Basic] = field(default_factory=dict)
    names: dict[str, sp.Basic] = field(default_factory=dict)
    functions: dict[type, type] = field(default_factory=dict)

    def restore(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` with the caller's symbols and functions put back (SymPy applies their assumptions)."""
        return substitute(expr, self.back, self.functions)

    def name_of(self, wrt: sp.Basic) -> str:
        """The variable name of a caller's Symbol or element; refused when the expression's
        variable of that name is a different SymPy symbol (Symbol('x') against a positive x)."""
        name = key_of(wrt)
        own = self.names.get(name)
        if own is not None and own != wrt and not _same_symbol(own, wrt):
            raise SymdiffError(
                f"the expression's {describe(own)} and the {describe(wrt)} given to differentiate by are different "
                "SymPy symbols with the same name; use the expression's own symbol"
            )
        return name


def _same_symbol(own: sp.Basic, given: sp.Basic) -> bool:
    """symdiff's own real symbol stands for every plain symbol of its name (text input has only those)."""
    return isinstance(own, sp.Symbol) and own == _symbol(own.name) and isinstance(given, sp.Symbol)


def key_of(atom: sp.Basic) -> str:
    """A variable's name: a Symbol's name, an element's printed form (``A[0, 0]``)."""
    return atom.name if isinstance(atom, sp.Symbol) else sp.sstr(atom)


def canonical(expr: sp.Basic, *, elements: bool = False) -> Canonical:
    """``expr`` over symdiff's real symbols, and the map back.

    Args:
        elements: accept ``A[0, 0]`` and ``w[1]`` as variables (the symbolic layer); otherwise
            they are refused with what to write instead (the tape, finite differences).
    """
    stand_ins: dict[sp.Basic, sp.Basic] = {}
    for node in postorder(expr):
        if isinstance(node, ELEMENT_TYPES):
            if not elements:
                raise SymdiffError(_element_refusal(node))
            stand_ins[node] = _symbol(key_of(node))
    inner = substitute(expr, stand_ins) if stand_ins else expr
    symbols = {s for s in postorder(inner) if isinstance(s, sp.Symbol)}
    symbols -= set(stand_ins.values())
    names: dict[str, sp.Basic] = {}
    for atom in sorted(symbols, key=sp.default_sort_key) + list(stand_ins):
        _check(atom, names)
        names[key_of(atom)] = atom
    swap = {s: _symbol(s.name) for s in symbols if s != _symbol(s.name)}
    inner = substitute(inner, swap) if swap else inner
    back: dict[sp.Symbol, sp.Basic] = {v: k for k, v in swap.items()}
    back.update({v: k for k, v in stand_ins.items()})
    return Canonical(inner, back, names)


def _check(atom: sp.Basic, names: Mapping[str, sp.Basic]) -> None:
    name = key_of(atom)
    if name in names:
        raise SymdiffError(
            f"the expression has two different SymPy symbols named {name}: {describe(names[name])} and "
            f"{describe(atom)}; give them different names"
        )
    if isinstance(atom, sp.Symbol):
        if atom.is_commutative is False:
            raise SymdiffError(f"{name} is a non-commutative symbol; symdiff's variables are real numbers")
        if atom.is_extended_real is False or atom.is_infinite:
            raise SymdiffError(f"{describe(atom)} is not a real symbol; symdiff differentiates over the reals")


def _element_refusal(node: sp.Basic) -> str:
    shown = sp.sstr(node)
    plain = "".join(ch if ch.isalnum() else "_" for ch in shown).strip("_")
    while "__" in plain:
        plain = plain.replace("__", "_")
    return (
        f"{shown} is an element of {'a matrix' if isinstance(node, MatrixElement) else 'an indexed'} symbol; "
        f"numbers are computed for Symbols only: use expr.subs({shown}, Symbol('{plain}'))"
    )


def undefined_function(node: sp.Basic) -> bool:
    """An applied undefined function ``g(x)``: SymPy differentiates it as ``Derivative(g(x), x)``."""
    return isinstance(node, AppliedUndef)
