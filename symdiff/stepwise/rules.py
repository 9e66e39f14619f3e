"""The rules of differentiation, each a small function from a target to its rewrite.

``rewrite(target, x, ...)`` says how to take d/dx of ``target`` one step further: which rule,
and what to write instead, with new derivative operators (goals) for what is left to do.

The structure of SymPy expressions is this module's own business, as the tape's lowering is
the tape's: sums, constant multiples, products, quotients, reciprocals, powers, exponentials,
roots, f^g. Every *function* (sin, tanh, sigmoid, abs, max, …) is handled by one general rule
that runs the registry's own derivative rule on SymPy expressions and takes the rule's name
from the registry; this module never names a function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from ..language.forms import classical_diff, factors, goal, over, reading_order, squared, terms
from ..language.parser import natural_key
from ..language.unknown import derivative_at, is_dependent, is_derivative_of_unknown, is_unknown
from ..primitives import registry
from ..primitives.primitive import Primitive

SYMPY = registry.NAMESPACES["sympy"]

# A fresh substitution name (u, v, …) for the chain rule; ``None`` writes the chain rule in
# one line, f'(g)·g', without naming the inner function.
Fresh = Callable[[], sp.Symbol] | None


@dataclass(frozen=True)
class Rewrite:
    """What a rule does to d/dx(target): its id and name, and what to write instead."""

    rule: str
    name: str
    replacement: sp.Expr
    constants: tuple[str, ...] = ()
    where: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()


def rewrite(target: sp.Expr, x: sp.Symbol, fresh: Fresh) -> Rewrite:
    """One step of d/dx(target)."""
    if not target.has(x):
        return constant(target)
    if target == x:
        return Rewrite("variable", "the variable itself", sp.S.One)
    match target:
        case sp.Add():
            return sum_rule(target, x)
        case sp.Mul():
            return product_like(target, x)
        case sp.Pow():
            return power_like(target, x, fresh)
    p = registry.for_sympy_node(target)
    if p is not None:
        return function_rule(p, target, x, fresh)
    if is_unknown(target):
        return unknown_rule(target, x, fresh)
    if is_derivative_of_unknown(target):
        return derivative_of_unknown_rule(target, x)
    return Rewrite("fallback", "derivative from SymPy (no rule of its own)", classical_diff(target, x))


def _names(expr: sp.Expr) -> tuple[str, ...]:
    return tuple(sorted((s.name for s in expr.free_symbols), key=natural_key))


def constant(target: sp.Expr) -> Rewrite:
    others = _names(target)
    if others:  # partial derivative: the other variables are held constant
        return Rewrite("held-constant", "other variables held constant", sp.S.Zero, constants=others)
    return Rewrite("constant", "derivative of a constant", sp.S.Zero)


def sum_rule(target: sp.Expr, x: sp.Symbol) -> Rewrite:
    """(f + g − h)' = f' + g' − h', the terms in the order they are printed."""
    ordered = reading_order(target.as_ordered_terms())
    negative = [term.could_extract_minus_sign() for term in ordered]
    parts = [
        factors(sp.S.NegativeOne, goal(-term, x)) if minus else goal(term, x)
        for term, minus in zip(ordered, negative, strict=True)
    ]
    return Rewrite("sum", _sum_name(negative[1:]), terms(*parts))


def _sum_name(subtracted: list[bool]) -> str:
    if not any(subtracted):
        return "sum rule"
    return "difference rule" if all(subtracted) else "sum and difference rule"


def product_like(target: sp.Expr, x: sp.Symbol) -> Rewrite:
    """Constant multiple, logarithm to a base, product, quotient or reciprocal."""
    constant_part = [f for f in target.as_ordered_factors() if not f.has(x)]
    varying = [f for f in target.as_ordered_factors() if f.has(x)]
    if constant_part:
        c, rest = sp.Mul(*constant_part), sp.Mul(*varying)
        if _is_log_base(c, rest):
            return Rewrite("log-base", "logarithm to a base", factors(c, goal(rest, x)), constants=_names(c))
        return Rewrite("constant-multiple", "constant multiple rule", factors(c, goal(rest, x)), constants=_names(c))
    numerator = [f for f in varying if not _is_denominator(f)]
    denominator = [1 / f for f in varying if _is_denominator(f)]
    if not denominator:
        return product_rule(numerator, x)
    if not numerator:
        return reciprocal_rule(sp.Mul(*denominator), x)
    return quotient_rule(sp.Mul(*numerator), sp.Mul(*denominator), x)


def _is_denominator(factor: sp.Expr) -> bool:
    return factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative


def _is_log_base(c: sp.Expr, rest: sp.Expr) -> bool:
    # log(x, b) is ln(x)/ln(b) in SymPy: a constant multiple of ln x, shown under its own name.
    return isinstance(rest, sp.log) and c.is_Pow and c.exp == -1 and isinstance(c.base, sp.log)


def product_rule(fs: Sequence[sp.Expr], x: sp.Symbol) -> Rewrite:
    """(fgh)' = f'gh + fg'h + fgh': one term per factor, differentiated in place."""
    parts = [factors(*(goal(f, x) if j == i else f for j, f in enumerate(fs))) for i in range(len(fs))]
    return Rewrite("product", "product rule", terms(*parts))


def quotient_rule(f: sp.Expr, g: sp.Expr, x: sp.Symbol) -> Rewrite:
    """(f/g)' = (f'g − fg')/g²."""
    numerator = terms(factors(goal(f, x), g), factors(sp.S.NegativeOne, f, goal(g, x)))
    return Rewrite("quotient", "quotient rule", over(numerator, squared(g)))


def reciprocal_rule(g: sp.Expr, x: sp.Symbol) -> Rewrite:
    """(1/g)' = −g'/g²."""
    return Rewrite("reciprocal", "reciprocal rule", factors(sp.S.NegativeOne, over(goal(g, x), squared(g))))


def power_like(target: sp.Pow, x: sp.Symbol, fresh: Fresh) -> Rewrite:
    """Powers, roots, exponentials with a constant base, and f^g."""
    base, exponent = target.args
    pow_rules = registry.for_sympy_node(target)
    assert pow_rules is not None
    if not exponent.has(x):
        if base == x:
            derivative = sp.sympify(pow_rules.partials[0](SYMPY, base, exponent, target))
            rule, name = ("root", "root rule") if _is_root(exponent) else ("power", _power_rule_name(exponent))
            return Rewrite(rule, name, derivative, constants=_names(exponent))
        if exponent == -1:
            return reciprocal_rule(base, x)
        return chain_rule(target, lambda u: u**exponent, base, x, fresh)
    if not base.has(x):
        if exponent == x:
            derivative = sp.sympify(pow_rules.partials[1](SYMPY, base, exponent, target))
            return Rewrite("exponential", "exponential rule", derivative, constants=_names(base))
        return chain_rule(target, lambda u: base**u, exponent, x, fresh)
    # y = f^g: ln y = g·ln f, so y' = y·(g·ln f)'. SymPy's own log is what ^ means for real f > 0.
    return Rewrite(
        "log-differentiation", "logarithmic differentiation", factors(target, goal(exponent * sp.log(base), x))
    )


def _is_root(exponent: sp.Expr) -> bool:
    return exponent.is_Rational and exponent.p == 1 and exponent.q > 1


def _power_rule_name(exponent: sp.Expr) -> str:
    if exponent.is_Integer:
        return "power rule" if exponent.is_positive else "power rule (negative exponent)"
    return "power rule (rational exponent)" if exponent.is_Rational else "power rule (constant exponent)"


def function_rule(p: Primitive, target: sp.Expr, x: sp.Symbol, fresh: Fresh) -> Rewrite:
    """A registry function: its own derivative rule, through the chain rule when needed."""
    args = _arguments(p, target)
    name = f"derivative of {p.noun}"
    varying = [i for i, arg in enumerate(args) if arg.has(x)]
    partials = [sp.sympify(p.partials[i](SYMPY, *args, target)) for i in varying]
    if all(args[i] == x for i in varying):
        return Rewrite(p.name, name, sp.Add(*partials))
    if len(args) == 1:
        return chain_rule(target, p.sympy, args[0], x, fresh)
    # Several arguments (max, min): the chain rule for each one that varies.
    parts = [factors(partial, goal(args[i], x)) for partial, i in zip(partials, varying, strict=True)]
    return Rewrite("chain", f"chain rule with the {name}", terms(*parts))


def unknown_rule(target: sp.Expr, x: sp.Symbol, fresh: Fresh) -> Rewrite:
    """An unknown function: f′(x), ∂f/∂x(x, y) or dx/dt, through the chain rule when an argument is not x itself."""
    func, args = target.func, target.args
    name = func.__name__
    if is_dependent(target):
        return Rewrite("depends", f"{name} depends on {x}", derivative_at(func, args, [0]))
    varying = [i for i, arg in enumerate(args) if arg.has(x)]
    if all(args[i] == x for i in varying):
        partials = [derivative_at(func, args, [i]) for i in varying]
        return Rewrite("unknown", f"derivative of the unknown function {name}", sp.Add(*partials))
    if len(args) == 1:
        return chain_rule(target, func, args[0], x, fresh)
    parts = [factors(derivative_at(func, args, [i]), goal(args[i], x)) for i in varying]
    return Rewrite("chain", f"chain rule with the unknown function {name}", terms(*parts))


def derivative_of_unknown_rule(target: sp.Expr, x: sp.Symbol) -> Rewrite:
    """A derivative of an unknown function, differentiated again: (f′(g(x)))′ = f″(g(x))·g′(x) in one step."""
    name = target.expr.expr.func.__name__ if isinstance(target, sp.Subs) else target.expr.func.__name__
    return Rewrite("unknown", f"derivative of a derivative of {name}", classical_diff(target, x))


def _arguments(p: Primitive, node: sp.Expr) -> tuple[sp.Expr, ...]:
    """The node's arguments as the registry rule takes them."""
    args = registry.operands(p, getattr(node, "pargs", node.args))  # Heaviside(x) keeps a hidden H0 = 1/2
    if len(args) > p.arity:  # max(a, b, c) = max(a, max(b, c))
        args = (*args[: p.arity - 1], p.sympy(*args[p.arity - 1 :]))
    return tuple(args)


def chain_rule(
    target: sp.Expr, outer: Callable[[sp.Expr], sp.Expr], inner: sp.Expr, x: sp.Symbol, fresh: Fresh
) -> Rewrite:
    """d/dx f(g) = df/du · du/dx with u = g; or in one line, f'(g)·g' (always for g = x(t): u = x says nothing)."""
    if fresh is not None and not is_dependent(inner):
        u = fresh()
        return Rewrite("chain", "chain rule", factors(goal(outer(u), u), goal(inner, x)), where=((u, inner),))
    u = sp.Dummy("u", real=True)
    step = rewrite(outer(u), u, None)
    replacement = factors(step.replacement.xreplace({u: inner}), goal(inner, x))
    return Rewrite("chain", f"chain rule with the {step.name}", replacement, constants=step.constants)
