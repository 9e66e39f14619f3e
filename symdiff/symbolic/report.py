"""The symbolic derivatives a user asked for, as plain data ready to render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..language.dag import PRINTABLE_NODES, tree_size
from ..language.parser import Program, as_expression, parse_program, variable_names
from ..limits import DEFAULT_LIMITS, Limits, serialized, serialized_class
from .derivatives import ExprLike, VariableLike, diff, gradient, hessian, higher, variable
from .gradient import SymbolicHessian
from .reverse import Definition, fresh_prefix


@dataclass(frozen=True)
class Partial:
    """One derivative: with respect to ``wrt`` (in order), equal to ``expression``."""

    wrt: tuple[str, ...]
    expression: sp.Expr


@serialized_class
@dataclass(frozen=True)
class Derivatives:
    """The derivatives of one expression.

    Attributes:
        expression: the function being differentiated.
        function: its name for display: the output name of a program, else ``f``.
        variables: its free variables in natural order.
        partials: the derivatives asked for, in the order asked.
        absent: names asked for that do not occur in the expression (their derivative is 0).
        hessian: the matrix of second partials, when asked for.
        hessian_variables: its rows and columns, in order (the ``wrt`` asked for, else all).
        definitions: values the partials and the Hessian share, in evaluation order, when they
            are large enough to be computed in reverse mode (see ``symbolic.gradient``).
        lines: a program's own lines (name, expression in earlier names), when its output with
            every line substituted is too long to write out; renderers show these instead.
    """

    expression: sp.Expr
    function: str
    variables: tuple[str, ...]
    partials: tuple[Partial, ...]
    absent: tuple[str, ...] = ()
    hessian: sp.Matrix | None = None
    definitions: tuple[Definition, ...] = ()
    hessian_variables: tuple[str, ...] = ()
    lines: tuple[tuple[str, sp.Expr], ...] = ()

    @property
    def ordinary(self) -> bool:
        """True when the function has at most one variable: write d/dx rather than ∂/∂x."""
        return len(self.variables) <= 1

    def to_text(self) -> str:
        from ..render import derivatives

        return derivatives.text(self)

    def to_json(self) -> str:
        from ..render import derivatives

        return derivatives.json_text(self)

    def to_latex(self) -> str:
        from ..render import derivatives

        return derivatives.latex(self)

    def to_markdown(self) -> str:
        from ..render import derivatives

        return derivatives.markdown(self)

    def __str__(self) -> str:
        return self.to_text()


@serialized
def derivatives(
    expr: ExprLike,
    wrt: Sequence[VariableLike] | None = None,
    order: int = 1,
    *,
    with_hessian: bool = False,
    mixed: bool = False,
    distributions: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Derivatives:
    """The partials of ``expr`` of the given order with respect to each of ``wrt`` (default: all).

    ``mixed``: the one mixed partial ∂ⁿf/∂w₁…∂wₙ by every ``wrt`` in turn instead; ``distributions``:
    with the Dirac deltas of sign and heaviside kept (see ``diff``).
    """
    limits.check_order(order)
    if isinstance(expr, str):
        expr = parse_program(expr, limits=limits)  # keeps the output's name (L = …) for display
    f = as_expression(expr, limits=limits)
    function = expr.output.name if isinstance(expr, Program) else "f"
    names = variable_names(f)
    wanted = list(names) if wrt is None else [variable(v).name for v in wrt]
    matrix = hessian(expr, None if wrt is None else wanted, limits=limits) if with_hessian else None
    shared = matrix if isinstance(matrix, SymbolicHessian) else None  # large: definitions shared with the gradient
    definitions = shared.definitions if shared else ()
    if mixed:
        partials: tuple[Partial, ...] = (
            Partial(tuple(wanted), diff(f, wanted, distributions=distributions, limits=limits)),
        )
    elif distributions:
        partials = tuple(
            Partial((name,) * order, diff(f, name, order, distributions=True, limits=limits)) for name in wanted
        )
    elif order == 1 and wanted:
        first = shared.gradient if shared else gradient(expr, wanted, limits=limits)
        partials = tuple(Partial((name,) * order, first.get(name, sp.S.Zero)) for name in wanted)
        definitions = first.definitions
    else:
        partials, definitions = _higher_partials(f, wanted, order, definitions, limits)
    absent = tuple(n for n in wanted if n not in names)
    square = tuple(names if wrt is None else wanted) if with_hessian else ()
    matrix = shared.matrix if shared else matrix
    lines = _program_lines(expr, f)
    return Derivatives(f, function, names, partials, absent, matrix, definitions, square, lines)


def _higher_partials(
    f: sp.Expr, wanted: Sequence[str], order: int, definitions: tuple[Definition, ...], limits: Limits
) -> tuple[tuple[Partial, ...], tuple[Definition, ...]]:
    """Each derivative of ``order`` in one variable, small ones written out, large ones with shared
    definitions (Taylor mode: see ``symbolic.higher``), numbered on from those already there."""
    prefix = fresh_prefix([*variable_names(f), *(d.name for d, _ in definitions)])
    partials, numbered = [], 0
    for name in wanted:
        found, expression = higher(f, variable(name), order, limits, prefix=prefix, start=numbered + 1)
        partials.append(Partial((name,) * order, expression))
        definitions, numbered = definitions + found, numbered + len(found)
    return tuple(partials), definitions


def _program_lines(expr: ExprLike | Program, f: sp.Expr) -> tuple[tuple[str, sp.Expr], ...]:
    if not isinstance(expr, Program) or tree_size(f) <= PRINTABLE_NODES:
        return ()
    return tuple((d.name, d.expression) for d in expr.definitions)
