"""Reverse-mode automatic differentiation: backpropagation over the expression's graph.

A ``Tape`` lowers an expression once to a graph of registry primitives and generates
straight-line code for it. ``gradient`` runs the graph forward, seeds the output's adjoint
with 1 and sweeps backward, giving every partial derivative in one pass.

Three ways through, all computing the same thing:

* plain floats run generated code on Python's ``math`` module (fastest for one point);
  a domain error there (``log(-1)``) falls back to NumPy, which returns inf/nan;
* arrays run generated code on NumPy, with broadcasting;
* if a gradient or the value comes out nan, the interpreter (``interpret``) reruns the sweep
  with strong zeros, so that a branch not taken contributes 0 rather than 0 × inf = nan, and
  with the registry's domains, so that a primitive outside its domain (log at -1) has a nan
  derivative rather than what its formula happens to give there.

For array inputs the tape differentiates the sum of the outputs, so a batch of losses gives
the gradient of the total loss; ``per_sample_gradient`` keeps one gradient per output.

Conventions where the derivative is in doubt, the same on every path:

* undefined value, undefined gradient: a primitive outside its domain (log at -1, atanh at
  2) has a nan derivative, and where the value is nan every partial is, so a nan value never
  comes with a finite gradient (∂(x + log(z))/∂x is nan at z = -1, not 1);
* a branch not taken adds exactly 0: where an adjoint or a local derivative is an exact 0
  (relu below 0, heaviside), the product is 0 even against inf or nan, unless the value
  itself is nan (relu(x)·log(x) at -1 is nan, and so is its gradient);
* at a pole the value is ±inf and the rule's slope stays IEEE's (1/x at 0: -inf);
* at a kink the rule's convention value (the symmetric derivative: abs′(0) = 0); the trace
  marks the node, with both one-sided slopes and, for arrays, the elements at the kink.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from ..errors import SymdiffError, check_choice, check_flag
from ..language.arrays import ArrayProgram
from ..language.dag import tree_size
from ..language.parser import ARRAY_PROGRAM_HERE, Program, check_language, parse_program
from ..language.printing import to_text
from ..limits import DEFAULT_LIMITS, Limits, serialized_class
from . import interpret
from .codegen import SOURCE_BACKENDS, CodeBackend, SourceBackend, compile_graph, generate
from .graph import Graph, lower
from .points import as_arrays, as_floats, merge, ordered_values
from .trace import Trace, build_trace

Point = Mapping[str, Any]
_REPR_NODES = 200  # a repr is one line: a larger expression is described, not written out
_DRAWN_NODES = 400  # a notebook draws the graph of a tape up to this size


@serialized_class
class Tape:
    """A compiled reverse-mode tape for one expression.

    Example:
        >>> tape = Tape("a*b + c")
        >>> tape.value(a=2, b=-3, c=10)
        4.0
        >>> tape.gradient(a=2, b=-3, c=10)
        {'a': -3.0, 'b': 2.0, 'c': 1.0}
        >>> print(tape)
        inputs: a, b, c
        v1 = a * b
        f = v1 + c
    """

    _source: Any  # what the tape was built from, as __new__ read it

    def __new__(
        cls,
        expr: str | sp.Basic | Program | ArrayProgram,
        *,
        shapes: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> Tape:
        """A tape; for a program over vectors and matrices, the array tape (``array_tape.ArrayTape``)."""
        source: Any = expr
        if isinstance(expr, str):
            source = parse_program(expr, shapes=shapes, limits=limits)
        elif shapes:
            raise SymdiffError("shapes= declares the variables of expression text; a program already has its shapes")
        if cls is Tape and isinstance(source, ArrayProgram):
            from .array_tape import ArrayTape

            cls = ArrayTape
        tape = object.__new__(cls)
        tape._source = source  # read once: __init__ takes it from here
        return tape

    def __init__(
        self,
        expr: str | sp.Basic | Program | ArrayProgram,
        *,
        shapes: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ):
        source = self._source
        if isinstance(source, ArrayProgram):
            raise SymdiffError(ARRAY_PROGRAM_HERE)
        if isinstance(source, sp.Basic):
            check_language(source, limits)
        self.graph: Graph = lower(source)
        output = self.graph.expressions[self.graph.output]
        self.expression: sp.Expr = source.expression if isinstance(source, Program) else output
        self._pick = operator.itemgetter(*self.graph.inputs) if self.graph.inputs else None
        self._compiled: dict[tuple[CodeBackend, bool], Callable[..., Any]] = {}

    @property
    def variables(self) -> tuple[str, ...]:
        """The input variables, in natural order (the order of gradients and generated code)."""
        return self.graph.inputs

    def __str__(self) -> str:
        from ..render.tape import listing

        return listing(self.graph)

    def __repr__(self) -> str:
        operations = len(self.graph.operations)
        if tree_size(self.expression) > _REPR_NODES:  # written out, shared expressions can be exponentially long
            return f"Tape({operations} operations, inputs {', '.join(self.variables)})"
        return f"Tape({self.expression!s}, {operations} operations)"

    # Jupyter: the listing beside the graph, drawn by Graphviz when it is installed.
    def _repr_html_(self) -> str:
        from ..render.tape import html

        return html(self.graph, self._repr_svg_())

    def _repr_svg_(self) -> str | None:
        from ..render.files import draw_svg

        if len(self.graph.nodes) > _DRAWN_NODES:
            return None  # Graphviz takes seconds over thousands of nodes, and the picture says little
        return draw_svg(self.to_dot())

    def _function(self, backend: CodeBackend, with_gradient: bool) -> Callable[..., Any]:
        key = (backend, with_gradient)
        if key not in self._compiled:
            self._compiled[key] = compile_graph(self.graph, backend, with_gradient)
        return self._compiled[key]

    # -- evaluation ----------------------------------------------------------------------------

    def value(self, point: Point | None = None, /, **values: Any) -> Any:
        """The expression's value at a point (floats, NumPy scalars, or broadcasting arrays)."""
        ordered = self._ordered(merge(point, values))
        floats = as_floats(ordered)
        if floats is not None:
            try:
                return float(self._function("scalar", False)(*floats))
            except (ArithmeticError, ValueError):
                pass  # a domain error: NumPy gives inf/nan instead
        arrays = as_arrays(self.variables, ordered)
        with np.errstate(all="ignore"):
            result = self._function("numpy", False)(*arrays)
        return _output(result, arrays)

    def value_and_gradient(self, point: Point | None = None, /, **values: Any) -> tuple[Any, dict[str, Any]]:
        """The value and every first partial derivative, from one forward and one backward sweep."""
        return self._value_and_gradient(merge(point, values), per_sample=False)

    def gradient(self, point: Point | None = None, /, **values: Any) -> dict[str, Any]:
        """Every first partial derivative at a point, each with the shape of its input."""
        return self._value_and_gradient(merge(point, values), per_sample=False)[1]

    def per_sample_gradient(self, point: Point | None = None, /, **values: Any) -> dict[str, Any]:
        """Gradients of each output element separately: every gradient has the output's shape."""
        return self._value_and_gradient(merge(point, values), per_sample=True)[1]

    def _ordered(self, point: Point) -> Sequence[Any]:
        """The point's values in variable order (every variable present, nothing else)."""
        if self._pick is not None and len(point) == len(self.variables):
            try:
                picked = self._pick(point)  # C speed: this runs once per gradient
                return picked if len(self.variables) > 1 else (picked,)
            except KeyError:
                pass
        return ordered_values(self.variables, point)  # names what is missing or unknown

    def _value_and_gradient(self, point: Point, per_sample: bool) -> tuple[Any, dict[str, Any]]:
        ordered = self._ordered(point)
        floats = as_floats(ordered)
        if floats is not None:
            try:
                value, adjoints = self._function("scalar", True)(*floats)
                total = sum(adjoints)
                if total == total and value == value:  # no nan: no 0 × inf for the interpreter to settle
                    return value, dict(zip(self.variables, adjoints))  # noqa: B905 (same length by construction)
            except (ArithmeticError, ValueError):
                pass
        arrays = as_arrays(self.variables, ordered)
        with np.errstate(all="ignore"):
            value, adjoints = self._function("numpy", True)(*arrays)
        # A nan value means some primitive is outside its domain, where the generated code's
        # rule may still give a finite slope (1/x for log at -1): the interpreter makes it nan.
        if np.any(np.isnan(value)) or any(a is not None and np.any(np.isnan(a)) for a in adjoints):
            value, adjoints = self._interpreted(arrays)
        shape = np.shape(value)
        gradients = _gradients(adjoints, arrays, shape, per_sample)
        return _output(value, arrays), dict(zip(self.variables, gradients, strict=True))

    def _interpreted(self, arrays: Sequence[np.ndarray]) -> tuple[Any, list[Any]]:
        values = interpret.forward(self.graph, arrays)
        adjoints = interpret.backward(self.graph, values)
        return values[self.graph.output], [adjoints[i] for i in self.graph.input_nodes]

    def compiled_gradient(self) -> Callable[..., tuple[Any, tuple[Any, ...]]]:
        """The gradient as a positional function, for loops that call it very many times.

        ``f(*values)`` returns ``(value, (∂f/∂x1, ∂f/∂x2, …))`` with the values and partials in
        ``tape.variables`` order. It skips the naming of ``gradient`` (a dict in, a dict out),
        which costs about as much as the sweep itself on a small expression.

        Example:
            >>> f = Tape("a*b + c").compiled_gradient()
            >>> f(2.0, -3.0, 10.0)
            (4.0, (-3.0, 2.0, 1.0))
        """
        fast = self._function("scalar", True)
        variables = self.variables

        def value_and_gradient(*values: Any) -> tuple[Any, tuple[Any, ...]]:
            floats = as_floats(values)
            if floats is not None:
                try:
                    value, adjoints = fast(*floats)
                    total = sum(adjoints)
                    if total == total and value == value:
                        return value, adjoints
                except (ArithmeticError, ValueError):
                    pass
            value, gradient = self._value_and_gradient(dict(zip(variables, values, strict=True)), per_sample=False)
            return value, tuple(gradient.values())

        return value_and_gradient

    # -- inspection ----------------------------------------------------------------------------

    def trace(self, point: Point | None = None, /, **values: Any) -> Trace:
        """Every node's value and adjoint at a point, with kinks and the first non-finite value."""
        arrays = as_arrays(self.variables, self._ordered(merge(point, values)))
        return build_trace(self.graph, arrays)

    def to_dot(self, point: Point | None = None, /, **values: Any) -> str:
        """Graphviz DOT of the graph; with a point, each node shows its value and gradient."""
        from ..render.tape import dot

        merged = merge(point, values)
        return dot(self.graph, self.trace(merged) if merged else None)

    def to_source(self, backend: SourceBackend = "numpy", gradient: bool = True) -> str:
        """The generated forward (and backward) code, as readable Python.

        ``"scalar"`` and ``"numpy"`` are the code the tape itself runs (on ``math`` or NumPy
        functions named as the registry's primitives). ``"torch"`` and ``"jax"`` are modules to
        paste: the imports, each primitive defined with PyTorch or JAX functions, and
        ``value_and_gradient(v0, v1, …)`` computing the same value and gradient for one point
        (``torch.func.vmap`` or ``jax.vmap`` map it over a batch; ``jax.jit`` compiles it).

        Example:
            >>> print(Tape("a*b + c").to_source("jax").splitlines()[-1])
                return v4, (v1, v0, jnp.full_like(v2, 1.0))
        """
        from ..render.tape import framework_source, source_header

        check_choice("backend", backend, SOURCE_BACKENDS)
        check_flag("gradient", gradient)
        code = generate(self.graph, backend, gradient)
        if backend in ("torch", "jax"):
            return framework_source(self.graph, backend, code, to_text(self.expression))
        return source_header(self.graph) + code


def _output(result: Any, arrays: Sequence[np.ndarray]) -> Any:
    """A 0-d result as a scalar (a Python float for float64), arrays as they are."""
    result = np.asarray(result)
    if result.ndim == 0:
        scalar = result[()]
        return float(scalar) if result.dtype == np.float64 else scalar
    return result


def _gradients(
    adjoints: Sequence[Any], arrays: Sequence[np.ndarray], shape: tuple[int, ...], per_sample: bool
) -> list[Any]:
    """Each adjoint summed back to its input's shape (or to the output's, per sample)."""
    dtype = np.result_type(*arrays) if arrays else np.float64
    inputs = {id(a) for a in arrays}  # a set, not a scan per gradient: networks have hundreds of inputs
    seen: set[int] = set()
    result = []
    for adjoint, array in zip(adjoints, arrays, strict=True):
        target = np.broadcast_shapes(shape, array.shape) if per_sample else array.shape
        if adjoint is None:
            gradient = np.zeros(target, dtype=dtype)
        else:
            full = np.broadcast_to(adjoint, np.broadcast_shapes(shape, np.shape(adjoint)))
            gradient = interpret.unbroadcast(full, target)
            if gradient.dtype != dtype:  # the seed 1.0 reaches c in a*b + c as a float64 literal
                gradient = gradient.astype(dtype)
            shared = id(gradient) in seen or id(gradient) in inputs
            if shared or not gradient.flags.writeable:
                gradient = np.array(gradient)  # every gradient is its own writable array, never an input
        seen.add(id(gradient))
        result.append(_output(gradient, arrays))
    return result
