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
