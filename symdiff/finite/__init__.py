"""Finite differences with honest error bounds: the third way symdiff differentiates.

``finite_difference`` (or a compiled ``FiniteDifferences``) returns a ``FiniteDifference``
whose ``error_bound`` really bounds the error: truncation is bounded with interval
arithmetic on the symbolic higher derivative over the stencil's interval, rounding from
enclosures of every value the stencil uses. ``step_sweep`` (drawn by ``symdiff.plot_step_sweep``) shows how
the error depends on the step. ``directional_derivative`` does the same for array programs,
along a direction (∇f·v), and ``directional_reference`` gives it at high precision.
"""

from .api import METHODS, FiniteDifferenceMatrix, FiniteDifferences, Method, fd_gradient, fd_hessian, finite_difference
from .arrays import DirectionalDerivatives, Reference, directional_derivative, directional_reference
from .result import FiniteDifference
from .stencils import Stencil, stencil
from .sweep import StepSweep, step_sweep

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
