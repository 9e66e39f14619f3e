"""Step-by-step derivations, every step verified: ``symdiff.steps``.

``engine`` writes the steps (with ``rules`` and the registry), ``program`` writes the chain
rule through the lines of a program, ``verify`` checks every step against SymPy and mpmath,
and ``symdiff.render.steps`` formats the result as text, LaTeX, Markdown or JSON. For a program
over arrays, ``matrix`` writes backpropagation in matrix form instead, layer by layer.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from ..errors import EvaluationError, LimitError, MethodError, SymdiffError, check_choice, describe
from ..language.arrays import ArrayProgram
from ..language.dag import free_symbols, tree_size
from ..language.parser import (
    Program,
    caller_expression,
    natural_key,
    parse_program,
    symbol,
    variable_names,
)
from ..language.unknown import check_variables, has_unknowns, needs_definition, unknowns
from ..limits import DEFAULT_LIMITS, Limits, serialized, sympy_recursion_guard
from ..symbolic.derivatives import ExprLike, VariableLike, checked_names, diff, variable, wrt_variables
from ..symbolic.exact import given_exactly
from ..tape.points import checked_point
from . import verify
from .engine import Builder, derive_expression
from .kinks import not_differentiable
from .matrix import MatrixDerivation
from .matrix import derive as derive_matrix
from .numeric import DIGITS
from .program import Outcome, definitions, derive_program
from .record import DETAILS, Derivation, Detail, Section, Step

KEY_RULES = frozenset({"product", "quotient", "chain"})
SYMMETRIC_VALUE = "at the point; not differentiable here, see the note"


@serialized
def steps(
    expr: ExprLike,
    wrt: VariableLike | Sequence[VariableLike],
    order: int = 1,
    *,
    detail: Detail = "full",
    at: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Derivation | MatrixDerivation:
    """The derivative of ``expr`` step by step, each step named and verified.

    Args:
        expr: expression text, a program (then the chain rule runs through its named lines,
            as backpropagation does), or a SymPy expression.
        wrt: a variable, or a sequence of variables for a mixed partial (one order at a time).
        order: how many times to differentiate with respect to a single ``wrt``.
        detail: ``"full"`` (every step), ``"compact"`` (the chain rule in one line, a derivative
            already derived cited rather than repeated) or ``"key"`` (only the product, quotient
            and chain rule steps, and each result).
        at: values of the variables; adds the value of the derivative (and, for a program,
            of every factor of the chain rule) to the derivation.

    A program over arrays gives a ``MatrixDerivation``: backpropagation in matrix form, one
    line at a time (the δ of each layer from the one above, the weight gradient as δ times
    the input transposed), every step checked against the tape's adjoints.

    Example:
        >>> d = steps("a*b + c", "a")
        >>> d.rules
        ('sum', 'constant-multiple', 'variable', 'held-constant', 'simplify')
        >>> d.result, d.verified
        (b, True)
    """
    check_choice("detail", detail, DETAILS)
    source = parse_program(expr, limits=limits) if isinstance(expr, str) else expr
    if isinstance(source, ArrayProgram):
        return _matrix_steps(source, wrt, order, at)
    canon = caller_expression(source, limits=limits)
    f = canon.expression
    written = tree_size(f)
    if written > limits.steps_nodes:  # checked before the work: every step writes f out
        raise LimitError(
            f"a derivation writes the expression out, and written out it has {written} nodes, above the limit "
            f"of {limits.steps_nodes} (steps_nodes); symdiff.gradient and the tape work on its shared form"
        )
    program = source if isinstance(source, Program) else f
    checked_names(canon, wrt)
    variables = _variables(wrt, order, limits)
    lines = definitions(program) if isinstance(program, Program) else {}
    for v in variables:
        if v in lines and v not in free_symbols(f):
            raise SymdiffError(f"{v.name} is a line of the program; differentiate with respect to one of its inputs")
    check_variables(f, [v.name for v in variables])
    if at is not None and has_unknowns(f):
        raise MethodError(needs_definition(unknowns(f)[0]))  # the value at a point needs the functions' values
    point = _point(at, f)
    function = program.output.name if isinstance(program, Program) else "f"
    exact = given_exactly(at, variable_names(f))
    taken = {*variable_names(f), *(v.name for v in variables), *(s.name for s in lines)}
    builder = Builder(detail, taken, limits.max_ops, exact)
    with sympy_recursion_guard("writing the derivation"):
        outcome = _derive(builder, program, f, variables * order, point, limits.steps_nodes)
        builder.close()
        reference = diff(f, [v.name for v in variables], order, limits=limits)
        sections = verify.verify_sections(tuple(builder.sections), {**lines, **builder.substitutions}, lines, point)
        verdict = verify.same(outcome.result, reference)
    wrt_names = tuple(v.name for v in variables * order)
    kinks = () if point is None else not_differentiable(program, reference, wrt_names, _exact(at, point))
    if kinks:
        sections = _symmetric_value(sections)
    return Derivation(
        expression=canon.restore(f),
        function=function,
        wrt=wrt_names,
        variables=variable_names(f),
        detail=detail,
        sections=key_steps(sections) if detail == "key" else sections,
        result=canon.restore(outcome.result),
        result_check=verdict.how,
        result_verified=verdict.ok,
        at=None if point is None else {s.name: v for s, v in point.items()},
        exact_at=exact or {},
        value=outcome.value,
        values={s.name: v for s, v in outcome.values.items()},
        factors=outcome.factors,
        adjoints=outcome.adjoints,
        substitutions={s.name: e for s, e in {**lines, **builder.substitutions}.items()},
        program=outcome.program,
        not_differentiable=kinks,
    )


def _matrix_steps(
    program: ArrayProgram, wrt: VariableLike | Sequence[VariableLike], order: int, at: Mapping[str, Any] | None
) -> MatrixDerivation:
    names = [variable(wrt).name] if isinstance(wrt, (str, sp.Symbol)) else [variable(v).name for v in wrt]
    if order != 1 or len(names) != 1:
        raise SymdiffError("for a program over arrays, steps are written for a first derivative by one variable")
    if at is not None:
        raise SymdiffError(
            "for a program over arrays, steps are written as matrix formulas, without a point: "
            "evaluate them with symdiff.gradient(program).evaluate(point)"
        )
    return derive_matrix(program, names[0])


def _variables(wrt: VariableLike | Sequence[VariableLike], order: int, limits: Limits) -> list[sp.Symbol]:
    """The distinct variables differentiated by, each once (``order`` repeats a single one)."""
    limits.check_order(order)  # before any arithmetic: True * 1 would pass as the order 1
    items = [wrt] if isinstance(wrt, (str, sp.Basic)) else wrt
    if not isinstance(items, (list, tuple)):
        raise SymdiffError(f"expected a variable or a list of variables, got {describe(wrt)}")
    variables = wrt_variables(items, 1, limits)
    if len(variables) > 1 and order != 1:
        raise SymdiffError("give either a sequence of variables (a mixed partial) or an order, not both")
    limits.check_order(order * len(variables))
    return variables


def _derive(
    builder: Builder,
    program: Program | sp.Expr,
    f: sp.Expr,
    variables: list[sp.Symbol],
    point: Mapping[sp.Symbol, mpmath.mpf] | None,
    written: int,
) -> Outcome:
    """Through the lines of a program for a first derivative by one of its inputs; otherwise the
    expression as a whole, one order at a time."""
    by_lines = isinstance(program, Program) and len(program.definitions) > 1 and len(variables) == 1
    inputs = free_symbols(f)  # each shared node once: the tree can be 2^20 long
    if by_lines and variables[0] in inputs and _lines_use_only(program, inputs):
        return derive_program(builder, program, variables[0], point)
    result = derive_expression(builder, f, variables, written)
    return Outcome(result, None if point is None else builder.value(result, variables[-1], point), point or {})


def _lines_use_only(program: Program, inputs: set[sp.Symbol]) -> bool:
    """Whether every line reads only the output's inputs and earlier lines: h0 = g(x) - y; h1 = y + h0
    does not depend on y, so a point gives y no value, and the lines cannot be gone through."""
    names = {symbol(d.name) for d in program.definitions}
    return all(free_symbols(d.expression) <= inputs | names for d in program.definitions)


def _symmetric_value(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """The value step, renamed: at a kink the rules give the average of the one-sided slopes."""
    *before, last = sections
    *steps_before, value = last.steps
    value = dataclasses.replace(value, name=SYMMETRIC_VALUE)
    return (*before, Section(last.lhs, (*steps_before, value)))


def key_steps(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Only the product, quotient and chain rule steps and the result of each section: its
    last step and, when that is the value at a point, the formula before it."""
    return tuple(Section(s.lhs, tuple(step for step in s.steps if _is_key(step, s.steps))) for s in sections)


def _is_key(step: Step, section: tuple[Step, ...]) -> bool:
    if step.rule in KEY_RULES or step is section[-1]:
        return True
    return section[-1].rule == "value" and len(section) > 1 and step is section[-2]


def _point(at: Mapping[str, Any] | None, f: sp.Expr) -> dict[sp.Symbol, mpmath.mpf] | None:
    if at is None:
        return None
    at = checked_point(at)
    names = variable_names(f)
    unknown = sorted(set(at) - set(names), key=natural_key)
    missing = [n for n in names if n not in at]
    if unknown or missing:
        problem = f"no variable {', '.join(unknown)}" if unknown else f"no value for {', '.join(missing)}"
        raise EvaluationError(f"{problem} at the point; the variables are {', '.join(names) or 'none'}")
    with mpmath.workdps(DIGITS):
        return {variable(name): _number(name, at[name]) for name in names}


def _exact(at: Mapping[str, Any] | None, point: Mapping[sp.Symbol, mpmath.mpf]) -> dict[str, Any]:
    """The point as given where it is exact (pi from --at x=pi), else its mpmath value: a kink
    only the exact point hits (abs(sin(x)) at x = π) is found from the exact value."""
    given = checked_point(at) if at else {}
    return {s.name: given[s.name] if isinstance(given.get(s.name), sp.Basic) else v for s, v in point.items()}


def _number(name: str, value: Any) -> mpmath.mpf:
    """A value given for a variable, as an mpmath number (strings are read as decimals; SymPy
    numbers such as pi/4, which the command line reads exactly, are evaluated)."""
    if isinstance(value, sp.Basic) and value.is_number and value.is_extended_real and value.is_finite:
        return mpmath.mpf(sp.N(value, mpmath.mp.dps + 5))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, str, mpmath.mpf)):
        raise EvaluationError(f"the value of {name} must be a number, got {describe(value)}")
    try:
        number = mpmath.mpf(value) if isinstance(value, (int, float, str, mpmath.mpf)) else mpmath.mpf(float(value))
    except (ValueError, ArithmeticError):
        raise EvaluationError(f"the value of {name} must be a number, got {describe(value)}") from None
    if not mpmath.isfinite(number):
        raise EvaluationError(f"the value of {name} must be a finite number, got {describe(value)}")
    return number


__all__ = ["Derivation", "MatrixDerivation", "Section", "Step", "steps"]
