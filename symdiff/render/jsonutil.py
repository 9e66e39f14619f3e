"""JSON helpers shared by the renderers."""

from __future__ import annotations

import json
import math
from typing import Any


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
