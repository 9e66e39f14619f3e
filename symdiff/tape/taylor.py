"""Taylor mode: every derivative of f along one variable, from one forward sweep over the graph.

Each node carries the Taylor coefficients of its value as the variable moves, t ↦ Σ cₖ tᵏ;
the k-th derivative of the output is k!·cₖ. Sums add coefficients, products convolve them,
quotients divide them out. Every other primitive is differentiated by its registry rule, the
same rule the tape uses: for y = φ(a, b, …), y′ = Σᵢ ∂ᵢφ·aᵢ′, so

    yₖ = (1/k) Σᵢ Σⱼ₌₁ᵏ j·(aᵢ)ⱼ·(∂ᵢφ)ₖ₋ⱼ,

where ∂ᵢφ (``cos(u)`` for ``sin(u)``, ``1 - out²`` for ``tanh``) is itself a series, built by
running the rule on series, and only its coefficients below k are needed. The cost is the
graph's size times k², where differentiating a formula again and again grows it several times
with every order (the tenth derivative of tanh(tanh(tanh(x))) has a tree of 10⁸ nodes).

The coefficients are one kind of number (``Numbers``): mpmath numbers at the working precision
(the reference), floats, or SymPy expressions (``symbolic.higher`` names each one, so the k-th
derivative is a short list of shared definitions).

Undefined stays undefined: a node whose value is nan has nan coefficients, so the derivative
of log(x) at x = -1 is nan, not the -1 that the formula 1/x gives there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import mpmath

from ..primitives import registry
from ..primitives.lazy import numpy_module
from ..primitives.primitive import Primitive
from . import reference
from .graph import Graph

if TYPE_CHECKING:
    import numpy as np
else:
    np = numpy_module()  # imported on first use: symbolic higher derivatives (SymPy numbers) need no NumPy

_BY_INFIX = {p.infix: p for p in registry.PRIMITIVES if p.infix and p.arity == 2}
_POW = registry.primitive("pow")
_NEG = registry.primitive("neg")
_DIV = registry.primitive("div")


class _Zero:
    """A coefficient known to be exactly 0 (of a constant, past its value): terms with it are skipped."""

    def __repr__(self) -> str:
        return "ZERO"


ZERO: Any = _Zero()


class Numbers:
    """The kind of number the coefficients are: how to make one, and how to apply a primitive."""

    constants: Mapping[str, Any] = {}

    def number(self, value: Any) -> Any:
        return value

    def apply(self, op: Primitive, args: Sequence[Any]) -> Any:
        raise NotImplementedError

    def is_nan(self, value: Any) -> bool:
        return False

    def divide(self, x: Any, y: Any) -> Any:
        return x / y

    def coefficient(self, value: Any) -> Any:
        """A coefficient as it is kept (the symbolic kind names it)."""
        return value

    def plain(self, value: Any) -> Any:
        """A coefficient as the caller sees it (``ZERO`` as this kind's 0)."""
        return self.number(0) if value is ZERO else value


class MpmathNumbers(Numbers):
    """mpmath numbers at the working precision, as the reference computes them (nan outside the reals)."""

    def __init__(self) -> None:
        self.constants = {"pi": mpmath.mp.pi, "e": mpmath.mp.e}

    def number(self, value: Any) -> Any:
        return value if isinstance(value, mpmath.mpf) else reference.to_mpf(value)

    def apply(self, op: Primitive, args: Sequence[Any]) -> Any:
        return reference.bounded(reference.apply(op, args))

    def is_nan(self, value: Any) -> bool:
        return bool(mpmath.isnan(value))

    def coefficient(self, value: Any) -> Any:
        return value if value is ZERO else reference.bounded(value)  # exp(exp(exp(10))) is inf, as in the reference

    def divide(self, x: Any, y: Any) -> Any:
        return reference.apply(_DIV, [x, y])  # 1/0 is a signed infinity, 0/0 nan, as in floats


class FloatNumbers(Numbers):
    """float64 (or arrays of them, point by point), with NumPy's inf and nan instead of exceptions."""

    def __init__(self) -> None:
        self.constants = {"pi": math.pi, "e": math.e}

    def number(self, value: Any) -> Any:
        return np.asarray(value, dtype=float)[()]

    def divide(self, x: Any, y: Any) -> Any:
        return np.divide(x, y)

    def apply(self, op: Primitive, args: Sequence[Any]) -> Any:
        return np.asarray(op.numpy(*(np.asarray(a, dtype=float) for a in args)), dtype=float)[()]

    def is_nan(self, value: Any) -> bool:
        return bool(np.all(np.isnan(value)))


Rule = Callable[["Series", int], Any]


class Series:
    """The Taylor coefficients of one value, each computed once, in order, when first asked for."""

    __slots__ = ("coefficients", "engine", "rule")

    def __init__(self, engine: Engine, first: Any, rule: Rule | None):
        self.engine = engine
        self.coefficients = [first]
        self.rule = rule  # coefficient k from the lower ones; None: a constant

    @property
    def constant(self) -> bool:
        return self.rule is None

    def __getitem__(self, k: int) -> Any:
        coefficients = self.coefficients
        while len(coefficients) <= k:
            if self.rule is None:
                return ZERO
            coefficients.append(self.engine.numbers.coefficient(self.rule(self, len(coefficients))))
        return coefficients[k]

    def __eq__(self, other: object) -> bool:
        """A constant series equals its number (a rule may ask whether its argument is exactly 0)."""
        if isinstance(other, (int, float)) and self.rule is None:
            return bool(self.coefficients[0] == other)
        return self is other

    __hash__ = object.__hash__

    # Rules are written with Python's operators: on series they apply the registry's arithmetic.
    def __add__(self, other: Any) -> Series:
        return self.engine.binary("+", self, other)

    def __radd__(self, other: Any) -> Series:
        return self.engine.binary("+", other, self)

    def __sub__(self, other: Any) -> Series:
        return self.engine.binary("-", self, other)

    def __rsub__(self, other: Any) -> Series:
        return self.engine.binary("-", other, self)

    def __mul__(self, other: Any) -> Series:
        return self.engine.binary("*", self, other)

    def __rmul__(self, other: Any) -> Series:
        return self.engine.binary("*", other, self)

    def __truediv__(self, other: Any) -> Series:
        return self.engine.binary("/", self, other)

    def __rtruediv__(self, other: Any) -> Series:
        return self.engine.binary("/", other, self)

    def __pow__(self, other: Any) -> Series:
        return self.engine.apply(_POW, [self, other])

    def __rpow__(self, other: Any) -> Series:
        return self.engine.apply(_POW, [other, self])

    def __neg__(self) -> Series:
        return self.engine.apply(_NEG, [self])


class Engine:
    """Series of primitives applied to series, each built once per primitive and arguments."""

    def __init__(self, numbers: Numbers):
        self.numbers = numbers
        self._built: dict[tuple[Any, ...], Series] = {}
        self._constants: dict[Any, Series] = {}
        calls = {p.name: self._caller(p) for p in registry.PRIMITIVES}
        self.namespace = SimpleNamespace(**calls, **numbers.constants)  # the ``m`` the rules see

    def constant(self, value: Any) -> Series:
        value = self.numbers.number(value)
        try:
            key = (type(value), value)
            found = self._constants.get(key)
        except TypeError:  # unhashable: not shared
            return Series(self, value, None)
        if found is None or self.numbers.is_nan(value):
            found = self._constants[key] = Series(self, value, None)
        return found

    def variable(self, value: Any) -> Series:
        one = self.numbers.number(1)
        return Series(self, self.numbers.number(value), lambda series, k: one if k == 1 else ZERO)

    def series(self, x: Any) -> Series:
        return x if isinstance(x, Series) else self.constant(x)

    def _caller(self, op: Primitive) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            if not any(isinstance(a, Series) for a in args):  # a constant: fold it
                return self.numbers.apply(op, [self.numbers.number(a) for a in args])
            return self.apply(op, list(args))

        return call

    def binary(self, infix: str, a: Any, b: Any) -> Series:
        return self.apply(_BY_INFIX[infix], [a, b])

    def apply(self, op: Primitive, args: Sequence[Any]) -> Series:
        """The series of op(args); the same primitive on the same series gives the same series."""
        series = [self.series(a) for a in args]
        key = (op.name, *(id(s) for s in series))
        found = self._built.get(key)
        if found is not None:
            return found
        first = self.numbers.apply(op, [self.numbers.plain(s[0]) for s in series])
        if all(s.constant for s in series):
            result = self.constant(first)
        elif self.numbers.is_nan(first):
            result = Series(self, first, lambda series, k: first)  # undefined here: so is every derivative
        else:
            result = Series(self, self.numbers.coefficient(first), _rule(self, op, series))
        self._built[key] = result
        return result

    def of_graph(self, graph: Graph, inputs: Mapping[str, Series]) -> list[Series]:
        """The series of every node of ``graph``, given each input's."""
        result: list[Series] = []
        for i, node in enumerate(graph.nodes):
            if node.kind == "input":
                result.append(inputs[node.name])
            elif node.kind == "const":
                result.append(self.constant(self._constant(graph, i)))
            else:
                assert node.op is not None
                result.append(self.apply(node.op, [result[a] for a in node.args]))
        return result

    def _constant(self, graph: Graph, index: int) -> Any:
        if isinstance(self.numbers, MpmathNumbers):
            return reference.constant(graph, index)
        expr = graph.expressions[index]
        return graph.nodes[index].value if isinstance(self.numbers, FloatNumbers) or expr is None else expr


def _plus(x: Any, y: Any) -> Any:
    if x is ZERO:
        return y
    return x if y is ZERO else x + y


def _minus(x: Any) -> Any:
    return x if x is ZERO else -x


def _times(x: Any, y: Any) -> Any:
    return ZERO if x is ZERO or y is ZERO else x * y


def _sum(terms: Sequence[Any]) -> Any:
    total = ZERO
    for term in terms:
        total = _plus(total, term)
    return total


def _rule(engine: Engine, op: Primitive, args: list[Series]) -> Rule:
    """How coefficient k of op(args) follows from the lower ones."""
    if op is _NEG:
        a = args[0]
        return lambda series, k: _minus(a[k])
    if op.arity == 2 and op.infix in ("+", "-", "*", "/"):
        a, b = args
        if op.infix == "+":
            return lambda series, k: _plus(a[k], b[k])
        if op.infix == "-":
            return lambda series, k: _plus(a[k], _minus(b[k]))
        if op.infix == "*":
            return lambda series, k: _sum([_times(a[j], b[k - j]) for j in range(k + 1)])
        # y = a/b, so b·y = a: yₖ = (aₖ - Σⱼ₌₁ᵏ bⱼ·yₖ₋ⱼ)/b₀
        divide = engine.numbers.divide
        return lambda series, k: _divided(
            divide, _plus(a[k], _minus(_sum([_times(b[j], series[k - j]) for j in range(1, k + 1)]))), b[0]
        )
    return _chained(engine, op, args)


def _divided(divide: Callable[[Any, Any], Any], x: Any, y: Any) -> Any:
    return ZERO if x is ZERO else divide(x, y)


def _chained(engine: Engine, op: Primitive, args: list[Series]) -> Rule:
    """yₖ = (1/k) Σᵢ Σⱼ₌₁ᵏ j·(aᵢ)ⱼ·(∂ᵢφ)ₖ₋ⱼ, each ∂ᵢφ the registry's rule run on series (once, on first use)."""
    partials: list[Series | None] = []

    def coefficient(series: Series, k: int) -> Any:
        if not partials:
            for i, a in enumerate(args):
                local = op.partials[i](engine.namespace, *args, series) if not a.constant else 0
                literal_zero = not isinstance(local, Series) and isinstance(local, (int, float)) and local == 0
                partials.append(None if literal_zero else engine.series(local))
        terms = []
        for a, partial in zip(args, partials, strict=True):
            if partial is not None:
                terms += [
                    _times(_times(a[j], partial[k - j]), j) if j > 1 else _times(a[j], partial[k - j])
                    for j in range(1, k + 1)
                ]
        return _divided(engine.numbers.divide, _sum(terms), k) if k > 1 else _sum(terms)

    return coefficient


def derivatives(graph: Graph, point: Mapping[str, Any], variable: str, order: int, numbers: Numbers) -> list[Any]:
    """f and its first ``order`` derivatives along ``variable`` at ``point``: [f, f′, f″, …]."""
    engine = Engine(numbers)
    inputs = {n: engine.variable(point[n]) if n == variable else engine.constant(point[n]) for n in graph.inputs}
    with np.errstate(all="ignore"):
        nodes = engine.of_graph(graph, inputs)
        for k in range(1, order + 1):  # order by order along the graph: the recursion stays as deep as the order
            for series in nodes:
                series[k]
    output = nodes[graph.output]
    return [numbers.plain(output[k]) * math.factorial(k) if k else numbers.plain(output[0]) for k in range(order + 1)]
