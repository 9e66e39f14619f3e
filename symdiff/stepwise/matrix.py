"""Backpropagation in matrix form as a derivation: layer by layer, every step checked with numbers.

For ``h = relu(W1 x + b1); y = w2 h + b2; L = (y - t)^2`` and ``W1``::

    L = (y - t)^2         δ₂ = ∂L/∂y = 2(y - t)
    y = w2ᵀ h + b2        ∂L/∂h = δ₂ w2
    h = ReLU(W1 x + b1)   δ₁ = ∂L/∂(W1 x + b1) = ∂L/∂h ⊙ H(W1 x + b1)
                          ∂L/∂W1 = δ₁ xᵀ

The steps are the values a backward sweep passes through (``matrix_reverse.pullback``), the
ones a tutorial names: each line of the program, the δ of a layer (the adjoint where a
matrix product's output enters, after the sums that pass it on unchanged), and the variable.
Each step is written in terms of the steps above it (the sweep goes on from a step with its
symbol as the adjoint), and checked at random values: its formula, with the steps above it
given the tape's adjoints, must give the tape's adjoint of its node. The result is the
verified ``MatrixGradient`` formula.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import SymdiffError
from ..language.array_printing import tensor_latex, tensor_text
from ..language.arrays import ArrayProgram, Tensor, variable
from ..language.printing import derivative_latex, derivative_text
from ..primitives.arrays import ArrayPrimitive
from ..symbolic import matrix_check as check
from ..symbolic.matrix import inputs, line_index, lines, matrix_gradient, variables
from ..symbolic.matrix_result import MatrixGradient
from ..symbolic.matrix_reverse import pullback
from ..tape.array_tape import ArrayTape

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_PRODUCTS = ("matmul", "dot", "outer")


@dataclass(frozen=True)
class Symbol:
    """How a step's value is written: ``delta1`` shown δ₁ (meaning ∂L/∂(W1 x + b1)), or ∂L/∂h."""

    name: str  # the placeholder's variable name in later steps' formulas
    text: str  # pretty text: δ₁, ∂L/∂h
    latex: str
    meaning: str  # what it is, in pretty text: ∂L/∂(W1 x + b1) ("" when the symbol says it)
    meaning_latex: str


@dataclass(frozen=True)
class MatrixStep:
    """One step of backpropagation in matrix form.

    Attributes:
        number: from 1, output first.
        line: the program line whose operations the step goes back through (its name).
        symbol: how the step's value is written.
        formula: the step's value in terms of earlier steps' symbols (``∂L/∂h ⊙ H(W1 x + b1)``).
        expanded: the same in terms of the program's values only.
        rule: machine-readable: the operation stepped back through (``relu``, ``matmul``).
        name: the rule for people ("ReLU, element by element: ⊙ its derivative").
        error: the largest difference from the tape, relative to the largest value (or 1).
        verified: it agreed with the tape's adjoint of its node at random values.
    """

    number: int
    line: str
    symbol: Symbol
    formula: Tensor
    expanded: Tensor
    rule: str
    name: str
    error: float
    verified: bool


@dataclass(frozen=True)
class MatrixDerivation:
    """Backpropagation of an array program to one variable, step by step (``symdiff.steps``).

    Attributes:
        program: the program.
        function: its output's name (``L``).
        wrt: the variable.
        steps: the steps, output first.
        result: the verified gradient (``result[wrt]`` is the formula; ``result.verification``).
        names: the program's lines, node → name, for writing formulas.
        symbols: every step's symbol by its placeholder name.
    """

    program: ArrayProgram
    function: str
    wrt: str
    steps: tuple[MatrixStep, ...]
    result: MatrixGradient
    names: Mapping[Tensor, str]
    symbols: Mapping[str, Symbol]
    form: ClassVar[str] = "matrix"  # ``Derivation.form`` is "scalar": the views tell them apart by it

    @property
    def verified(self) -> bool:
        """Every step agreed with the tape, and the result passed its checks."""
        return all(s.verified for s in self.steps) and self.result.verification.ok

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(s.rule for s in self.steps)

    def lines(self) -> list[tuple[str, list[MatrixStep]]]:
        """The steps grouped by the program line they go back through, last line first."""
        groups: list[tuple[str, list[MatrixStep]]] = []
        for step in self.steps:
            if not groups or groups[-1][0] != step.line:
                groups.append((step.line, []))
            groups[-1][1].append(step)
        return groups

    def to_text(self) -> str:
        from ..render import matrix_steps as view

        return view.text(self)

    def to_latex(self) -> str:
        from ..render import matrix_steps as view

        return view.latex(self)

    def to_markdown(self) -> str:
        from ..render import matrix_steps as view

        return view.markdown(self)

    def to_json(self) -> str:
        from ..render import matrix_steps as view

        return view.json_text(self)

    def __str__(self) -> str:
        return self.to_text()


# -- which values are steps -------------------------------------------------------------------


def _deltas(
    adjoints: Mapping[Tensor, Tensor],
    parents: Mapping[Tensor, list[Tensor]],
    output: Tensor,
    line_of: Mapping[Tensor, int],
) -> list[Tensor]:
    """The δ of each matrix product on the path: where its output enters, above the sums of its line that pass it on."""
    found = []
    for each in adjoints:
        if each.kind != "op" or each.primitive.name not in _PRODUCTS:
            continue
        top = each
        while len(parents.get(top, [])) == 1:
            above = parents[top][0]
            if not _passes(above, top) or adjoints[above] != adjoints[top] or line_of[above] != line_of[each]:
                break
            top = above
        if top is not output and top not in found:
            found.append(top)
    return found


def _symbols(
    program: ArrayProgram,
    function: str,
    shown: Sequence[Tensor],
    deltas: Sequence[Tensor],
    line_of: Mapping[Tensor, int],
) -> dict[Tensor, Symbol]:
    named = lines(program)
    taken = set(program.names) | set(program.shapes)
    symbols: dict[Tensor, Symbol] = {}
    numbers: dict[int, int] = {}
    for each in shown:
        if each in deltas:
            layer = line_of[each] + 1
            numbers[layer] = numbers.get(layer, 0) + 1
            mark = "′" * (numbers[layer] - 1)
            name = _fresh(f"delta{layer}{'_' * (numbers[layer] - 1)}", taken)
            value = named.get(each) or tensor_text(each, named, pretty=True)
            inner = value if each in named else f"({value})"
            meaning = derivative_text(function, (inner,))
            latex_inner = _latex_name(each, named)
            symbols[each] = Symbol(
                name,
                f"δ{str(layer).translate(_SUBSCRIPTS)}{mark}",
                f"\\delta_{{{layer}}}{mark and '^{' + chr(92) + 'prime}'}",
                meaning,
                derivative_latex(function, (latex_inner,)),
            )
        else:
            label = named.get(each) or each.name
            name = _fresh(f"_adjoint_{label}", taken)
            symbols[each] = Symbol(
                name, derivative_text(function, (label,)), derivative_latex(function, (label,)), "", ""
            )
        taken.add(symbols[each].name)
    return symbols


def _latex_name(each: Tensor, named: Mapping[Tensor, str]) -> str:
    """A value as the denominator of ∂L/∂(…) in LaTeX; derivative_latex writes a plain name as its LaTeX."""
    if each in named:
        return named[each]
    return f"\\left({tensor_latex(each, named)}\\right)"


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    return name


# -- the rules, for people --------------------------------------------------------------------


def _rule(node: Tensor, parents: Mapping[Tensor, list[Tensor]], shown: Collection[Tensor]) -> tuple[str, str]:
    """The operations a step goes back through, from the step above it (sums that pass it on aside)."""
    chain: list[tuple[Tensor, Tensor]] = []  # (operation, its argument on the way), nearest first
    current = node
    while len(parents.get(current, [])) == 1:
        above = parents[current][0]
        chain.append((above, current))
        if above in shown:
            break
        current = above
    if not chain:
        return "uses", "the sum of the adjoints of its uses"
    ops = [(op, arg) for op, arg in chain if not _passes(op, arg)]
    if not ops:
        return chain[0][0].primitive.name, f"{chain[0][0].primitive.noun} passes the adjoint on"
    if len(ops) == 1:
        return ops[0][0].primitive.name, _one_rule(*ops[0])
    nouns = [op.primitive.noun or op.primitive.name for op, _ in reversed(ops)]
    return "chain", "the chain rule through " + ", ".join(nouns[:-1]) + " and " + nouns[-1]


def _passes(op: Tensor, arg: Tensor) -> bool:
    """A sum passes the adjoint to a term unchanged (a difference, to its first term)."""
    name = op.primitive.name
    return name == "add" or (name == "sub" and op.args[0] == arg and op.args[1] != arg)


def _one_rule(op_node: Tensor, arg: Tensor) -> str:
    op = op_node.primitive
    if isinstance(op, ArrayPrimitive):
        left, right = op_node.args
        if op.name == "matmul" and len(left.shape) == 2:
            if arg == left:
                return "the matrix product: δ times the input transposed"
            return "the matrix product: the weights transposed times δ"
        if op.name in ("matmul", "dot") and len(left.shape) == len(right.shape) == 1:
            return "the inner product: times the other vector"
        return f"{op.noun}, by its vector-Jacobian product"
    if op.infix is not None or op.name == "pow":
        return f"{op.noun or op.name}, element by element"
    return f"{op.noun or op.name}, element by element: ⊙ its derivative"


# -- the derivation ---------------------------------------------------------------------------


def derive(program: ArrayProgram, wrt: str) -> MatrixDerivation:
    """Backpropagation of the program's output to ``wrt``, step by step, each step checked."""
    (name,) = variables(program, wrt)
    output = program.expression
    result = matrix_gradient(program, [name])
    target = inputs(program)[name]
    keep = lines(program)
    plain = pullback(output, [target], keep=keep)
    if target not in plain.adjoints:
        raise SymdiffError(f"{program.output.name} does not depend on {name}: its gradient is 0, with no steps")
    line_of = line_index(program)
    deltas = _deltas(plain.adjoints, plain.parents, output, line_of)
    shown = [n for n in plain.adjoints if n is not output and (n in keep or n in deltas or n is target)]
    symbols = _symbols(program, program.output.name, shown, deltas, line_of)
    placeholders = {n: variable(symbols[n].name, n.shape) for n in shown}
    local = pullback(output, [target], keep=keep, cuts=placeholders)
    tape = ArrayTape(program)
    points = [check.random_point(program.shapes, 0), check.random_point(program.shapes, 1, positive=True)]
    adjoints = [_tape_adjoints(tape, point, shown) for point in points]
    evaluate = check.Evaluator()
    steps = []
    for number, each in enumerate(shown, 1):
        formula = local.adjoints[each]
        parents = plain.parents[each]
        rule, rule_name = _rule(each, plain.parents, set(shown))
        error = _error(formula, each, placeholders, symbols, points, adjoints, evaluate)
        section = program.definitions[max(line_of[p] for p in parents)].name
        steps.append(
            MatrixStep(
                number,
                section,
                symbols[each],
                formula,
                plain.adjoints[each],
                rule,
                rule_name,
                error,
                error <= check.TOLERANCE,
            )
        )
    return MatrixDerivation(
        program,
        program.output.name,
        name,
        tuple(steps),
        result,
        dict(keep),
        {s.name: s for s in symbols.values()},
    )


def _tape_adjoints(
    tape: ArrayTape, point: Mapping[str, np.ndarray], nodes: Sequence[Tensor]
) -> dict[Tensor, np.ndarray]:
    rows = tape.trace(point).rows
    return {n: np.asarray(rows[tape.graph.index(n)].adjoint, dtype=float) for n in nodes}


def _error(
    formula: Tensor,
    each: Tensor,
    placeholders: Mapping[Tensor, Tensor],
    symbols: Mapping[Tensor, Symbol],
    points: Sequence[Mapping[str, np.ndarray]],
    adjoints: Sequence[Mapping[Tensor, np.ndarray]],
    evaluate: check.Evaluator,
) -> float:
    """The step's formula, the steps above given the tape's adjoints, against the tape's adjoint of its node."""
    worst = 0.0
    for point, known in zip(points, adjoints, strict=True):
        values = {**point, **{symbols[n].name: known[n] for n in placeholders}}
        error, compared = check.difference(evaluate(formula, values), known[each])
        worst = max(worst, error if compared else float("inf"))
    return worst
