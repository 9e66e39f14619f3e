"""Backpropagation written out: the chain rule through the named lines of a program.

For ``h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2`` and w1 the derivation is

    ∂L/∂w1 = ∂L/∂y · ∂y/∂h · ∂h/∂w1            chain rule through the program
    ∂L/∂y  = ∂/∂y((y - t)^2) = … = 2(y - t)     one section per factor, each line's
    ∂y/∂h  = … = w2(1 - y^2)                    derivative written with the names the
    ∂h/∂w1 = … = x(1 - h^2)                     forward pass computed (y, h)
    ∂L/∂w1 = 2(y - t)·w2(1 - y^2)·x(1 - h^2) = … (combined, then in terms of the inputs)

Only lines on a path from the variable to the output appear; a name used along several paths
contributes one product per path, summed, as backpropagation sums into an adjoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from ..errors import EvaluationError, LimitError
from ..language.forms import LocalDerivative, factors, goal, plain, terms
from ..language.parser import Program, natural_key, symbol
from ..language.printing import derivative_text, to_text
from . import numeric, rules
from .engine import Builder
from .numeric import DIGITS

Edge = tuple[sp.Symbol, sp.Symbol]  # (y, h): the factor ∂y/∂h
MAX_PATHS = 64


@dataclass(frozen=True)
class Outcome:
    """What a derivation found besides its steps: the result and, at a point, the numbers."""

    result: sp.Expr
    value: mpmath.mpf | None = None
    values: Mapping[sp.Symbol, mpmath.mpf] = field(default_factory=dict)
    factors: Mapping[str, mpmath.mpf] = field(default_factory=dict)
    adjoints: Mapping[str, mpmath.mpf] = field(default_factory=dict)
    program: Program | None = None  # when the derivation went through its lines


def definitions(program: Program) -> dict[sp.Symbol, sp.Expr]:
    """Each name of the program → its line, in terms of the inputs and earlier names."""
    return {symbol(d.name): d.expression for d in program.definitions}


def paths(lines: Mapping[sp.Symbol, sp.Expr], output: sp.Symbol, w: sp.Symbol) -> list[list[Edge]]:
    """Every path from the output down to ``w``, as its edges from the output down."""
    found: dict[sp.Symbol, list[list[Edge]]] = {w: [[]]}
    order = list(lines)  # definition order: a line only uses names defined before it
    for name in order:
        uses = sorted(lines[name].free_symbols & found.keys(), key=lambda s: -_rank(s, order))
        routes = [[(name, used), *rest] for used in uses for rest in found[used]]
        if routes:
            found[name] = routes
        if len(routes) > MAX_PATHS:
            raise LimitError(
                f"'{name.name}' is reached from {w.name} along more than {MAX_PATHS} paths; "
                "differentiate the expression without its program structure"
            )
    return found.get(output, [])


def _rank(s: sp.Symbol, order: list[sp.Symbol]) -> int:
    # Later lines first, then the variable itself: ∂L/∂y before ∂L/∂h before ∂L/∂w1.
    return order.index(s) if s in order else -1


def derive_program(
    builder: Builder, program: Program, w: sp.Symbol, point: Mapping[sp.Symbol, mpmath.mpf] | None
) -> Outcome:
    """Add the sections of ∂output/∂w to ``builder``; at a point, also the numbers of backprop."""
    lines = definitions(program)
    output = symbol(program.output.name)
    routes = paths(lines, output, w)
    edges = list(dict.fromkeys(edge for route in routes for edge in route))
    values = forward(lines, point) if point is not None else None

    builder.open(goal(output, w))
    chain = terms(*(factors(*(LocalDerivative(b, a) for b, a in route)) for route in routes))
    name = "chain rule through the program" + (", summed over the paths" if len(routes) > 1 else "")
    builder.record(rules.Rewrite("chain", name, chain), program.expression, w, goal(program.expression, w), chain)

    found = {edge: _factor(builder, lines, edge, values) for edge in edges}

    builder.open(goal(output, w))
    combined = terms(*(factors(*(found[edge][0] for edge in route)) for route in routes))
    builder.record(rules.Rewrite("chain", "multiply the factors", combined), chain, w, chain, combined)
    result = builder.finish(_in_inputs(builder, lines, combined, w), w)
    if values is None:
        return Outcome(result, program=program)
    factor_values = {edge: value for edge, (_, value) in found.items() if value is not None}
    return Outcome(
        result,
        builder.value(result, w, values),
        values,
        {derivative_text(b.name, [a.name]): value for (b, a), value in factor_values.items()},
        _adjoints(lines, output, factor_values),
        program,
    )


def _factor(
    builder: Builder, lines: Mapping[sp.Symbol, sp.Expr], edge: Edge, values: Mapping[sp.Symbol, mpmath.mpf] | None
) -> tuple[sp.Expr, mpmath.mpf | None]:
    """∂y/∂h as a section of its own, ending in terms of the names of the forward pass (and,
    at a point, its value)."""
    b, a = edge
    builder.open(LocalDerivative(b, a))
    start = goal(lines[b], a)
    definition = rules.Rewrite("definition", "definition", start, where=((b, lines[b]),))
    builder.record(definition, lines[b], a, LocalDerivative(b, a), start)
    derived = builder.finish(builder.derive(start), a)
    named = derived.xreplace({expr: name for name, expr in lines.items() if not expr.is_Atom})
    if named != derived:
        used = tuple((name, lines[name]) for name in lines if named.has(name) and not derived.has(name))
        in_names = rules.Rewrite("names", "in terms of the forward values", named, where=used)
        builder.record(in_names, derived, a, derived, named)
    return named, None if values is None else builder.value(named, a, values)


def _in_inputs(builder: Builder, lines: Mapping[sp.Symbol, sp.Expr], combined: sp.Expr, w: sp.Symbol) -> sp.Expr:
    """Substitute the lines back, so that the result is a function of the inputs."""
    named = plain(combined)
    expanded = named
    for name in reversed(list(lines)):  # later lines use earlier names
        expanded = expanded.xreplace({name: lines[name]})
    if expanded == named:
        return combined
    where = tuple((name, lines[name]) for name in lines if named.has(name))
    substituted = rules.Rewrite("substitute", "substitute the lines", expanded, where=where)
    builder.record(substituted, named, w, combined, expanded)
    return expanded


def forward(lines: Mapping[sp.Symbol, sp.Expr], point: Mapping[sp.Symbol, mpmath.mpf]) -> dict[sp.Symbol, mpmath.mpf]:
    """The forward pass: the inputs, then each line's value, in program order."""
    values = dict(sorted(point.items(), key=lambda kv: natural_key(kv[0].name)))
    with mpmath.workdps(DIGITS):
        for name, expr in lines.items():
            result = numeric.evaluate(expr, values)
            if result is None:
                raise EvaluationError(f"{name.name} = {to_text(expr)} is not a real number at the point")
            values[name] = result
    return values


def _adjoints(
    lines: Mapping[sp.Symbol, sp.Expr], output: sp.Symbol, factor_values: Mapping[Edge, mpmath.mpf]
) -> dict[str, mpmath.mpf]:
    """∂output/∂name for every name on a path, by a reverse sweep over the factors (backprop)."""
    order = list(lines)
    adjoints: dict[sp.Symbol, mpmath.mpf] = {output: mpmath.mpf(1)}
    with mpmath.workdps(DIGITS):
        for (b, a), value in sorted(factor_values.items(), key=lambda item: order.index(item[0][0]), reverse=True):
            adjoints[a] = adjoints.get(a, mpmath.mpf(0)) + adjoints[b] * value
    return {s.name: v for s, v in adjoints.items()}
