"""JSON helpers shared by the renderers."""

from __future__ import annotations

import json
import math
from typing import Any

import sympy as sp

from ..language.dag import printable, tree_size
from ..language.printing import to_latex, to_text


def number(value: float) -> float | str:
    """A float for JSON: non-finite values become the strings "nan", "inf", "-inf"."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def dumps(data: Any) -> str:
    """Strict JSON (no NaN/Infinity literals), indented for people."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def formula_data(expr: sp.Basic) -> dict[str, Any]:
    """A formula's JSON keys, text and LaTeX: both null, with the size, when it is too long to write out."""
    if not printable(expr):
        return {"expression": None, "latex": None, "written_size": tree_size(expr)}
    return {"expression": to_text(expr), "latex": to_latex(expr)}


# An array larger than this is written as its shape and a summary, not element by element.
ARRAY_ELEMENTS = 10_000


def value(x: Any) -> Any:
    """A number or an array for JSON: arrays as nested lists (non-finite elements as strings)."""
    import numpy as np  # only arrays need it: printing a symbolic derivative loads no NumPy

    array = np.asarray(x)
    if array.ndim == 0:
        return number(float(array[()]))
    if array.size > ARRAY_ELEMENTS:
        finite = array[np.isfinite(array)]
        summary = {"min": number(finite.min()), "max": number(finite.max())} if finite.size else {}
        return {"shape": list(array.shape), **summary}
    return [value(item) for item in array]
