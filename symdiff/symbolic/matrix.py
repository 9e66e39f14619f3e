"""Matrix calculus for programs over arrays: gradients, Jacobians and Hessians as matrix formulas.

``symdiff.gradient``, ``diff``, ``jacobian`` and ``hessian`` come here for a program that
declares vectors and matrices. The formulas come from reverse mode over the program's tensor
graph (``matrix_reverse``), are named the way a backpropagation tutorial names them (the
program's lines by their names, shared adjoints δ₁, δ₂, … numbered from the input layer up),
and are checked against the tape and against sympy.diff of the element-wise expansion
(``matrix_check``) before they are returned. Their cost does not grow with the sizes: the
gradient of a layer 4096 wide is the same formula as at width 4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import SymdiffError
from ..language.arrays import ArrayDefinition, ArrayProgram, Tensor, postorder, variable
from ..language.printing import derivative_text
from ..primitives.shapes import shape_text
from ..tape.array_tape import ArrayTape
from . import matrix_check as check
from .matrix_algebra import node
from .matrix_jacobian import jacobian_formula, refuse_tensor
from .matrix_result import MatrixDerivative, MatrixGradient, Notation
from .matrix_reverse import check_ranks, pullback

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# -- the pieces -------------------------------------------------------------------------------


def lines(program: ArrayProgram) -> dict[Tensor, str]:
    """Each node a line of the program computes → the line's name (the first, when two lines repeat one)."""
    named: dict[Tensor, str] = {}
    for d in program.definitions:
        if d.expression.kind == "op":
            named.setdefault(d.expression, d.name)
    return named


def variables(program: ArrayProgram, wrt: str | Sequence[str] | None) -> list[str]:
    """The variables asked for (default: every input of the output line), checked."""
    names = list(program.shapes) if wrt is None else [wrt] if isinstance(wrt, str) else [str(w) for w in wrt]
    if not names:
        raise SymdiffError("no variable to differentiate with respect to")
    unknown = [n for n in names if n not in program.shapes]
    if unknown:
        lines_named = [n for n in unknown if n in program.names]
        if lines_named:
            raise SymdiffError(
                f"{lines_named[0]} is a line of the program; differentiate with respect to one of its inputs"
            )
        raise SymdiffError(
            f"{', '.join(unknown)} is not a variable of the program (its variables: {', '.join(program.shapes)})"
        )
    return names


def inputs(program: ArrayProgram) -> dict[str, Tensor]:
    return {n.name: n for n in postorder(program.expression) if n.kind == "input"}


def gradient_formulas(program: ArrayProgram, wrt: Sequence[str]) -> tuple[dict[str, Tensor], dict[Tensor, Tensor]]:
    """∂(output)/∂(each of wrt) and the adjoints of the sweep, for a scalar output."""
    output = program.expression
    check_ranks(output)
    if output.shape:
        raise SymdiffError(
            f"the gradient needs a scalar: {program.output.name} has shape {shape_text(output.shape)}; "
            f"use symdiff.jacobian for the matrix ∂{program.output.name}/∂x, or sum it"
        )
    nodes = inputs(program)
    sweep = pullback(output, [nodes[n] for n in wrt], keep=lines(program))
    return dict(zip(wrt, sweep.gradients, strict=True)), sweep.adjoints


def line_index(program: ArrayProgram) -> dict[Tensor, int]:
    """Each operation → the index of the first line that computes it (its layer, from 0)."""
    found: dict[Tensor, int] = {}
    for k, d in enumerate(program.definitions):
        for each in postorder(d.expression):
            if each.kind == "op":
                found.setdefault(each, k)
    return found


def notation(program: ArrayProgram, formulas: Sequence[Tensor], adjoints: Mapping[Tensor, Tensor]) -> Notation:
    """The definitions the formulas are written with: the program's lines they use, then δ's.

    An adjoint (a value of the backward sweep) that the formulas use twice or more is named
    δ, numbered by its layer as a tutorial numbers them: δₖ is the adjoint of a value of the
    program's k-th line (the earliest line whose value has it: the value entering that line's
    activation). Values cheaper to write than to name (a variable, its transpose, a number
    times one) are written in place.
    """
    named_lines = lines(program)
    uses: Counter[Tensor] = Counter(formulas)
    for each in postorder(*formulas):
        if each not in named_lines:
            uses.update(each.args)
    candidates = set(adjoints.values())
    shared = [
        n for n in postorder(*formulas) if n in candidates and uses[n] > 1 and not _cheap(n) and n not in named_lines
    ]
    layers = line_index(program)
    layer_of: dict[Tensor, int] = {}
    for value, adjoint in adjoints.items():
        if value in layers:
            layer_of[adjoint] = min(layer_of.get(adjoint, len(layers)), layers[value] + 1)
    taken = set(program.names) | set(program.shapes)
    names: dict[Tensor, str] = dict(named_lines)
    shown: dict[str, tuple[str, str]] = {}
    deltas = []
    for each in shared:
        layer = layer_of.get(each, 0)
        name, primes = f"delta{layer}", ""
        while name in taken:
            name, primes = name + "_", primes + "′"
        taken.add(name)
        names[each] = name
        latex_primes = "^{" + "\\prime" * len(primes) + "}" if primes else ""
        shown[name] = (f"δ{str(layer).translate(_SUBSCRIPTS)}{primes}", f"\\delta_{{{layer}}}{latex_primes}")
        deltas.append((name, each))
    used_lines = _used_lines(program, formulas, named_lines)
    return Notation(tuple(used_lines + deltas), names, shown)


def _cheap(t: Tensor) -> bool:
    if not t.args:
        return True
    return t.primitive.name in ("neg", "transpose", "mul") and all(not a.args for a in t.args)


def _used_lines(
    program: ArrayProgram, formulas: Sequence[Tensor], named: Mapping[Tensor, str]
) -> list[tuple[str, Tensor]]:
    """The program's lines the formulas read, directly or through other lines, in program order."""
    reached = {n for n in postorder(*formulas) if n in named}
    return [(name, t) for t, name in named.items() if t in reached and t.kind == "op" and name in program.names]


def _labels(function: str, names: Sequence[str]) -> dict[str, str]:
    return {name: derivative_text(function, (name,)) for name in names}


def _points(program: ArrayProgram, seed: int) -> list[dict[str, np.ndarray]]:
    return [check.random_point(program.shapes, seed), check.random_point(program.shapes, seed + 1, positive=True)]


# -- gradients --------------------------------------------------------------------------------


def matrix_gradient(program: ArrayProgram, wrt: str | Sequence[str] | None = None) -> MatrixGradient:
    """Every ∂L/∂x as a matrix formula, verified; see ``MatrixGradient``."""
    names = variables(program, wrt)
    formulas, adjoints = gradient_formulas(program, names)
    function = program.output.name
    labels = _labels(function, names)
    evaluate = check.Evaluator()
    checks = check.gradient_checks(program, formulas, labels, _points(program, 0), evaluate)
    small = check.small_program(program)
    small_formulas = formulas if small is program else gradient_formulas(small, names)[0]
    checks += check.expansion_checks(small, small_formulas, labels, _points(small, 2), evaluate)
    check.require(checks)
    verification = check.Verification(tuple(checks), check.sizes_text(small.shapes))
    return MatrixGradient(
        formulas,
        function=function,
        program=program,
        notation=notation(program, list(formulas.values()), adjoints),
        verification=verification,
    )


# -- Jacobians and Hessians -------------------------------------------------------------------


def _one(wrt: str | Sequence[str], what: str) -> str:
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    if len(names) != 1:
        raise SymdiffError(f"{what} is taken with respect to one variable; got {', '.join(map(str, names)) or 'none'}")
    return names[0]


def _probe(program: ArrayProgram, f: Tensor, shapes: Mapping[str, tuple[int, ...]]) -> tuple[ArrayProgram, str]:
    """The program ``u · f`` for a new input ``u`` shaped like ``f``: its gradient is ``Jᵀ u``."""
    u = "u"
    while u in shapes or u in program.names:
        u += "_"
    probe = node("matmul", variable(u, f.shape), f) if f.shape else node("mul", variable(u, ()), f)
    used = {n.name: n.shape for n in postorder(probe) if n.kind == "input"}
    return ArrayProgram((ArrayDefinition("_probe", probe, ""),), dict(sorted(used.items()))), u


def _jacobian_check(
    program: ArrayProgram, f: Tensor, x: str, formula: Tensor, label: str, evaluate: check.Evaluator
) -> check.Check:
    """``uᵀ J`` from the formula against the tape's gradient of ``u · f`` by ``x``, at the declared sizes."""
    probe, u = _probe(program, f, program.shapes)
    tape = ArrayTape(probe)
    worst, compared = 0.0, 0
    for seed in (0, 1):
        point = {
            **check.random_point(program.shapes, seed, positive=seed == 1),
            **check.random_point(probe.shapes, seed),
        }
        value = evaluate(formula, point)
        got = np.tensordot(point[u], value, axes=len(f.shape))
        at = {name: point[name] for name in probe.shapes}
        expected = tape.gradient(at)[x] if x in probe.shapes else np.zeros(program.shapes[x])
        error, count = check.difference(got, expected)
        worst, compared = max(worst, error), compared + count
    return check.Check(label, "tape", check.sizes_text(program.shapes), worst, compared)


def matrix_jacobian(program: ArrayProgram, wrt: str | Sequence[str]) -> MatrixDerivative:
    """∂f/∂x of the program's output line ``f`` (a scalar or a vector) by one variable, as a matrix."""
    x = _one(wrt, "a Jacobian")
    variables(program, x)
    function = program.output.name
    output = program.expression
    label = derivative_text(function, (x,))
    refuse_tensor(label, output.shape, program.shapes[x])

    def formula_of(p: ArrayProgram) -> Tensor:
        return jacobian_formula(p.expression, inputs(p)[x], keep=lines(p))

    formula = formula_of(program)
    evaluate = check.Evaluator()
    checks = [_jacobian_check(program, output, x, formula, label, evaluate)]
    small = check.small_program(program)
    small_formula = formula if small is program else formula_of(small)
    checks += check.expansion_checks(small, {x: small_formula}, {x: label}, _points(small, 2), evaluate)
    check.require(checks)
    verification = check.Verification(tuple(checks), check.sizes_text(small.shapes))
    return MatrixDerivative(function, (x,), formula, program, notation(program, [formula], {}), verification)


def matrix_hessian(program: ArrayProgram, wrt: str | Sequence[str]) -> MatrixDerivative:
    """∂²L/∂x² (or the block ∂²L/∂x∂y for two variables) of a scalar output, as a matrix."""
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    if len(names) not in (1, 2):
        raise SymdiffError("a Hessian is taken with respect to one variable (∂²L/∂x²) or two (the block ∂²L/∂x∂y)")
    first, second = names[0], names[-1]
    variables(program, [first, second])
    function = program.output.name
    wrt_pair = (first, second)
    label = derivative_text(function, wrt_pair)
    refuse_tensor(label, program.shapes[first], program.shapes[second], "gradient")

    def formulas_of(p: ArrayProgram) -> tuple[Tensor, Tensor]:
        gradient = gradient_formulas(p, [first])[0][first]
        return gradient, jacobian_formula(gradient, inputs(p)[second], keep=lines(p))

    gradient, formula = formulas_of(program)
    evaluate = check.Evaluator()
    checks = [_jacobian_check(program, gradient, second, formula, label, evaluate)]
    small = check.small_program(program)
    small_formula = formula if small is program else formulas_of(small)[1]
    key = f"{first},{second}"
    checks += check.expansion_checks(small, {key: small_formula}, {key: label}, _points(small, 2), evaluate)
    check.require(checks)
    verification = check.Verification(tuple(checks), check.sizes_text(small.shapes))
    return MatrixDerivative(function, wrt_pair, formula, program, notation(program, [formula], {}), verification)
