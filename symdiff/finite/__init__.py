"""Finite differences with honest error bounds: the third way symdiff differentiates.

``finite_difference`` (or a compiled ``FiniteDifferences``) returns a ``FiniteDifference``
whose ``error_bound`` really bounds the error: truncation is bounded with interval
arithmetic on the symbolic higher derivative over the stencil's interval, rounding from
enclosures of every value the stencil uses. ``step_sweep`` (drawn by ``symdiff.plot_step_sweep``) shows how
the error depends on the step.
"""

from .api import METHODS, FiniteDifferenceMatrix, FiniteDifferences, Method, fd_gradient, fd_hessian, finite_difference
from .result import FiniteDifference
from .stencils import Stencil, stencil
from .sweep import StepSweep, step_sweep

__all__ = [
    "METHODS",
    "FiniteDifference",
    "FiniteDifferenceMatrix",
    "FiniteDifferences",
    "Method",
    "Stencil",
    "StepSweep",
    "fd_gradient",
    "fd_hessian",
    "finite_difference",
    "stencil",
    "step_sweep",
]
