"""symdiff: differentiate an expression three ways and show the answers side by side.

Symbolically (SymPy), by a reverse-mode autodiff tape (NumPy), and by finite differences,
with a high-precision reference and an explanation of any disagreement.

    >>> import symdiff as sd
    >>> sd.diff("a*b + c", "a")
    b
    >>> sd.gradient("a*b + c")
    {'a': b, 'b': a, 'c': 1}
    >>> sd.Tape("a*b + c").gradient(a=2, b=-3, c=10)
    {'a': -3.0, 'b': 2.0, 'c': 1.0}
"""

from .comparison.check import GradientCheck, check_gradient
from .comparison.compare import Comparison, compare
from .errors import EvaluationError, LimitError, MethodError, ParseError, SymdiffError
from .finite import (
    FiniteDifference,
    FiniteDifferenceMatrix,
    FiniteDifferences,
    StepSweep,
    fd_gradient,
    fd_hessian,
    finite_difference,
    step_sweep,
)
from .language.parser import Definition, Program, parse, parse_program
from .language.printing import to_latex, to_text
from .limits import DEFAULT_LIMITS, Limits
from .primitives.functions import cbrt, relu, sigmoid, softplus
from .render.sweep import plot_step_sweep
from .stepwise import Derivation, MatrixDerivation, steps
from .symbolic.derivatives import diff, gradient, hessian, jacobian
from .symbolic.gradient import SymbolicGradient, SymbolicHessian
from .symbolic.matrix_result import MatrixDerivative, MatrixGradient
from .tape.tape import Tape
from .tape.trace import Trace

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LIMITS",
    "Comparison",
    "Definition",
    "Derivation",
    "EvaluationError",
    "FiniteDifference",
    "FiniteDifferenceMatrix",
    "FiniteDifferences",
    "GradientCheck",
    "LimitError",
    "Limits",
    "MatrixDerivation",
    "MatrixDerivative",
    "MatrixGradient",
    "MethodError",
    "ParseError",
    "Program",
    "StepSweep",
    "SymbolicGradient",
    "SymbolicHessian",
    "SymdiffError",
    "Tape",
    "Trace",
    "__version__",
    "cbrt",
    "check_gradient",
    "compare",
    "diff",
    "fd_gradient",
    "fd_hessian",
    "finite_difference",
    "gradient",
    "hessian",
    "jacobian",
    "parse",
    "parse_program",
    "plot_step_sweep",
    "relu",
    "sigmoid",
    "softplus",
    "step_sweep",
    "steps",
    "to_latex",
    "to_text",
]
