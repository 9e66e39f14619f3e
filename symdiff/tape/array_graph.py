"""An array program as a tape: its tensor nodes in evaluation order, named for listings.

Each node of the tape is a whole tensor (``v2 = W1 @ x``, shape (64,)), not one scalar, so a
layer costs a few lines however wide it is. Equal sub-expressions are one node (tensors
compare by structure); a program's lines name the nodes they compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..language.array_printing import tensor_text
from ..language.arrays import ArrayProgram, Tensor, postorder
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape


@dataclass(frozen=True)
class ArrayGraph:
    """Tensor nodes in evaluation order; every node's arguments come before it.

    Attributes:
        nodes: the tape.
        inputs: input names in natural order (the order of gradients).
        input_nodes: the node index of each input.
        output: the index of the output node.
        labels: how a listing names each node: program names, inputs, v1, v2, … for the rest.
    """

    nodes: tuple[Tensor, ...]
    inputs: tuple[str, ...]
    input_nodes: tuple[int, ...]
    output: int
    labels: tuple[str, ...]

    def label(self, index: int) -> str:
        return self.labels[index]

    def arguments(self, index: int) -> tuple[int, ...]:
        return tuple(self.index(a) for a in self.nodes[index].args)

    def display(self, index: int) -> str:
        """The operation's symbol for a drawing (``@``, ``ReLU``, ``ᵀ``)."""
        op = self.nodes[index].primitive
        return op.display if isinstance(op, Primitive) else op.symbol or op.name

    def index(self, node: Tensor) -> int:
        return self._positions[node]

    @property
    def _positions(self) -> dict[Tensor, int]:
        positions = self.__dict__.get("_position_table")
        if positions is None:
            positions = {n: i for i, n in enumerate(self.nodes)}
            object.__setattr__(self, "_position_table", positions)
        return positions

    def shape(self, index: int) -> Shape:
        return self.nodes[index].shape

    @property
    def operations(self) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if n.kind == "op"]

    def equation(self, index: int) -> str:
        """The node as a line of a listing: ``v1 = W1 @ x``, ``h = relu(v2)``."""
        node = self.nodes[index]
        if node.kind != "op":
            return self.labels[index]
        names = {n: self.labels[k] for k, n in enumerate(self.nodes) if k != index}
        return f"{self.labels[index]} = {tensor_text(node, names)}"


def lower_program(program: ArrayProgram) -> ArrayGraph:
    """The tape of an array program: the nodes its output reads, inputs first."""
    output = program.expression
    ordered = list(postorder(output))
    inputs = [n for n in ordered if n.kind == "input"]
    by_name = {n.name: n for n in inputs}
    input_nodes = [by_name[name] for name in program.inputs]
    rest = [n for n in ordered if n.kind != "input"]
    nodes = tuple(input_nodes + rest)
    names: dict[Tensor, str] = {}
    for d in program.definitions:
        if d.expression.kind == "op":
            names.setdefault(d.expression, d.name)
    labels, count = [], 0
    taken = set(names.values()) | set(program.inputs)
    for node in nodes:
        if node.kind == "input":
            labels.append(node.name)
        elif node.kind == "const":
            labels.append(tensor_text(node))
        elif node in names:
            labels.append(names[node])
        else:
            count += 1
            while f"v{count}" in taken:
                count += 1
            labels.append(f"v{count}")
    return ArrayGraph(nodes, program.inputs, tuple(range(len(input_nodes))), len(nodes) - 1, tuple(labels))


def is_elementwise(node: Tensor) -> bool:
    return isinstance(node.op, Primitive)
