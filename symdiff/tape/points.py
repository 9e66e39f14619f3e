"""Points at which to evaluate: checking names and turning values into numbers or arrays."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ..errors import EvaluationError, ParseError, describe
from ..language.lexer import shortened
from ..language.parser import parse, variable_names
from ..language.symbols import key_of
from ..limits import DEFAULT_LIMITS, Limits

# Values of these types take the tape's float fast path (Python's math module).
SCALAR_TYPES = frozenset({float, int, np.float64})


def checked_point(at: Any) -> dict[str, Any]:
    """A point as a dict from variable name to value: the one check every function that takes a point makes.

    Keys may be names, SymPy symbols or elements (their names are used, ``A[0, 0]``); anything else is an error.
    """
    if not isinstance(at, Mapping):
        raise EvaluationError(f"a point is a dict of variable values, got {describe(at)}")
    point: dict[str, Any] = {}
    for key, value in at.items():
        name = key_of(key) if isinstance(key, sp.Basic) else key
        if not isinstance(name, str):
            raise EvaluationError(f"a point names each variable as text, got the key {describe(key)}")
        if name in point:
            raise EvaluationError(f"the point gives {name} twice")
        point[name] = value
    return point


def real_number(name: str, value: Any) -> float:
    """A coordinate as a float: a real number (SymPy numbers evaluated), never a bool or a complex."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, sp.Basic)):
        raise EvaluationError(f"the value of {name} must be a real number, got {describe(value)}")
    if isinstance(value, sp.Basic):
        if not value.is_number or value.is_extended_real is False or value is sp.nan:
            raise EvaluationError(f"the value of {name} must be a real number, got {describe(value)}")
        value = sp.N(value, 20)
    try:
        return float(value)
    except OverflowError:
        raise EvaluationError(f"the value of {name}, {describe(value)}, is beyond the range of float64") from None
    except (TypeError, ValueError):
        raise EvaluationError(f"the value of {name} must be a real number, got {describe(value)}") from None


def merge(point: Mapping[str, Any] | None, values: dict[str, Any]) -> Mapping[str, Any]:
    """A point given as a dict, as keyword arguments, or both."""
    if point is None:
        return values
    if not values and type(point) is dict and all(type(k) is str for k in point):
        return point
    point = checked_point(point)
    twice = sorted(set(point) & set(values), key=str)
    if twice:
        names = ", ".join(map(str, twice))
        raise EvaluationError(f"{names} given both in the dict and as a keyword; give each value once")
    return {**point, **values}


def ordered_values(variables: Sequence[str], point: Mapping[str, Any]) -> list[Any]:
    """The values of ``variables`` in order; names missing or unknown are an error naming them."""
    point = checked_point(point)
    if point.keys() != set(variables):
        missing = [v for v in variables if v not in point]
        extra = sorted(k for k in point if k not in set(variables))
        known = ", ".join(variables) or "none"
        problems = [f"missing a value for {', '.join(missing)}"] if missing else []
        if extra:
            verb = "does" if len(extra) == 1 else "do"
            problems.append(f"{', '.join(map(str, extra))} {verb} not occur in the expression")
        whose = "the expression's" if missing else "its"  # "its" reads right only after the extra names
        raise EvaluationError(f"{'; '.join(problems)} ({whose} variables: {known})")
    return [point[v] for v in variables]


def as_floats(values: Sequence[Any]) -> Sequence[float] | None:
    """The values as floats when every one is a plain real number (the fast path), else None."""
    kinds = set(map(type, values))
    if kinds <= {float}:
        return values
    if not kinds <= SCALAR_TYPES:
        return None
    try:
        return list(map(float, values))
    except OverflowError:  # an int beyond float64
        raise EvaluationError(f"a value is beyond the range of float64: {describe(max(values, key=abs))}") from None


def as_arrays(variables: Sequence[str], values: Sequence[Any]) -> list[np.ndarray]:
    """NumPy arrays of one common dtype: complex if any input is, float32 if all are, else float64."""
    arrays = []
    for name, value in zip(variables, values, strict=True):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError, OverflowError) as error:
            raise EvaluationError(f"the value of {name} is not a number or an array of numbers ({error})") from None
        if array.dtype.kind not in "iufc":  # not "b": True is not a number here
            raise EvaluationError(f"the value of {name} must be a number or an array of numbers, got {describe(value)}")
        arrays.append(array)
    if any(a.dtype.kind == "c" for a in arrays):
        dtype: Any = np.complex128
    elif arrays and all(a.dtype == np.float32 for a in arrays):
        dtype = np.float32
    else:
        dtype = np.float64
    converted = [a.astype(dtype, copy=False) for a in arrays]
    try:
        np.broadcast_shapes(*(a.shape for a in converted))
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(variables, converted, strict=True))
        raise EvaluationError(f"the values' shapes do not broadcast together: {shapes}") from None
    return converted


_ASSIGNMENT_START = re.compile(r",(?=\s*[A-Za-z_][A-Za-z0-9_]*\s*=)")


def parse_point(texts: Sequence[str], *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """``--at`` arguments (``a=2,b=-3``, repeatable) as exact values: ``x=pi/4`` stays π/4.

    Values are read by symdiff's own parser and must be numbers without variables; a vector
    or matrix is a list of them, ``x=[1, 2, 3]`` or ``W=[[1, 2], [3, 4]]`` (a float64 array).

    Example:
        >>> parse_point(["a=2,b=-3", "x=pi/4"])
        {'a': 2, 'b': -3, 'x': pi/4}
        >>> parse_point(["W=[[1, 2], [3, 4.5]]"])["W"]
        array([[1. , 2. ],
               [3. , 4.5]])
    """
    point: dict[str, Any] = {}
    for text in texts:
        for assignment in _ASSIGNMENT_START.split(text):
            name, value = _assignment(assignment.strip())
            if name in point:
                raise EvaluationError(f"--at gives {name} twice")
            point[name] = _array(name, value, limits) if value.startswith("[") else _number(name, value, limits)
    return point


def _array(name: str, text: str, limits: Limits) -> np.ndarray:
    """A nested list of numbers as a float64 array; each number read by the parser."""
    nested, rest = _list(name, text, limits)
    if rest.strip():
        raise EvaluationError(f"--at {name}: unexpected {rest.strip()[:20]!r} after the closing ']'")
    try:
        return np.array(nested, dtype=float)
    except ValueError:
        raise EvaluationError(f"--at {name}: the rows of the array have different lengths") from None


def _list(name: str, text: str, limits: Limits, depth: int = 1) -> tuple[list[Any], str]:
    """The list at the start of ``text`` (which starts with '['), and the text after it."""
    if depth > 4:
        raise EvaluationError(f"--at {name}: lists nested more than 4 deep (arrays have at most 4 axes)")
    items: list[Any] = []
    rest = text[1:].lstrip()
    while True:
        if rest.startswith("]"):
            if not items:
                raise EvaluationError(f"--at {name}: an empty list is not a value")
            return items, rest[1:]
        item: Any
        if rest.startswith("["):
            item, rest = _list(name, rest, limits, depth + 1)
        else:
            end = min((k for k in (rest.find(","), rest.find("]")) if k >= 0), default=-1)
            if end < 0:
                raise EvaluationError(f"--at {name}: '[' is never closed")
            item, rest = float(sp.N(_number(name, rest[:end].strip(), limits), 20)), rest[end:]
        items.append(item)
        rest = rest.lstrip()
        if rest.startswith(","):
            rest = rest[1:].lstrip()
        elif not rest.startswith("]"):
            raise EvaluationError(f"--at {name}: expected ',' or ']' in the list")


def _assignment(text: str) -> tuple[str, str]:
    shown = repr(shortened(text))  # an --at of a million digits is not echoed whole
    if text.count("=") != 1:
        problem = "needs NAME=VALUE" if "=" not in text else "has more than one '='"
        raise EvaluationError(f"--at {shown} {problem}, e.g. --at a=2,b=-3")
    name, value = (part.strip() for part in text.split("="))
    if not name:
        raise EvaluationError(f"--at {shown} has no variable name before '='")
    if not name.isidentifier() or name.startswith("_"):
        raise EvaluationError(f"--at {shown}: {shortened(name)!r} is not a variable name")
    if not value:
        raise EvaluationError(f"--at {shown} has no value for {name}")
    return name, value


def _number(name: str, text: str, limits: Limits) -> sp.Expr:
    try:
        value = parse(text, limits=limits)
    except ParseError as error:
        raise EvaluationError(f"--at {name}={shortened(text)}: {error.reason}") from None
    if value.free_symbols:
        names = ", ".join(sorted(map(str, value.free_symbols)))
        raise EvaluationError(
            f"--at {name}={shortened(text)}: the value must be a number, not an expression in {names}"
        )
    return value


def random_point(source: Any, given: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """``given``, with every other variable of ``source`` drawn from a standard normal (``--random SEED``).

    Arrays get their declared shapes; the draws depend only on the seed and the variables' order.
    """
    from ..language.arrays import ArrayProgram

    if isinstance(source, ArrayProgram):
        shapes = dict(source.shapes)
    else:
        shapes = dict.fromkeys(variable_names(source.expression), ())
    rng = np.random.default_rng(seed)
    point = dict(given)
    for name, shape in shapes.items():
        value = rng.standard_normal(shape)
        if name not in point:
            point[name] = value if shape else float(value)
    return point
