"""Finite differences with honest error bounds: the third way symdiff differentiates.

``finite_difference`` (or a compiled ``FiniteDifferences``) returns a ``FiniteDifference``
whose ``error_bound`` really bounds the error: truncation is bounded with interval
arithmetic on the symbolic higher derivative over the stencil's interval, rounding from
enclosures of every value the stencil uses. ``step_sweep`` (drawn by
``symdiff.plot_step_sweep``) shows how the error depends on the step. ``directional_derivative``
does the same for array programs, along a direction (∇f·v), and ``directional_reference``
gives it at high precision.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal

# The method names, here and not in ``api``: the command line builds its options from them
# without importing finite differences (and NumPy) for a command that never uses them.
Method = Literal["auto", "forward", "backward", "central", "richardson", "complex", "mpmath"]
METHODS: tuple[str, ...] = ("auto", "forward", "backward", "central", "richardson", "complex", "mpmath")

if TYPE_CHECKING:
    from .api import FiniteDifferenceMatrix, FiniteDifferences, fd_gradient, fd_hessian, finite_difference
    from .arrays import DirectionalDerivatives, Reference, directional_derivative, directional_reference
    from .result import FiniteDifference
    from .stencils import Stencil, stencil
    from .sweep import StepSweep, step_sweep

_HOMES = {
    "DirectionalDerivatives": ".arrays",
    "Reference": ".arrays",
    "directional_derivative": ".arrays",
    "directional_reference": ".arrays",
    "FiniteDifferenceMatrix": ".api",
    "FiniteDifferences": ".api",
    "fd_gradient": ".api",
    "fd_hessian": ".api",
    "finite_difference": ".api",
    "FiniteDifference": ".result",
    "Stencil": ".stencils",
    "stencil": ".stencils",
    "StepSweep": ".sweep",
    "step_sweep": ".sweep",
}


def __getattr__(name: str) -> Any:
    """A name of the package, imported on first use (as for ``symdiff`` itself)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'symdiff.finite' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "METHODS",
    "DirectionalDerivatives",
    "FiniteDifference",
    "FiniteDifferenceMatrix",
    "FiniteDifferences",
    "Method",
    "Reference",
    "Stencil",
    "StepSweep",
    "directional_derivative",
    "directional_reference",
    "fd_gradient",
    "fd_hessian",
    "finite_difference",
    "stencil",
    "step_sweep",
]
