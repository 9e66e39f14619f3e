"""An array program written out element by element: one SymPy expression in one symbol per element.

``W: 2x2; x: 2; L = sum(W x)`` becomes ``W_0_0*x_0 + W_0_1*x_1 + W_1_0*x_0 + W_1_1*x_1``. The
tape's own forward code produces it, run on arrays of SymPy symbols instead of floats, so the
scalar machinery (``sympy.diff``, the scalar tape, the mpmath reference) can check the array
machinery on small shapes: their derivative rules were written independently.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import LimitError
from ..language.arrays import ArrayProgram
from ..language.parser import symbol
from ..primitives.shapes import elements
from .array_code import compile_array
from .array_graph import lower_program

# Written out, a program is one expression per element of its output: a limit keeps it small.
MAX_ELEMENTS = 2_000


@dataclass(frozen=True)
class Expansion:
    """The element-wise form of an array program.

    Attributes:
        expression: the output (a scalar program's value; for an array output, its elements' sum).
        symbols: each input's array of element symbols, shaped like the input.
        elements: the output's elements, shaped like the output (a 0-d array for a scalar).
    """

    expression: sp.Expr
    symbols: dict[str, np.ndarray]
    elements: np.ndarray

    def point(self, values: dict[str, object]) -> dict[str, float]:
        """A point for the expansion: each element symbol's value from the arrays at an array point."""
        point: dict[str, float] = {}
        for name, symbols in self.symbols.items():
            array = np.broadcast_to(np.asarray(values[name], dtype=float), symbols.shape)
            for index in itertools.product(*map(range, symbols.shape)):
                point[symbols[index].name] = float(array[index])
        return point

    def element_name(self, name: str, index: tuple[int, ...]) -> str:
        return str(self.symbols[name][index].name)


def element_symbols(name: str, shape: tuple[int, ...], taken: set[str]) -> np.ndarray:
    """``W_0_0``, ``W_0_1``, … shaped like the input (a scalar keeps its own name)."""
    if not shape:
        return np.array(symbol(name), dtype=object)
    array = np.empty(shape, dtype=object)
    for index in itertools.product(*map(range, shape)):
        element = "_".join([name, *map(str, index)])
        while element in taken:
            element += "_"
        array[index] = symbol(element)
    return array


def expand(program: ArrayProgram, *, max_elements: int = MAX_ELEMENTS) -> Expansion:
    """The program written out element by element (small shapes only).

    Example:
        >>> from symdiff.language.parser import parse_program
        >>> expand(parse_program("W: 2x2; x: 2; L = sum(W x)")).expression
        W_0_0*x_0 + W_0_1*x_1 + W_1_0*x_0 + W_1_1*x_1
    """
    size = sum(elements(shape) for shape in program.shapes.values())
    if size > max_elements:
        raise LimitError(f"writing the program out element by element needs {size} symbols, more than {max_elements}")
    graph = lower_program(program)
    taken = set(program.shapes)
    symbols = {name: element_symbols(name, shape, taken) for name, shape in program.shapes.items()}
    forward = compile_array(graph, [False] * len(graph.inputs), "sympy", gradient=False)
    with np.errstate(all="ignore"):
        out = forward(*(symbols[name] for name in graph.inputs))
    # The code writes numbers as floats (2.0, 0.5), always exact binary fractions: as the fractions they are.
    parts = np.empty(np.shape(out), dtype=object)
    for index, value in np.ndenumerate(np.asarray(out, dtype=object)):
        value = sp.sympify(value)
        exact = {f: sp.Rational(f) for f in value.atoms(sp.Float)}
        parts[index] = value.xreplace(exact) if exact else value
    return Expansion(sp.Add(*parts.ravel()) if parts.ndim else parts[()], symbols, parts)
