"""Shapes of arrays: how they are written, read and combined.

A shape is a tuple of positive sizes, as NumPy has it: ``()`` for a scalar, ``(10,)`` for a
vector, ``(64, 10)`` for a matrix. People write them ``64x10`` (declarations in a program,
``--shape W1=64x10``) and read them in messages as ``(64, 10)``. Vectors are 1-D, as in NumPy:
``W x`` is a matrix times a vector, ``x' y`` their inner product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import SymdiffError

Shape = tuple[int, ...]
SCALAR: Shape = ()

# Sizes are bounded so that a typo (10000000x10000000) is refused before any memory is used.
MAX_ELEMENTS = 10**8
_SPEC = re.compile(r"\s*(?:scalar|\d+(?:\s*[x×,]\s*\d+)*|\(\s*\d*(?:\s*,\s*\d+)*\s*,?\s*\))\s*")


class ShapeError(SymdiffError):
    """Shapes that do not fit together, or a shape that cannot be read."""


def shape_text(shape: Shape) -> str:
    """How a message shows a shape: ``()``, ``(10,)``, ``(64, 10)``, as NumPy prints them."""
    return str(tuple(shape))


def size_text(shape: Shape) -> str:
    """How a declaration writes a shape: ``scalar``, ``10``, ``64x10``."""
    return "x".join(map(str, shape)) if shape else "scalar"


def kind(shape: Shape) -> str:
    """``scalar``, ``vector``, ``matrix`` or ``array`` (rank 3 and more), for messages."""
    return ("scalar", "vector", "matrix")[len(shape)] if len(shape) < 3 else "array"


def parse_shape(text: str, what: str = "shape") -> Shape:
    """``"64x10"``, ``"64, 10"``, ``"(64, 10)"``, ``"10"`` or ``"scalar"`` as a shape.

    Example:
        >>> parse_shape("64x10"), parse_shape("10"), parse_shape("scalar")
        ((64, 10), (10,), ())
    """
    if not isinstance(text, str) or not _SPEC.fullmatch(text):
        raise ShapeError(f"{what} {str(text)!r:.40} is not a shape; write sizes like 64x10 (a matrix), 10 or scalar")
    sizes = tuple(int(n) for n in re.findall(r"\d+", text))
    return checked_shape(sizes, what)


def checked_shape(value: Any, what: str = "shape") -> Shape:
    """A shape given through the API (a tuple or list of sizes, or an int), checked."""
    if isinstance(value, str):
        return parse_shape(value, what)
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, Sequence) or not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise ShapeError(f"{what} must be a tuple of sizes such as (64, 10), got {value!r:.40}")
    shape = tuple(value)
    if any(n < 1 for n in shape):
        raise ShapeError(f"{what} {shape_text(shape)}: every size must be at least 1")
    if len(shape) > 4:
        raise ShapeError(f"{what} {shape_text(shape)} has {len(shape)} axes; symdiff handles at most 4")
    elements = 1
    for n in shape:
        elements *= n
    if elements > MAX_ELEMENTS:
        raise ShapeError(f"{what} {shape_text(shape)} has {elements} elements, more than {MAX_ELEMENTS:,}")
    return shape


def checked_shapes(shapes: Mapping[str, Any] | None) -> dict[str, Shape]:
    """The ``shapes=`` argument of the API: variable name → shape."""
    if shapes is None:
        return {}
    if not isinstance(shapes, Mapping):
        raise ShapeError(f"shapes must be a dict of name → shape, e.g. {{'W': (64, 10)}}, got {type(shapes).__name__}")
    result = {}
    for name, value in shapes.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ShapeError(f"shapes: {name!r:.30} is not a variable name")
        result[name] = checked_shape(value, f"the shape of {name}")
    return result


def parse_shape_options(texts: Iterable[str]) -> dict[str, Shape]:
    """``--shape`` arguments (``W1=64x10,b1=64``, repeatable) as name → shape."""
    shapes: dict[str, Shape] = {}
    for text in texts:
        for item in re.split(r",(?=\s*[A-Za-z_])", text):
            name, sep, spec = item.partition("=")
            name = name.strip()
            if not sep or not name.isidentifier() or name.startswith("_"):
                raise ShapeError(f"--shape expects NAME=SIZES such as W1=64x10, got {item.strip()!r:.40}")
            if name in shapes:
                raise ShapeError(f"--shape gives {name} twice")
            shapes[name] = parse_shape(spec, f"--shape {name}")
    return shapes


def broadcast(a: Shape, b: Shape) -> Shape | None:
    """The shape NumPy broadcasting gives ``a`` and ``b`` together, or None when they do not broadcast."""
    result = []
    for k in range(1, max(len(a), len(b)) + 1):
        m = a[-k] if k <= len(a) else 1
        n = b[-k] if k <= len(b) else 1
        if m != n and 1 not in (m, n):
            return None
        result.append(max(m, n))
    return tuple(reversed(result))


def elements(shape: Shape) -> int:
    count = 1
    for n in shape:
        count *= n
    return count
