"""Straight-line Python for a graph: the forward sweep, then the reverse (adjoint) sweep.

The tape's fast path. The code is generated once per graph and backend, and is built only
from node indices, registry primitive names and float literals: user text never reaches
it. The derivative rules are the registry's own, run on ``Code`` values that print
themselves as Python, so the code computes exactly what the interpreter does::

    v2 = v0 * v1                 # forward
    v4 = v2 + v3
    g4 = 1.0                     # reverse: adjoints, last node first
    g2 = g4
    g3 = g4
    g0 = g2 * v1
    g1 = g2 * v0
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np

from ..primitives import registry
from .graph import Graph

CodeBackend = Literal["scalar", "numpy"]  # what the tape compiles and runs
SourceBackend = Literal["scalar", "numpy", "torch", "jax"]  # what it writes as source (Tape.to_source)
SOURCE_BACKENDS: tuple[SourceBackend, ...] = ("scalar", "numpy", "torch", "jax")
_FRAMEWORK_ARRAYS = {"torch": "torch", "jax": "jnp"}  # the module exported PyTorch and JAX code makes arrays with


# Python operator precedence, loosest first. Unary minus binds tighter than * but looser than **.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, "atom": 5}


class Code:
    """A Python expression under construction, with enough algebra to stay readable.

    Identities are folded away (``g*1`` is ``g``, ``x**1`` is ``x``) and operations on known
    numbers are computed, so a rule like ``e * b ** (e - 1)`` with ``e = 2`` emits ``2.0 * v1``.
    Parentheses follow Python's precedence but keep the evaluation order the rule wrote,
    because ``a * (b * c)`` and ``a * b * c`` differ in floating point.
    """

    __slots__ = ("depth", "negated", "precedence", "text")

    def __init__(self, text: str, precedence: int = _PRECEDENCE["atom"], negated: Code | None = None, depth: int = 0):
        self.text = text
        self.precedence = precedence
        self.negated = negated  # for -x: x, so that g - x can be written instead of g + (-x)
        self.depth = depth  # nesting, bounded so that Python's compiler never recurses too deep

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: Operand) -> Operand:
        return _binary(self, "+", other)

    def __radd__(self, other: Operand) -> Operand:
        return _binary(other, "+", self)

    def __sub__(self, other: Operand) -> Operand:
        return _binary(self, "-", other)

    def __rsub__(self, other: Operand) -> Operand:
        return _binary(other, "-", self)

    def __mul__(self, other: Operand) -> Operand:
        return _binary(self, "*", other)

    def __rmul__(self, other: Operand) -> Operand:
        return _binary(other, "*", self)

    def __truediv__(self, other: Operand) -> Operand:
        return _binary(self, "/", other)

    def __rtruediv__(self, other: Operand) -> Operand:
        return _binary(other, "/", self)

    def __pow__(self, other: Operand) -> Operand:
        if other == 2 and self.precedence == _PRECEDENCE["atom"]:
            return _operation(self, "*", self)  # v * v: cheaper than v ** 2.0 for floats and arrays alike
        return _binary(self, "**", other)

    def __rpow__(self, other: Operand) -> Operand:
        return _binary(other, "**", self)

    def __neg__(self) -> Code:
        if self.negated is not None:
            return self.negated
        return Code(f"-{_wrap(self, _PRECEDENCE['neg'])}", _PRECEDENCE["neg"], negated=self, depth=self.depth + 1)


Operand = Code | int | float


def literal(value: float) -> str:
    """A float as Python source that reads back exactly."""
    if math.isnan(value) or math.isinf(value):
        return f"float('{value}')"
    if value == int(value) and abs(value) < 1e16:
        return f"{int(value)}.0"
    return repr(value)


def _as_code(x: Operand) -> Code:
    if isinstance(x, Code):
        return x
    value = float(x)
    return Code(literal(value), _PRECEDENCE["neg"] if value < 0 else _PRECEDENCE["atom"])


def _wrap(x: Code, needed: int) -> str:
    return x.text if x.precedence >= needed else f"({x.text})"


def _binary(left: Operand, op: str, right: Operand) -> Operand:
    if not isinstance(left, Code) and not isinstance(right, Code):
        return _fold(left, op, right)
    if not isinstance(right, Code):
        if (right == 0 and op in "+-") or (right == 1 and op in ("*", "/", "**")):
            return left
        if right == -1 and op == "*":
            return -_as_code(left)
    if not isinstance(left, Code):
        if (left == 0 and op == "+") or (left == 1 and op == "*"):
            return right
        if left == -1 and op == "*":
            return -_as_code(right)
    if isinstance(right, Code) and right.negated is not None and op in "+-":
        return _binary(left, "-" if op == "+" else "+", right.negated)  # g + (-x) is g - x
    return _operation(left, op, right)


def _operation(left: Operand, op: str, right: Operand) -> Code:
    """``left op right`` as written, parenthesised as Python needs."""
    level = _PRECEDENCE[op]
    a, b = _as_code(left), _as_code(right)
    # ** groups to the right, everything else to the left: parenthesise the other side at equal level.
    left_text = _wrap(a, level + 1 if op == "**" else level)
    right_text = _wrap(b, level if op == "**" else level + 1)
    return Code(f"{left_text} {op} {right_text}", level, depth=1 + max(a.depth, b.depth))


def _call(name: str, args: Sequence[Operand]) -> Code:
    codes = [_as_code(a) for a in args]
    return Code(f"{name}({', '.join(c.text for c in codes)})", depth=1 + max((c.depth for c in codes), default=0))


def _fold(left: float, op: str, right: float) -> float:
    """An operation on two known numbers, with NumPy's inf/nan instead of exceptions."""
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "+": np.add,
        "-": np.subtract,
        "*": np.multiply,
        "/": np.divide,
        "**": np.power,
    }
    with np.errstate(all="ignore"):
        return float(operations[op](np.float64(left), np.float64(right)))


def _code_namespace(backend: SourceBackend) -> SimpleNamespace:
    """The ``m`` that rules see while generating code: calls become source text."""
    numbers = registry.NAMESPACES["scalar" if backend == "scalar" else "numpy"]  # frameworks fold as NumPy does

    def emitter(name: str) -> Callable[..., Operand]:
        def emit(*args: Operand) -> Operand:
            if not any(isinstance(a, Code) for a in args):
                try:  # all arguments known: compute now (log(2) becomes 0.693…)
                    return float(getattr(numbers, name)(*args))
                except (ArithmeticError, ValueError):
                    pass
            return _call(name, args)

        return emit

    names = {p.name: emitter(p.name) for p in registry.PRIMITIVES}
    return SimpleNamespace(**names, pi=math.pi, e=math.e)


# Deeper expressions are given a variable. Python's compiler recurses on nesting, and long
# chains of a + b + … read badly; 24 levels keep every line short and the compiler safe.
_MAX_DEPTH = 24
_NAME = re.compile(r"\bv(\d+)\b")


class _Lines:
    """The body of the generated function, and the naming of values worth a variable."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def bind(self, name: str, value: Operand) -> Code:
        self.lines.append(f"{name} = {_as_code(value).text}")
        return Code(name)

    def total(self, name: str, terms: Sequence[Operand]) -> Operand:
        """The sum of ``terms``, written to ``name`` in pieces when it grows deep."""
        result = terms[0]
        for term in terms[1:]:
            result = result + term
            if isinstance(result, Code) and result.depth > _MAX_DEPTH:
                result = self.bind(name, result)
        return result


def _value(graph: Graph, index: int) -> Operand:
    """How the backward sweep refers to a forward value: by its variable, or as a literal."""
    node = graph.nodes[index]
    return node.value if node.kind == "const" else Code(f"v{index}")


def active_nodes(graph: Graph) -> list[bool]:
    """Which nodes depend on an input (only they carry adjoints)."""
    active = [False] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):
        active[i] = node.kind == "input" or (node.kind == "op" and any(active[a] for a in node.args))
    return active


def _needed(graph: Graph) -> list[bool]:
    """Which nodes the output depends on (the others are not computed)."""
    needed = [False] * len(graph.nodes)
    needed[graph.output] = True
    for i in range(len(graph.nodes) - 1, -1, -1):
        if needed[i]:
            for a in graph.nodes[i].args:
                needed[a] = True
    return needed


def _forward(graph: Graph, needed: list[bool], keep: set[int], out: _Lines) -> Operand:
    """Forward lines; a value used once (and not by the backward sweep) is written inline."""
    uses = [0] * len(graph.nodes)
    for i in graph.operations:
        if needed[i]:
            for a in graph.nodes[i].args:
                uses[a] += 1
    values: list[Operand] = [_value(graph, i) for i in range(len(graph.nodes))]
    for i in graph.operations:
        if not needed[i]:
            continue
        op = graph.nodes[i].op
        assert op is not None
        args = [values[a] for a in graph.nodes[i].args]
        if op.infix and len(args) == 2:
            code = _operation(args[0], op.infix, args[1])
        elif op.infix:
            code = -_as_code(args[0])
        else:
            code = _call(op.name, args)
        inline = uses[i] == 1 and i not in keep and i != graph.output and code.depth <= _MAX_DEPTH
        values[i] = code if inline else out.bind(f"v{i}", code)
    return values[graph.output]


def _backward(graph: Graph, backend: SourceBackend, needed: list[bool], out: _Lines) -> list[Operand | None]:
    """Backward lines; returns each input's adjoint (None when the output does not depend on it).

    Adjoints are values, not variables, until they must be named: the seed is the literal 1,
    so through a sum it stays 1 and the adjoint of a product's factor is just the other
    factor. An adjoint gets a variable when it feeds two contributions or grows deep.
    """
    m = _code_namespace(backend)
    active = active_nodes(graph)
    values = [_value(graph, i) for i in range(len(graph.nodes))]
    pending: dict[int, list[Operand]] = {graph.output: [1.0]}
    for i in reversed(graph.operations):
        if i not in pending or not needed[i]:
            continue
        node = graph.nodes[i]
        assert node.op is not None
        adjoint = out.total(f"g{i}", pending.pop(i))
        targets = [(position, a) for position, a in enumerate(node.args) if active[a]]
        shared = len(targets) > 1 and adjoint.depth > 0 if isinstance(adjoint, Code) else False
        if isinstance(adjoint, Code) and (shared or adjoint.depth > _MAX_DEPTH):
            adjoint = out.bind(f"g{i}", adjoint)
        args = [values[a] for a in node.args]
        for position, a in targets:
            local = node.op.partials[position](m, *args, values[i])
            if isinstance(local, Code) or local != 0:
                pending.setdefault(a, []).append(adjoint * local)
    return [out.total(f"g{i}", pending[i]) if i in pending else None for i in graph.input_nodes]


def _input_adjoint(adjoint: Operand | None, parameter: str, backend: SourceBackend) -> str:
    """How the result writes one input's adjoint.

    An input the output does not depend on has none: 0.0 for floats, None to tell the NumPy
    caller to make zeros. PyTorch and JAX get arrays shaped like the input, also for a number
    (c in a*b + c has the adjoint 1), so that vmap and their own code can use every entry.
    """
    if isinstance(adjoint, Code):
        return adjoint.text
    if backend in _FRAMEWORK_ARRAYS:
        return f"{_FRAMEWORK_ARRAYS[backend]}.full_like({parameter}, {_as_code(adjoint or 0.0).text})"
    if adjoint is None:
        return "0.0" if backend == "scalar" else "None"
    return _as_code(adjoint).text


def generate(graph: Graph, backend: SourceBackend, with_gradient: bool) -> str:
    """Source of ``def f(v<input>…)`` returning the value, or (value, adjoints of the inputs)."""
    needed = _needed(graph)
    backward = _Lines()
    adjoints = _backward(graph, backend, needed, backward) if with_gradient else []
    keep = {int(k) for line in backward.lines for k in _NAME.findall(line)}
    keep |= {int(k) for a in adjoints if isinstance(a, Code) for k in _NAME.findall(a.text)}
    forward = _Lines()
    result = _as_code(_forward(graph, needed, keep, forward)).text
    parameters = [f"v{i}" for i in graph.input_nodes]
    if with_gradient:
        items = [_input_adjoint(a, v, backend) for a, v in zip(adjoints, parameters, strict=True)]
        result = f"{result}, ({', '.join(items)}{',' if len(items) == 1 else ''})"
    body = [*forward.lines, *backward.lines, f"return {result}"]
    if backend == "torch" and parameters:  # numbers become tensors, at the tape's precision
        names = ", ".join(parameters) + ("," if len(parameters) == 1 else "")
        body.insert(0, f"{names} = (torch.as_tensor(v, dtype=torch.float64) for v in ({names}))")
    name = "value_and_gradient" if with_gradient else "value"
    return f"def {name}({', '.join(parameters)}):\n" + "".join(f"    {line}\n" for line in body)


def compile_graph(graph: Graph, backend: CodeBackend, with_gradient: bool) -> Callable[..., Any]:
    """The generated function, compiled. Its namespace holds only registry implementations."""
    source = generate(graph, backend, with_gradient)
    namespace: dict[str, Any] = {p.name: p.implementation(backend) for p in registry.PRIMITIVES}
    namespace["__builtins__"] = {"float": float}
    code = compile(source, f"<symdiff tape, {backend}>", "exec")
    exec(code, namespace)  # generated from node indices and registry names only, never user text
    function: Callable[..., Any] = namespace["value_and_gradient" if with_gradient else "value"]
    return function
