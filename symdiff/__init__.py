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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs; at run time each name is imported on first use
    from .comparison.answer import AnswerCheck, check_answer
    from .comparison.array_check import ArrayGradientCheck
    from .comparison.arrays import ArrayComparison
    from .comparison.check import GradientCheck, check_gradient
    from .comparison.compare import Comparison, compare
    from .comparison.implicit import ImplicitCheck, ImplicitDerivative, implicit
    from .comparison.tangent import Tangent, plot_tangent, tangent
    from .errors import EvaluationError, LimitError, MethodError, ParseError, SymdiffError
    from .finite.api import FiniteDifferenceMatrix, FiniteDifferences, fd_gradient, fd_hessian, finite_difference
    from .finite.result import FiniteDifference
    from .finite.sweep import StepSweep, step_sweep
    from .language.arrays import ArrayProgram
    from .language.parser import Definition, Program, parse, parse_program
    from .language.printing import to_latex, to_text
    from .limits import DEFAULT_LIMITS, Limits
    from .primitives.functions import cbrt, relu, sigmoid, softplus
    from .render.sweep import plot_step_sweep
    from .stepwise import Derivation, MatrixDerivation, steps
    from .stepwise.implicit import ImplicitDerivation, implicit_steps
    from .symbolic.derivatives import diff, gradient, hessian, jacobian
    from .symbolic.gradient import SymbolicGradient, SymbolicHessian
    from .symbolic.matrix_result import MatrixDerivative, MatrixGradient
    from .tape.tape import Tape
    from .tape.trace import Trace

# Where each public name lives. ``import symdiff`` imports none of them: a command that only
# differentiates symbolically never loads finite differences, the comparison, plotting or NumPy.
_HOMES = {
    "AnswerCheck": ".comparison.answer",
    "check_answer": ".comparison.answer",
    "GradientCheck": ".comparison.check",
    "check_gradient": ".comparison.check",
    "Comparison": ".comparison.compare",
    "compare": ".comparison.compare",
    "ImplicitCheck": ".comparison.implicit",
    "ImplicitDerivative": ".comparison.implicit",
    "implicit": ".comparison.implicit",
    "ImplicitDerivation": ".stepwise.implicit",
    "implicit_steps": ".stepwise.implicit",
    "Tangent": ".comparison.tangent",
    "plot_tangent": ".comparison.tangent",
    "tangent": ".comparison.tangent",
    "EvaluationError": ".errors",
    "LimitError": ".errors",
    "MethodError": ".errors",
    "ParseError": ".errors",
    "SymdiffError": ".errors",
    "FiniteDifference": ".finite.result",
    "FiniteDifferenceMatrix": ".finite.api",
    "FiniteDifferences": ".finite.api",
    "fd_gradient": ".finite.api",
    "fd_hessian": ".finite.api",
    "finite_difference": ".finite.api",
    "StepSweep": ".finite.sweep",
    "step_sweep": ".finite.sweep",
    "Definition": ".language.parser",
    "Program": ".language.parser",
    "parse": ".language.parser",
    "parse_program": ".language.parser",
    "to_latex": ".language.printing",
    "to_text": ".language.printing",
    "DEFAULT_LIMITS": ".limits",
    "Limits": ".limits",
    "cbrt": ".primitives.functions",
    "relu": ".primitives.functions",
    "sigmoid": ".primitives.functions",
    "softplus": ".primitives.functions",
    "plot_step_sweep": ".render.sweep",
    "ArrayGradientCheck": ".comparison.array_check",
    "ArrayComparison": ".comparison.arrays",
    "ArrayProgram": ".language.arrays",
    "Derivation": ".stepwise",
    "MatrixDerivation": ".stepwise",
    "steps": ".stepwise",
    "diff": ".symbolic.derivatives",
    "gradient": ".symbolic.derivatives",
    "hessian": ".symbolic.derivatives",
    "jacobian": ".symbolic.derivatives",
    "SymbolicGradient": ".symbolic.gradient",
    "SymbolicHessian": ".symbolic.gradient",
    "MatrixDerivative": ".symbolic.matrix_result",
    "MatrixGradient": ".symbolic.matrix_result",
    "Tape": ".tape.tape",
    "Trace": ".tape.trace",
}


def __getattr__(name: str) -> Any:
    """A public name, imported the first time it is used (PEP 562); then it is a plain attribute."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'symdiff' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # the next look-up is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LIMITS",
    "AnswerCheck",
    "ArrayComparison",
    "ArrayGradientCheck",
    "ArrayProgram",
    "Comparison",
    "Definition",
    "Derivation",
    "EvaluationError",
    "FiniteDifference",
    "FiniteDifferenceMatrix",
    "FiniteDifferences",
    "GradientCheck",
    "ImplicitCheck",
    "ImplicitDerivation",
    "ImplicitDerivative",
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
    "Tangent",
    "Tape",
    "Trace",
    "__version__",
    "cbrt",
    "check_answer",
    "check_gradient",
    "compare",
    "diff",
    "fd_gradient",
    "fd_hessian",
    "finite_difference",
    "gradient",
    "hessian",
    "implicit",
    "implicit_steps",
    "jacobian",
    "parse",
    "parse_program",
    "plot_step_sweep",
    "plot_tangent",
    "relu",
    "sigmoid",
    "softplus",
    "step_sweep",
    "steps",
    "tangent",
    "to_latex",
    "to_text",
]
