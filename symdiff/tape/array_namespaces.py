"""The names generated array code runs with: NumPy for the tape, mpmath for the reference, SymPy for expansions.

Generated code calls each primitive by its registry name (``relu(v3)``) and reads constants
as ``c<i>``; binding those names is all it takes to run the same forward code on floats, on
arrays of mpmath numbers at the current precision, or on arrays of SymPy expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp

from ..primitives import registry
from .interpret import strong_product, undefined_is_nan
from .reference import to_mpf


def _object_function(f: Callable[..., Any], arity: int) -> Callable[..., Any]:
    """``f`` applied element by element to arrays of Python objects (mpmath numbers, SymPy expressions)."""
    ufunc = np.frompyfunc(f, arity, 1)
    return lambda *args: ufunc(*args)


def _numpy_shift(x: Any) -> Any:
    return np.max(x, axis=-1)


def _no_shift(x: Any) -> Any:
    return np.zeros(np.shape(x)[:-1], dtype=object) + sp.S.Zero


def build(kind: str, constants: Mapping[str, Any]) -> dict[str, Any]:
    """``kind``: "numpy" (float64 arrays), "mpmath" (object arrays at the current mpmath precision) or "sympy"."""
    scope: dict[str, Any] = {"np": np, "__builtins__": {"float": float}}
    for p in registry.PRIMITIVES:
        if kind == "numpy":
            scope[p.name] = p.implementation("numpy")
        elif kind == "mpmath":
            scope[p.name] = _object_function(p.mpmath, p.arity)
        else:
            scope[p.name] = _object_function(p.sympy, p.arity)
        if p.domain is not None:
            scope[f"domain_{p.name}"] = p.domain
    scope["shift"] = _no_shift if kind == "sympy" else _numpy_shift
    scope["strong"] = strong_product
    scope["undefined_is_nan"] = undefined_is_nan
    for name, value in constants.items():
        if kind == "numpy":
            scope[name] = float(value)
        elif kind == "mpmath":
            scope[name] = to_mpf(value)
        else:
            scope[name] = value
    return scope
