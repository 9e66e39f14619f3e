"""Unknown functions and declared dependence: f(x), g(x, y), f(g(x)), and x, y depending on t.

Calculus is taught with functions nobody wrote out: (f·g)′ = f′g + fg′, d/dx f(g(x)) =
f′(g(x))·g′(x). In the language they are declared, so that ``a(x + 1)`` still multiplies:

    f, g: function            f(x), g(x, y), f(g(x)) are calls of unknown functions
    x, y: depends on t        every x is x(t): d/dt(x^2 y) = 2x y dx/dt + x^2 dy/dt
    f(u) = u^2 + 1            a function defined on a line of its own (then it is known)

An unknown function is SymPy's ``Function(name)`` applied to its arguments; SymPy
differentiates it by the chain rule, writing ``Derivative(f(x), x)`` or, for f(g(x)),
``Derivative(f(g(x)), g(x))``. A dependent variable is the same, marked ``dependent``, so
that it prints as ``x`` and its derivative as ``dx/dt``. Symbolic derivatives and derivations
take them as they are; numbers need a definition, and the numeric methods say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

from ..errors import SymdiffError
from .dag import postorder

FUNCTION_DECLARATION = "function"
DEPENDENCE = ("depends on", "depend on")  # x, y: depends on t


def unknown(name: str) -> UndefinedFunction:
    """The unknown real function called ``name``."""
    return sp.Function(name, real=True)


def dependent(name: str) -> UndefinedFunction:
    """``name`` as a variable that depends on another (printed x, its derivative dx/dt)."""
    return sp.Function(name, real=True, dependent=True)


def is_unknown(node: sp.Basic) -> bool:
    """An unknown function applied to arguments (a dependent variable too)."""
    return isinstance(node, AppliedUndef)


def is_dependent(node: sp.Basic) -> bool:
    """A variable declared to depend on another: x(t), printed x."""
    return isinstance(node, AppliedUndef) and bool(getattr(node.func, "dependent", False))


def unknowns(expr: sp.Basic) -> list[sp.Basic]:
    """The unknown functions applied in ``expr``, in the order met; inside a derivative at a point
    (f′(g(x)), dx/dt) the function applied at that point (f(g(x)), x(t)), not at its bound ξ."""
    seen: dict[sp.Basic, None] = {}
    for node in postorder(expr):
        found = unknown_derivative(node) if isinstance(node, sp.Subs) else None
        if found is not None:
            func, at, _ = found
            seen.setdefault(func(*at), None)
        elif isinstance(node, AppliedUndef) and not any(isinstance(a, sp.Dummy) for a in node.args):
            seen.setdefault(node, None)  # a Dummy argument is a Subs's bound ξ
    return list(seen)


def has_unknowns(expr: sp.Basic) -> bool:
    return any(isinstance(node, AppliedUndef) for node in postorder(expr))


def declared_in(expr: sp.Basic) -> tuple[tuple[str, ...], dict[str, str]]:
    """The declarations ``expr`` was read with: its unknown functions, and each dependent variable's variable.

    So that text read beside it (an answer to check) means the same: f, dx/dt.
    """
    functions: dict[str, None] = {}
    depends: dict[str, str] = {}
    for node in unknowns(expr):
        if not is_dependent(node):
            functions.setdefault(node.func.__name__, None)
        elif isinstance(node.args[0], sp.Symbol):
            depends[node.func.__name__] = node.args[0].name
    return tuple(functions), depends


def check_variables(expr: sp.Basic, names: Sequence[str]) -> None:
    """Refuse to differentiate by the name of an unknown function or of a dependent variable (that is not 0)."""
    for node in unknowns(expr):
        name = node.func.__name__
        if name not in names:
            continue
        if is_dependent(node):
            t = sp.sstr(node.args[0])
            raise SymdiffError(
                f"{name} is declared to depend on {t}: differentiate by {t} (the total derivative, with d{name}/d{t}), "
                f"or leave out the declaration for the partial derivative by {name}"
            )
        raise SymdiffError(f"{name} is a function, not a variable: differentiate by a variable of its arguments")


def is_derivative_of_unknown(node: sp.Basic) -> bool:
    """A derivative SymPy writes of an unknown function, not one it failed to take: f′(x), f′(g(x))."""
    if isinstance(node, sp.Subs):
        return is_derivative_of_unknown(node.expr)
    return isinstance(node, sp.Derivative) and isinstance(node.expr, AppliedUndef)


def declaration(text: str) -> tuple[str, str] | None:
    """What a declaration's right-hand side declares: ("function", "") or ("depends", "t"); None for a shape."""
    words = " ".join(text.split())
    if words == FUNCTION_DECLARATION:
        return "function", ""
    for prefix in DEPENDENCE:
        if words.startswith(prefix + " "):
            return "depends", words[len(prefix) + 1 :].strip()
    return None


def needs_definition(node: sp.Basic) -> str:
    """The message the numeric methods give for an unknown function (or its derivative): what they need, and how."""
    if isinstance(node, sp.Subs):
        node = node.expr
    if isinstance(node, sp.Derivative):
        node = node.expr
    name = node.func.__name__
    if is_dependent(node):
        t = sp.sstr(node.args[0])
        return (
            f"{name} is declared to depend on {t} but has no definition: the numeric methods need its values; "
            f"leave out the declaration and define it on a line of its own, e.g. {name} = cos({t})"
        )
    params = ", ".join("u" if len(node.args) == 1 else f"u{k + 1}" for k in range(len(node.args)))
    return (
        f"{name} is an unknown function: the numeric methods (tape, finite differences, comparison) need its "
        f"definition; define it on a line of its own, e.g. {name}({params}) = …"
    )


def parameters(names: Sequence[str]) -> tuple[sp.Symbol, ...]:
    """The real symbols a defined function's parameters stand for."""
    return tuple(sp.Symbol(name, real=True) for name in names)


def unknown_derivative(node: sp.Basic) -> tuple[Any, tuple[sp.Basic, ...], tuple[int, ...]] | None:
    """A derivative of an unknown function as (f, the arguments it is taken at, the slots differentiated).

    ``Derivative(f(g(x)), g(x))`` is (f, (g(x),), (0,)); ``Subs(Derivative(f(u), u), u, x²)`` is
    (f, (x²,), (0,)); ``Derivative(f(x, y), x, y)`` is (f, (x, y), (0, 1)). None for anything else.
    """
    point: dict[sp.Basic, sp.Basic] = {}
    if isinstance(node, sp.Subs):
        point = dict(zip(node.variables, node.point, strict=True))
        node = node.expr
    if not isinstance(node, sp.Derivative) or not is_unknown(node.expr):
        return None
    args = node.expr.args
    slots: list[int] = []
    for variable, count in node.variable_count:
        where = [i for i, a in enumerate(args) if a == variable]
        if len(where) != 1:
            return None
        slots += where * int(count)
    return node.expr.func, tuple(a.xreplace(point) for a in args), tuple(slots)


def derivative_at(func: UndefinedFunction, args: Sequence[sp.Expr], slots: Sequence[int]) -> sp.Expr:
    """The derivative of ``func`` in the argument slots ``slots`` (in order), at ``args``: f′(g(x)) as a node.

    Written ``Subs(Derivative(f(ξ), ξ), ξ, g(x))``: a value, not a derivative still to take, so
    that a derivation does not take it again; it prints as f′(g(x)), ∂f/∂x(x, y) or dx/dt.
    """
    # The same bound variables every time (a Dummy of a fixed index), so that equal derivatives are equal.
    xi = [sp.Dummy(f"xi{k + 1}", dummy_index=k + 1, real=True) for k in range(len(args))]
    inner = sp.Derivative(func(*xi), *(xi[k] for k in slots))
    return sp.Subs(inner, xi, list(args))


def as_values(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every derivative of an unknown function written as ``derivative_at`` writes it.

    A derivation takes every ``Derivative`` in a line for a derivative still to work out, and
    SymPy's own ``Subs`` bind variables of their own: in one form, equal derivatives are equal
    nodes (2·f(x)·f′(x) minus the same, read from an answer, is 0).
    """
    if not has_unknowns(expr):
        return expr
    done: dict[sp.Basic, sp.Basic] = {}

    def value(node: sp.Basic) -> sp.Basic:
        if node not in done:
            found = unknown_derivative(node)
            if found is not None:
                func, at, slots = found
                done[node] = derivative_at(func, [value(a) for a in at], slots)
            else:
                args = [value(a) for a in node.args]
                done[node] = node if args == list(node.args) else node.func(*args)
        return done[node]

    return value(expr)


def witnesses(expr: sp.Basic, seed: int) -> dict[tuple[str, int], sp.Lambda]:
    """A concrete smooth function for each unknown function in ``expr``, chosen from ``seed``.

    Two derivations that agree for functions picked at random (sines and polynomials with
    random coefficients) agree for every function, but for a coincidence of measure zero:
    that is how a derivation with unknown functions is checked numerically.
    """
    import random

    rng = random.Random(seed)
    found: dict[tuple[str, int], sp.Lambda] = {}
    for node in postorder(expr):
        func = node.expr.func if isinstance(node, sp.Derivative) and is_unknown(node.expr) else None
        if isinstance(node, AppliedUndef):
            func = node.func
        if func is None:
            continue
        arity = len(node.args) if isinstance(node, AppliedUndef) else len(node.expr.args)
        key = (func.__name__, arity)
        if key not in found:
            u = (sp.Symbol("u", real=True),) if arity == 1 else sp.symbols(f"u1:{arity + 1}", real=True)
            a = [sp.Rational(rng.randint(3, 17), rng.randint(5, 11)) for _ in range(3 * arity + 2)]
            linear = sum((a[k] * v for k, v in enumerate(u)), sp.S.Zero)
            square = sum((a[arity + k] * v**2 for k, v in enumerate(u)), sp.S.Zero) / 7
            found[key] = sp.Lambda(u, sp.sin(linear + a[-1]) + square + a[-2] * linear / 3)
    return found


def made_concrete(expr: sp.Expr, concrete: dict[tuple[str, int], sp.Lambda]) -> sp.Expr:
    """``expr`` with every unknown function (and its derivatives) replaced by the concrete ones."""

    def replaced(node: sp.Basic) -> sp.Basic:
        found = unknown_derivative(node)
        if found is not None:
            func, args, slots = found
            lam = concrete[(func.__name__, len(args))]
            xi = sp.symbols(f"z1:{len(args) + 1}", real=True)
            derivative = sp.diff(lam(*xi), *(xi[k] for k in slots))
            return derivative.xreplace(dict(zip(xi, (replaced(a) for a in args), strict=True)))
        if isinstance(node, AppliedUndef):
            return concrete[(node.func.__name__, len(node.args))](*(replaced(a) for a in node.args))
        if not node.args:
            return node
        return node.func(*(replaced(a) for a in node.args))

    return replaced(expr)
