"""Every matrix formula checked with numbers before anyone sees it.

Two independent checks, on random values:

* **the tape**, at the declared sizes: the formula evaluated with NumPy against the array
  tape's gradient (for a Jacobian or a Hessian, against the tape's gradient of ``uᵀ f`` for a
  random ``u``, which is ``Jᵀ u``);
* **sympy.diff of the element-wise expansion**, at small sizes: the program is written again
  with every size made small (64 → 3, 10 → 2; a size 1 stays 1, an index stays in range), its
  formulas derived the same way, and compared along random directions with SymPy's own
  derivatives of the program written out element by element (``tape.expansion``), which
  knows nothing of matrices: ``sympy.diff`` of each operation, chained forward
  (``sympy_forward``), so that a deep program is checked in time linear in its size.

A formula that disagrees with a check is never returned: ``require`` raises. Values that are
not finite (a logarithm of a negative number) are left out of a comparison; a second point
has only positive values, so that programs with a domain are still compared somewhere. A
formula with nothing finite to compare is returned, marked as not verified.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import SymdiffError
from ..language.arrays import ArrayDefinition, ArrayProgram, Tensor, apply, constant, inputs_of, postorder, variable
from ..primitives.arrays import ArrayPrimitive
from ..primitives.shapes import Shape, elements, size_text
from ..tape.array_tape import ArrayTape
from ..tape.expansion import expand
from .sympy_forward import directional

TOLERANCE = 1e-9  # largest difference, relative to the largest value (or 1), that counts as equal
SMALL = 40  # a program with at most this many input elements is expanded as it is


@dataclass(frozen=True)
class Check:
    """One formula compared with one independent computation.

    Attributes:
        formula: what was checked (``∂L/∂W1``).
        against: ``"tape"`` or ``"sympy.diff"``.
        sizes: the sizes it was checked at (``x: 2, W1: 3x2, …``).
        error: the largest difference, relative to the largest reference value (or 1).
        compared: how many elements were compared (both finite).
    """

    formula: str
    against: str
    sizes: str
    error: float
    compared: int

    @property
    def agrees(self) -> bool:
        return self.error <= TOLERANCE

    @property
    def ok(self) -> bool:
        """It agrees, on at least one element."""
        return self.agrees and self.compared > 0


@dataclass(frozen=True)
class Verification:
    """How the formulas of a result were checked (a result that disagreed was not returned).

    Attributes:
        checks: every comparison made.
        small: the sizes of the element-wise check (``x: 2, W1: 3x2, …``).
    """

    checks: tuple[Check, ...]
    small: str

    @property
    def ok(self) -> bool:
        """Every formula was compared, on at least one element, both ways, and agreed."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def largest_error(self) -> float:
        return max((c.error for c in self.checks), default=0.0)

    def summary(self) -> str:
        """One line for people: what was compared with what (``largest_error`` says how closely)."""
        unchecked = sorted({c.formula for c in self.checks if not c.compared})
        if unchecked:
            return f"not verified: no random value gave a finite {', '.join(unchecked)} to compare"
        parts = []
        if any(c.against == "tape" for c in self.checks):
            parts.append("the tape at random values of the declared sizes")
        if any(c.against == "sympy.diff" for c in self.checks):
            parts.append(f"sympy.diff of the element-wise expansion at sizes {self.small}")
        return "verified against " + " and ".join(parts)


# -- values -----------------------------------------------------------------------------------


def random_point(shapes: Mapping[str, Shape], seed: int, positive: bool = False) -> dict[str, np.ndarray]:
    """Values of the declared shapes, away from 0 (no kink of relu or abs is hit): ±[0.2, 0.9]."""
    rng = np.random.default_rng(seed)
    point = {}
    for name, shape in shapes.items():
        magnitude = rng.uniform(0.2, 0.9, size=shape)
        point[name] = magnitude if positive else magnitude * rng.choice([-1.0, 1.0], size=shape)
    return point


class Evaluator:
    """Formulas evaluated with NumPy, each compiled once (by the array tape's code generator)."""

    def __init__(self) -> None:
        self.tapes: dict[Tensor, ArrayTape] = {}

    def tape(self, formula: Tensor) -> ArrayTape:
        tape = self.tapes.get(formula)
        if tape is None:
            used = dict(sorted(inputs_of(formula).items()))
            tape = self.tapes[formula] = ArrayTape(ArrayProgram((ArrayDefinition("_value", formula, ""),), used))
        return tape

    def __call__(self, formula: Tensor, point: Mapping[str, np.ndarray]) -> np.ndarray:
        """The formula at one point (no sample axis; ``point`` may hold more names), shaped like the formula."""
        tape = self.tape(formula)
        with np.errstate(all="ignore"):
            value = tape.value({name: point[name] for name in tape.variables})
        return np.broadcast_to(np.asarray(value, dtype=float), formula.shape)


def difference(got: np.ndarray, expected: np.ndarray) -> tuple[float, int]:
    """The largest difference relative to the largest expected value (or 1), and the elements compared.

    An element finite on one side only is a difference of inf.
    """
    got, expected = np.broadcast_arrays(np.asarray(got, dtype=float), np.asarray(expected, dtype=float))
    finite = np.isfinite(got) & np.isfinite(expected)
    if np.any(np.isfinite(got) != np.isfinite(expected)):
        return float("inf"), int(np.sum(finite))
    if not np.any(finite):
        return 0.0, 0
    scale = max(1.0, float(np.max(np.abs(expected[finite]))))
    return float(np.max(np.abs(got[finite] - expected[finite]))) / scale, int(np.sum(finite))


# -- the program at small sizes ---------------------------------------------------------------


def sizes_text(shapes: Mapping[str, Shape]) -> str:
    return ", ".join(f"{name}: {size_text(shape)}" for name, shape in shapes.items())


def small_sizes(program: ArrayProgram) -> dict[int, int]:
    """Each size of the program → a small size: distinct sizes stay distinct, 1 stays 1, indices stay in range."""
    needed: dict[int, int] = {}
    for each in postorder(program.expression):
        op = each.op
        if isinstance(op, ArrayPrimitive) and op.name in ("index", "onehot"):  # literals that index an axis
            index = each.literals[op.sizes :]
            axes = each.args[0].shape if each.args else each.shape
            for n, i in zip(axes, index, strict=False):
                needed[n] = max(needed.get(n, 0), i + 1 if i >= 0 else -i)
    sizes = sorted({n for shape in program.shapes.values() for n in shape} | set(needed))
    mapping, next_size = {1: 1}, 2
    for n in sizes:
        if n == 1:
            continue
        mapping[n] = min(n, max(next_size, needed.get(n, 0)))
        next_size = mapping[n] + 1
    return mapping


def resized(program: ArrayProgram, mapping: Mapping[int, int]) -> ArrayProgram:
    """The same program with every size replaced by ``mapping[size]`` (shapes, and sizes such as ``ones(64)``)."""
    rebuilt: dict[Tensor, Tensor] = {}
    for each in postorder(*(d.expression for d in program.definitions)):
        if each.kind == "input":
            rebuilt[each] = variable(each.name, tuple(mapping.get(n, n) for n in each.shape))
        elif each.kind == "const":
            rebuilt[each] = constant(each.value)
        else:
            op = each.primitive
            count = op.sizes if isinstance(op, ArrayPrimitive) else 0  # leading literals that are sizes
            literals = tuple(mapping.get(k, k) if j < count else k for j, k in enumerate(each.literals))
            rebuilt[each] = apply(op, [rebuilt[a] for a in each.args], literals)
    definitions = tuple(ArrayDefinition(d.name, rebuilt[d.expression], d.source) for d in program.definitions)
    shapes = {name: tuple(mapping.get(n, n) for n in shape) for name, shape in program.shapes.items()}
    return ArrayProgram(definitions, shapes, program.source)


def small_program(program: ArrayProgram) -> ArrayProgram:
    """The program itself when it is small, else the program at small sizes."""
    if sum(elements(shape) for shape in program.shapes.values()) <= SMALL:
        return program
    return resized(program, small_sizes(program))


# -- the checks -------------------------------------------------------------------------------


def compare(
    check: tuple[str, str, str],
    formula: Tensor,
    references: Sequence[np.ndarray],
    points: Sequence[Mapping[str, np.ndarray]],
    evaluate: Evaluator,
) -> Check:
    """The formula at each point against the reference values there: the worst difference.

    ``check`` is (what is checked, against what, at which sizes).
    """
    worst, compared = 0.0, 0
    for point, expected in zip(points, references, strict=True):
        error, count = difference(evaluate(formula, point), expected)
        worst, compared = max(worst, error), compared + count
    return Check(*check, worst, compared)


def gradient_checks(
    program: ArrayProgram,
    formulas: Mapping[str, Tensor],
    labels: Mapping[str, str],
    points: Sequence[Mapping[str, np.ndarray]],
    evaluate: Evaluator,
) -> list[Check]:
    """Each gradient formula against the array tape's gradient."""
    tape = ArrayTape(program)
    gradients = [tape.gradient(point) for point in points]
    sizes = sizes_text(program.shapes)
    return [
        compare((labels[name], "tape", sizes), formula, [g[name] for g in gradients], points, evaluate)
        for name, formula in formulas.items()
    ]


def expansion_checks(
    program: ArrayProgram,
    formulas: Mapping[str, Tensor],
    labels: Mapping[str, str],
    points: Sequence[Mapping[str, np.ndarray]],
    evaluate: Evaluator,
) -> list[Check]:
    """Each formula against SymPy's derivatives of the program written out element by element.

    ``formulas`` is keyed by the variables differentiated by: ``"W1"`` for a gradient (or, for
    a vector output, a Jacobian: the formula's rows are the output's elements), ``"x,y"`` for
    the Hessian block ∂²L/∂x∂y. Derivatives are taken along random directions U (and V), the
    other inputs at the point: ⟨∂L/∂W, U⟩ from the formula against d/dε L(W + ε U) at ε = 0
    by ``sympy_forward`` (for a Jacobian, wᵀ J u against the derivative of wᵀf; for a Hessian
    block, uᵀ H v against d²/dε dη). A random direction finds any wrong element, with
    probability one.
    """
    expansion = expand(program)
    sizes = sizes_text(program.shapes)
    outputs = list(expansion.elements.ravel())
    checks = []
    for key, formula in formulas.items():
        names = key.split(",")
        worst, compared = 0.0, 0
        for k, point in enumerate(points):
            rng = np.random.default_rng(100 + k)
            directions = [rng.uniform(-1.0, 1.0, size=program.shapes[name]) for name in names]
            weights = rng.uniform(-1.0, 1.0, size=expansion.elements.shape)
            along = [
                _along(expansion.symbols[name], direction) for name, direction in zip(names, directions, strict=True)
            ]
            duals = directional(outputs, _at(expansion.symbols, point), along[0], along[1] if len(along) > 1 else None)
            derivatives = [_float(d.uv if len(names) > 1 else d.u) for d in duals]
            expected = np.dot(weights.ravel(), derivatives)
            got = np.tensordot(weights, evaluate(formula, point), axes=weights.ndim)
            for direction in directions:
                got = np.tensordot(direction, got, axes=direction.ndim)
            error, count = difference(got, expected)
            worst, compared = max(worst, error), compared + count
        checks.append(Check(labels[key], "sympy.diff", sizes, worst, compared))
    return checks


def _at(symbols: Mapping[str, np.ndarray], point: Mapping[str, np.ndarray]) -> dict[sp.Symbol, float]:
    """Each element symbol's value at the point."""
    at: dict[sp.Symbol, float] = {}
    for name, elements_of in symbols.items():
        at.update(_along(elements_of, point[name]))
    return at


def _along(elements_of: np.ndarray, values: np.ndarray) -> dict[sp.Symbol, float]:
    values = np.broadcast_to(values, elements_of.shape)
    return {elements_of[i]: float(values[i]) for i in itertools.product(*map(range, elements_of.shape))}


def _float(value: sp.Expr) -> float:
    """A real SymPy number as a float; nan for anything else (a logarithm of a negative number is complex)."""
    return float(value) if value.is_real and value.is_finite else float("nan")


_AGAINST = {"tape": "the tape", "sympy.diff": "sympy.diff of the element-wise expansion"}


def require(checks: Sequence[Check]) -> None:
    """Raise when a check failed: a formula that disagrees with the numbers is never shown."""
    for check in checks:
        if not check.agrees:
            raise SymdiffError(
                f"the symbolic formula for {check.formula} disagrees with {_AGAINST[check.against]} at sizes "
                f"{check.sizes} (a relative difference of {check.error:.2e}); a bug in symdiff: please report it"
            )
