"""Array programs: expressions over declared vectors and matrices, as a graph of tensors.

A program that declares shapes (``W1: 64x10``) is read into ``Tensor`` nodes rather than a
SymPy tree: SymPy's products commute, a matrix product does not, and a layer of width 4096
would be millions of scalar nodes. Each node applies one registry primitive (element-wise,
like ``relu``, or an array primitive, like ``matmul``) to earlier nodes, and knows its
declared shape. Nodes are immutable and compare by structure, so equal sub-expressions are
found and computed once.

A leading sample axis is not part of a declared shape: data given as an array with one more
axis than declared (256 samples of ``x: 10``) is a batch, evaluated sample by sample.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeAlias

import sympy as sp

from ..primitives import registry
from ..primitives.arrays import ArrayPrimitive
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape, ShapeError, broadcast, shape_text

Operation = Primitive | ArrayPrimitive


class Tensor:
    """One node of an array program: an input, a constant, or an operation on earlier nodes.

    Attributes:
        op: ``"input"``, ``"const"``, or the primitive applied.
        args: the nodes it reads.
        shape: its declared shape (``()`` for a scalar).
        name: an input's variable name.
        value: a constant's exact value (a SymPy number).
        literals: whole numbers that are part of the operation (an axis, an index).
    """

    __slots__ = ("_hash", "args", "literals", "name", "op", "shape", "value")

    def __init__(
        self,
        op: Operation | str,
        args: tuple[Tensor, ...] = (),
        shape: Shape = (),
        *,
        name: str = "",
        value: Any = None,
        literals: tuple[int, ...] = (),
    ):
        self.op = op
        self.args = args
        self.shape = shape
        self.name = name
        self.value = value
        self.literals = literals
        self._hash = hash((self.key, args))

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies the node apart from its arguments."""
        op = self.op if isinstance(self.op, str) else self.op.name
        return (op, self.shape, self.name, self.value, self.literals)

    @property
    def kind(self) -> str:
        return self.op if isinstance(self.op, str) else "op"

    @property
    def primitive(self) -> Operation:
        assert not isinstance(self.op, str), "inputs and constants apply no primitive"
        return self.op

    @property
    def elementwise(self) -> bool:
        return isinstance(self.op, Primitive)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Tensor) or self._hash != other._hash:
            return False
        return self.key == other.key and self.args == other.args

    def __repr__(self) -> str:
        from .array_printing import tensor_text

        return f"Tensor({tensor_text(self)}, shape={self.shape})"

    # Arithmetic builds element-wise nodes, so rules and macros read like the maths.
    def __add__(self, other: Operand) -> Tensor:
        return elementwise("add", self, lift(other))

    def __radd__(self, other: Operand) -> Tensor:
        return elementwise("add", lift(other), self)

    def __sub__(self, other: Operand) -> Tensor:
        return elementwise("sub", self, lift(other))

    def __rsub__(self, other: Operand) -> Tensor:
        return elementwise("sub", lift(other), self)

    def __mul__(self, other: Operand) -> Tensor:
        return elementwise("mul", self, lift(other))

    def __rmul__(self, other: Operand) -> Tensor:
        return elementwise("mul", lift(other), self)

    def __truediv__(self, other: Operand) -> Tensor:
        return elementwise("div", self, lift(other))

    def __rtruediv__(self, other: Operand) -> Tensor:
        return elementwise("div", lift(other), self)

    def __pow__(self, other: Operand) -> Tensor:
        return elementwise("pow", self, lift(other))

    def __rpow__(self, other: Operand) -> Tensor:
        return elementwise("pow", lift(other), self)

    def __neg__(self) -> Tensor:
        return elementwise("neg", self)

    def __matmul__(self, other: Tensor) -> Tensor:
        return array("matmul", self, other)


Operand: TypeAlias = "Tensor | int | float | sp.Expr"


def lift(value: Operand) -> Tensor:
    """A node as it is; a number as a constant node."""
    return value if isinstance(value, Tensor) else constant(value)


def variable(name: str, shape: Shape) -> Tensor:
    return Tensor("input", (), tuple(shape), name=name)


def constant(value: sp.Expr) -> Tensor:
    """A scalar constant, exact: 2, 1/2, pi."""
    return Tensor("const", (), (), value=sp.sympify(value))


def apply(op: Operation, args: Sequence[Tensor], literals: Sequence[int] = ()) -> Tensor:
    """The node applying ``op`` to ``args``, its shape checked (``ShapeError`` names both shapes)."""
    args = tuple(args)
    if isinstance(op, Primitive):
        shape: Shape = args[0].shape
        for arg in args[1:]:
            joined = broadcast(shape, arg.shape)
            if joined is None:
                raise ShapeError(f"{shape_text(shape)} and {shape_text(arg.shape)} do not broadcast together")
            shape = joined
    else:
        shape = op.shape(*(a.shape for a in args), *literals)
    return Tensor(op, args, shape, literals=tuple(literals))


def elementwise(name: str, *args: Tensor) -> Tensor:
    """A scalar primitive of the registry applied element by element, with broadcasting."""
    return apply(registry.primitive(name), args)


def array(name: str, *args: Tensor, literals: Sequence[int] = ()) -> Tensor:
    """An array primitive of the registry applied to ``args``."""
    return apply(registry.array_primitive(name), args, literals)


def builders() -> SimpleNamespace:
    """Every primitive as a function of nodes (``b.log(x)``, ``b.mean(x)``): what macros are written with."""
    table: dict[str, Any] = {}
    for p in registry.PRIMITIVES:
        table[p.name] = _elementwise_builder(p)
    for a in registry.ARRAY_PRIMITIVES:
        table[a.name] = _array_builder(a)
    return SimpleNamespace(**table)


def _elementwise_builder(p: Primitive) -> Any:
    return lambda *args: apply(p, [lift(a) for a in args])


def _array_builder(a: ArrayPrimitive) -> Any:
    return lambda *args: apply(a, [lift(x) for x in args[: a.arity]], args[a.arity :])


def postorder(*roots: Tensor) -> Iterator[Tensor]:
    """Each distinct node once, after all of its arguments (an explicit stack: no recursion)."""
    seen: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if node in seen:
            continue
        if expanded or not node.args:
            seen.add(node)
            yield node
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args) if a not in seen)


def inputs_of(*roots: Tensor) -> dict[str, Shape]:
    """The input variables the nodes read, name → declared shape."""
    return {n.name: n.shape for n in postorder(*roots) if n.kind == "input"}


@dataclass(frozen=True)
class ArrayDefinition:
    """One line ``name = expression`` of an array program; ``expression`` is the node it computes."""

    name: str
    expression: Tensor
    source: str


@dataclass(frozen=True)
class ArrayProgram:
    """A program over declared arrays: named definitions in order, the last one the output.

    Attributes:
        definitions: the lines; each line's node reads the nodes of the lines above it.
        shapes: every input's declared shape (scalars as ``()``), inputs in natural order.
        source: the text it was read from.
        declared: the shapes the text or the caller declared, including names not used.
    """

    definitions: tuple[ArrayDefinition, ...]
    shapes: Mapping[str, Shape]
    source: str = ""
    declared: Mapping[str, Shape] = field(default_factory=dict, repr=False)

    @property
    def output(self) -> ArrayDefinition:
        return self.definitions[-1]

    @property
    def expression(self) -> Tensor:
        """The output's node (it reads every line it needs)."""
        return self.output.expression

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.definitions)

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.shapes)

    def __str__(self) -> str:
        return "\n".join(f"{d.name} = {d.source}" for d in self.definitions)
