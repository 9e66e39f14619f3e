"""A derivation as plain data: numbered steps, grouped in sections, and the result.

Renderers (``symdiff.render.steps``) only format these records; they never redo the maths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import mpmath
import sympy as sp

from ..comparison.explain import Explanation
from ..language.parser import Program
from ..limits import serialized_class

Detail = Literal["full", "compact", "key"]
DETAILS: tuple[Detail, ...] = ("full", "compact", "key")


@dataclass(frozen=True)
class Step:
    """One step: ``before`` becomes ``after`` by the rule ``rule`` acting on ``target``.

    Attributes:
        number: position in the derivation, from 1 (a compact derivation cites steps by number).
        rule: machine-readable rule id: ``"product"``, ``"chain"``, or the name of a registry function (sin, tanh, …).
        name: the rule for people: "product rule", "derivative of the sine".
        target: the sub-expression the rule acts on (inside the derivative operator).
        wrt: the variable of that derivative operator.
        before: the whole line before the step; derivatives still to be taken are unevaluated
            ``sympy.Derivative`` objects, so ``before.doit()`` is its value.
        after: the whole line after the step.
        constants: other variables the step holds constant ("b and c are constants").
        where: substitutions the step introduces or uses, as (name, expression): u = x².
        cites: in compact detail, the earlier step that already derived this derivative.
        replacement: what the rule wrote for d/dx(target) (cos(u) for d/du(sin(u))).
        verified: ``after`` was checked to equal ``before``.
        check: how it was checked (``"identical"``, ``"numeric"``, ``"simplify"``), or why it failed.
    """

    number: int
    rule: str
    name: str
    target: sp.Expr
    wrt: str
    before: sp.Expr
    after: sp.Expr
    constants: tuple[str, ...] = ()
    where: tuple[tuple[str, sp.Expr], ...] = ()
    cites: int | None = None
    replacement: sp.Expr | None = None
    verified: bool = False
    check: str = "not checked"


@dataclass(frozen=True)
class Section:
    """A chain of equalities ``lhs = after₁ = after₂ = …``.

    A derivation of an expression has one section per order of differentiation; a program has
    one for the chain rule through its lines, one per factor, and one to combine them.
    """

    lhs: sp.Expr
    steps: tuple[Step, ...]


@serialized_class
@dataclass(frozen=True)
class Derivation:
    """The step-by-step derivative of an expression, every step verified.

    Attributes:
        expression: the function differentiated (a program's output with its lines substituted).
        function: its name for display: a program's output name, else ``f``.
        wrt: the variables differentiated by, in order (``("x", "x")`` for a second derivative).
        variables: the expression's free variables in natural order.
        detail: ``"full"``, ``"compact"`` or ``"key"``.
        sections: the steps, in chains of equalities.
        result: the derivative.
        result_check: how the result was checked against ``symdiff.diff``.
        result_verified: the result equals ``symdiff.diff`` (as functions).
        at: the point, when one was given.
        exact_at: the point in exact numbers (x = π), when it was given so; the value step is then
            exact too where SymPy finds a short form (−π²).
        value: the derivative at ``at``.
        values: at ``at``, the value of each input and of each named line of a program.
        factors: for a program at ``at``, the value of each local factor (``"∂y/∂h"``).
        adjoints: for a program at ``at``, ∂output/∂name for each name on a path (backprop's adjoints).
        substitutions: every name the derivation introduced (u = x²) or that a program defines.
        program: the program, when the derivation goes through its lines.
        not_differentiable: at ``at``, why the derivative does not exist there (a kink, with
            the one-sided slopes when there are any); ``value`` is then not a derivative.
    """

    expression: sp.Expr
    function: str
    wrt: tuple[str, ...]
    variables: tuple[str, ...]
    detail: Detail
    sections: tuple[Section, ...]
    result: sp.Expr
    result_check: str = "not checked"
    result_verified: bool = False
    at: Mapping[str, mpmath.mpf] | None = None
    exact_at: Mapping[str, sp.Expr] = field(default_factory=dict)
    value: mpmath.mpf | None = None
    values: Mapping[str, mpmath.mpf] = field(default_factory=dict)
    factors: Mapping[str, mpmath.mpf] = field(default_factory=dict)
    adjoints: Mapping[str, mpmath.mpf] = field(default_factory=dict)
    substitutions: Mapping[str, sp.Expr] = field(default_factory=dict)
    program: Program | None = None
    not_differentiable: tuple[Explanation, ...] = ()
    form: ClassVar[str] = "scalar"  # a program over arrays has a MatrixDerivation ("matrix")

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step, in order."""
        return tuple(step for section in self.sections for step in section.steps)

    @property
    def verified(self) -> bool:
        """Every step checked and the result equal to ``symdiff.diff``."""
        return self.result_verified and all(step.verified for step in self.steps)

    @property
    def ordinary(self) -> bool:
        """Write d/dx rather than ∂/∂x: the function has at most one variable, it is the one
        differentiated by (d/dy(x²) would hide that x is held constant) and, through a program,
        each line has at most one variable too (L = a + b makes dL/db a partial derivative)."""
        if len({*self.variables, *self.wrt}) > 1:
            return False
        return self.program is None or all(len(line.expression.free_symbols) <= 1 for line in self.program.definitions)

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule ids of the steps, in order (handy in tests)."""
        return tuple(step.rule for step in self.steps)

    def to_text(self) -> str:
        from ..render import steps

        return steps.text(self)

    def to_latex(self) -> str:
        from ..render import steps

        return steps.latex(self)

    def to_markdown(self) -> str:
        from ..render import steps

        return steps.markdown(self)

    def to_json(self) -> str:
        from ..render import steps

        return steps.json_text(self)

    def __str__(self) -> str:
        return self.to_text()

    # Jupyter: the derivation with its verdict as Markdown (math in $$), or the LaTeX alone.
    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"
