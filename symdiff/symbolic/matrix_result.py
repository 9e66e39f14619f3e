"""Matrix formulas as results: ∂L/∂W1 = δ₁ xᵀ, with the values they share defined once.

A ``MatrixGradient`` is a ``dict`` of variable name → formula (a ``Tensor``, complete in
itself: the shared names are only how it is written). ``definitions`` are the program's lines
the formulas use (``h = ReLU(W1 x + b1)``) and the shared parts of the backward sweep, the δ of
a backpropagation tutorial (``δ₁ = δ₂ w2 ⊙ H(W1 x + b1)``). A ``MatrixDerivative`` is one
matrix formula: a Jacobian or a Hessian. Both were checked with numbers before they were
returned (``verification``), and both evaluate at a point of arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..language.arrays import ArrayProgram, Tensor
from ..language.printing import derivative_latex, derivative_text
from ..primitives.shapes import Shape
from ..tape.array_tape import ArrayPoint
from ..tape.points import merge, ordered_values
from .matrix_check import Evaluator, Verification

Definition = tuple[str, Tensor]


@dataclass(frozen=True)
class Notation:
    """How a result writes its names.

    Attributes:
        definitions: ``(name, node)`` in evaluation order: the program's lines the formulas
            use, then the shared values of the backward sweep.
        names: node → name, for writing a formula in terms of the definitions.
        shown: a shared value's name → (pretty text, LaTeX): ``delta1`` → (``δ₁``, ``\\delta_{1}``).
    """

    definitions: tuple[Definition, ...] = ()
    names: Mapping[Tensor, str] = field(default_factory=dict)
    shown: Mapping[str, tuple[str, str]] = field(default_factory=dict)


class _Evaluator:
    """Formulas evaluated at points of the program's inputs, with the tape's rule for batches.

    Given with a leading sample axis, a variable's own derivative is one per sample; any
    other's is the sum over the samples (the derivative of the total), as ``Tape.gradient``.
    """

    def __init__(self, program: ArrayProgram):
        self.program = program
        self.evaluate = Evaluator()

    def __call__(self, formula: Tensor, point: Mapping[str, Any], variable: str) -> Any:
        shapes = self.program.shapes
        at = ArrayPoint(shapes, ordered_values(tuple(shapes), point))
        values = dict(zip(shapes, at.arrays, strict=True))
        tape = self.evaluate.tape(formula)
        with np.errstate(all="ignore"):
            value = np.asarray(tape.value({name: values[name] for name in tape.variables}))
        shape = formula.shape
        if at.samples is not None:
            per_sample = value.ndim > len(shape)
            if at.batched[tuple(shapes).index(variable)]:
                value = value if per_sample else np.broadcast_to(value, (at.samples, *shape))
                shape = (at.samples, *shape)
            else:
                value = value.sum(axis=0) if per_sample else value * at.samples
        value = np.broadcast_to(value, shape)
        return float(value) if not shape else np.array(value)


class MatrixGradient(dict[str, Tensor]):
    """∂L/∂(each variable) of an array program, as matrix formulas with shared parts named once.

    ``symdiff.gradient(program)`` returns one for a program over arrays. It is a ``dict`` of
    variable name → formula (a ``Tensor`` node; ``formula.shape`` is the variable's shape).

    Attributes:
        function: the differentiated line's name (``L``).
        program: the program.
        definitions: ``(name, node)`` pairs in evaluation order: program lines the formulas
            use (``h``, ``y``), then shared values of the backward sweep (``delta2``, ``delta1``,
            shown δ₂, δ₁: the δ of each layer).
        verification: how every formula was checked (``verification.summary()``; ``.ok``).

    Methods:
        to_text(): the definitions, then ``∂L/∂W1 = δ₁ xᵀ`` for each variable, then how they
            were verified; ``to_text(pretty=False)`` writes symdiff's input language instead
            (``outer(delta1, x)``), which reads back as a program.
        to_latex(): one ``aligned`` block (KaTeX-valid). to_markdown(): that block as display
            math, and the verification. to_json(): the same as data.
        formula_text(name) / formula_latex(name): one formula, in terms of the definitions.
        evaluate(point): every formula at a point of arrays, name → array (a float for a
            scalar). Batches follow ``Tape.gradient``: a variable given with a leading sample
            axis gets one gradient per sample, any other the gradient of the total.

    Example:
        >>> import symdiff as sd
        >>> g = sd.gradient("x: 3; A: 3x3; L = x' A x")
        >>> g
        {'A': x xᵀ, 'x': (Aᵀ + A) x}
        >>> print(g.to_latex())
        \\begin{aligned}
        \\frac{\\partial L}{\\partial A} &= x x^{\\top} \\\\
        \\frac{\\partial L}{\\partial x} &= \\left(A^{\\top} + A\\right) x
        \\end{aligned}
        >>> g.verification.ok
        True
    """

    def __init__(
        self,
        formulas: Mapping[str, Tensor],
        *,
        function: str,
        program: ArrayProgram,
        notation: Notation,
        verification: Verification,
    ):
        super().__init__(formulas)
        self.function = function
        self.program = program
        self.notation = notation
        self.verification = verification
        self._evaluate = _Evaluator(program)

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return self.notation.definitions

    @property
    def shapes(self) -> dict[str, Shape]:
        """Each variable's shape (the shape of its gradient)."""
        return {name: formula.shape for name, formula in self.items()}

    def labels(self) -> dict[str, tuple[str, str]]:
        """Each variable → how its derivative is written: (``∂L/∂W1``, ``\\frac{\\partial L}{\\partial W_{1}}``)."""
        return {
            name: (derivative_text(self.function, (name,)), derivative_latex(self.function, (name,))) for name in self
        }

    def evaluate(self, point: Mapping[str, Any] | None = None, /, **values: Any) -> dict[str, Any]:
        """Every formula at a point of arrays (all the program's inputs): name → value."""
        at = merge(point, values)
        return {name: self._evaluate(formula, at, name) for name, formula in self.items()}

    def formula_text(self, name: str, *, pretty: bool = True) -> str:
        from ..render import matrix as view

        return view.formula_text(self.notation, self[name], pretty)

    def formula_latex(self, name: str) -> str:
        from ..render import matrix as view

        return view.formula_latex(self.notation, self[name])

    def to_text(self, *, pretty: bool = True) -> str:
        from ..render import matrix as view

        return view.gradient_text(self, pretty)

    def to_latex(self) -> str:
        from ..render import matrix as view

        return view.gradient_latex(self)

    def to_markdown(self) -> str:
        from ..render import matrix as view

        return view.gradient_markdown(self)

    def to_json(self) -> str:
        from ..render import matrix as view

        return view.gradient_json(self)

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{name!r}: {self.formula_text(name)}" for name in self) + "}"


@dataclass(frozen=True, eq=False)
class MatrixDerivative:
    """One matrix formula: the Jacobian ∂f/∂x of a vector line, or a Hessian ∂²L/∂x∂y.

    Attributes:
        function: the differentiated line's name.
        wrt: the variables: ``("z",)`` for a Jacobian, ``("x", "x")`` for a Hessian.
        formula: the matrix (``formula.shape`` is the function's shape then the variable's;
            ``J[i, j] = ∂fᵢ/∂xⱼ``).
        program: the program.
        notation: the definitions the formula is written with.
        verification: how it was checked.

    Methods: ``to_text()``, ``to_latex()``, ``to_markdown()``, ``to_json()`` and
    ``evaluate(point)`` (the matrix as an array), as for ``MatrixGradient``.

    Example:
        >>> import symdiff as sd
        >>> print(sd.jacobian("z: 3; p = softmax(z)", wrt="z").formula_text())
        diag(p) - p pᵀ
    """

    function: str
    wrt: tuple[str, ...]
    formula: Tensor
    program: ArrayProgram
    notation: Notation
    verification: Verification
    _evaluate: _Evaluator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_evaluate", _Evaluator(self.program))

    @property
    def shape(self) -> Shape:
        return self.formula.shape

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return self.notation.definitions

    def label(self) -> tuple[str, str]:
        """How the derivative is written: (``∂²L/∂x²``, its LaTeX)."""
        return derivative_text(self.function, self.wrt), derivative_latex(self.function, self.wrt)

    def evaluate(self, point: Mapping[str, Any] | None = None, /, **values: Any) -> Any:
        return self._evaluate(self.formula, merge(point, values), self.wrt[-1])

    def formula_text(self, *, pretty: bool = True) -> str:
        from ..render import matrix as view

        return view.formula_text(self.notation, self.formula, pretty)

    def formula_latex(self) -> str:
        from ..render import matrix as view

        return view.formula_latex(self.notation, self.formula)

    def to_text(self, *, pretty: bool = True) -> str:
        from ..render import matrix as view

        return view.derivative_text(self, pretty)

    def to_latex(self) -> str:
        from ..render import matrix as view

        return view.derivative_latex(self)

    def to_markdown(self) -> str:
        from ..render import matrix as view

        return view.derivative_markdown(self)

    def to_json(self) -> str:
        from ..render import matrix as view

        return view.derivative_json(self)

    def __str__(self) -> str:
        return self.to_text()
