"""The registry's NumPy implementations by their registry names, for exported code.

Code that ``SymbolicGradient.to_source()`` writes starts with ``from symdiff.numeric import
tanh, …``: the same functions the tape runs on arrays (``sigmoid``, ``relu``, ``heaviside``
with symdiff's conventions), plus the constants ``pi`` and ``e``.

    >>> from symdiff.numeric import sigmoid
    >>> float(sigmoid(0.0))
    0.5
"""

from __future__ import annotations

from typing import Any

from .registry import NAMESPACES


def __getattr__(name: str) -> Any:
    try:
        return getattr(NAMESPACES["numpy"], name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(vars(NAMESPACES["numpy"]))
