"""The tape of an array program: whole-tensor operations forward, their VJPs backward.

``Tape("x: 10; W: 64x10; b: 64; h = relu(W x + b); L = sum(h)")`` builds one of these. It
keeps the public face of the scalar tape (``value``, ``gradient``, ``trace``, ``to_dot``, …):
gradients come back shaped like their inputs. Data given with one more leading axis than
declared is a batch of samples; the tape differentiates the sum of the outputs over it, so a
batch of losses gives the gradient of the total loss (divide by N, or write ``mean``, for
the average).

Generated code is specialised to which inputs carry a sample axis and compiled the first time
that combination is seen (a millisecond); after that a gradient is a few NumPy calls per layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import EvaluationError, SymdiffError, check_choice, check_flag
from ..language.arrays import ArrayProgram, Tensor
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives.shapes import shape_text
from . import array_code
from .array_graph import ArrayGraph, lower_program
from .interpret import Kink, _one_sided
from .points import merge, ordered_values
from .tape import Tape
from .trace import Trace, TraceRow

Signature = tuple[bool, ...]


class ArrayPoint:
    """A point's values for an array tape, checked against the declared shapes.

    Attributes:
        arrays: one NumPy array per input, in the tape's variable order.
        batched: which of them carry a leading sample axis.
        samples: how many samples (None when nothing is batched).
    """

    def __init__(self, shapes: Mapping[str, tuple[int, ...]], values: Sequence[Any]):
        arrays, batched, samples = [], [], {}
        for (name, shape), value in zip(shapes.items(), values, strict=True):
            array = _array(name, value)
            if array.shape == shape:
                batched.append(False)
            elif array.ndim == len(shape) + 1 and array.shape[1:] == shape:
                batched.append(True)
                samples[name] = array.shape[0]
            else:
                batch = shape_text(shape).replace("(", "(N, ", 1).replace(", )", ")").replace(",)", ")")
                raise EvaluationError(
                    f"{name} must have shape {shape_text(shape)} (declared {name}: {_declared(shape)}), or {batch} "
                    f"for N samples; got {shape_text(array.shape)}"
                )
            arrays.append(array)
        if len(set(samples.values())) > 1:
            counts = ", ".join(f"{name} {n}" for name, n in samples.items())
            raise EvaluationError(f"the batched inputs have different numbers of samples: {counts}")
        dtype: Any = np.complex128 if any(a.dtype.kind == "c" for a in arrays) else np.float64
        if arrays and all(a.dtype == np.float32 for a in arrays):
            dtype = np.float32
        self.arrays = [a.astype(dtype, copy=False) for a in arrays]
        self.batched: Signature = tuple(batched)
        self.samples = next(iter(samples.values()), None)


def _declared(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def _array(name: str, value: Any) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise EvaluationError(f"the value of {name} is not a number or an array of numbers ({error})") from None
    if array.dtype.kind not in "biufc":
        raise EvaluationError(f"the value of {name} must be a number or an array of numbers, got {value!r:.40}")
    return array


class ArrayTape(Tape):
    """What ``Tape`` is for a program over arrays: ``Tape(text)`` returns one for such a program.

    Example:
        >>> import numpy as np
        >>> tape = Tape("W: 2x3; x: 3; b: 2; h = relu(W x + b); L = sum(h)")
        >>> g = tape.gradient(W=np.ones((2, 3)), x=np.array([1.0, 2.0, 3.0]), b=np.array([-7.0, 1.0]))
        >>> g["W"]
        array([[0., 0., 0.],
               [1., 2., 3.]])
    """

    def __init__(
        self,
        expr: str | ArrayProgram,
        *,
        shapes: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ):
        program = self._source
        if not isinstance(program, ArrayProgram):
            raise SymdiffError("ArrayTape takes a program over arrays; symdiff.Tape takes any expression")
        self.program = program
        self.graph: ArrayGraph = lower_program(program)  # type: ignore[assignment]
        self.expression: Tensor = program.expression
        self.shapes = dict(program.shapes)
        self._arrays: dict[tuple[Any, ...], Callable[..., Any]] = {}

    @property
    def variables(self) -> tuple[str, ...]:
        return self.graph.inputs

    def __str__(self) -> str:
        from ..render.tape import listing

        return listing(self.graph)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name} {shape_text(shape)}" for name, shape in self.shapes.items())
        return f"Tape({len(self.graph.operations)} tensor operations, inputs {shapes})"

    def point(self, values: Mapping[str, Any]) -> ArrayPoint:
        return ArrayPoint(self.shapes, ordered_values(self.variables, values))

    def function(
        self,
        batched: Signature,
        kind: str = "numpy",
        *,
        gradient: bool,
        careful: bool = False,
        keep: bool = False,
        wanted: Signature | None = None,
    ) -> Callable[..., Any]:
        """The generated code for this combination of batched inputs, compiled on first use."""
        key = (batched, kind, gradient, careful, keep, wanted)
        if key not in self._arrays:
            self._arrays[key] = array_code.compile_array(
                self.graph, batched, kind, gradient=gradient, careful=careful, keep=keep, wanted=wanted
            )
        return self._arrays[key]

    # -- evaluation ----------------------------------------------------------------------------

    def value(self, point: Mapping[str, Any] | None = None, /, **values: Any) -> Any:
        at = self.point(merge(point, values))
        with np.errstate(all="ignore"):
            return _output(self.function(at.batched, gradient=False)(*at.arrays))

    def _value_and_gradient(self, values: Mapping[str, Any], per_sample: bool) -> tuple[Any, dict[str, Any]]:
        point = self.point(values)
        arrays, batched = point.arrays, point.batched
        if per_sample and point.samples is not None:
            arrays = [
                a if b else np.broadcast_to(a, (point.samples, *a.shape)) for a, b in zip(arrays, batched, strict=True)
            ]
            batched = tuple(True for _ in arrays)
        with np.errstate(all="ignore"):
            value, adjoints = self.function(batched, gradient=True)(*arrays)
            if _has_nan(value, adjoints):  # 0 × inf, or a rule's formula outside its domain: settle carefully
                value, adjoints = self.function(batched, gradient=True, careful=True)(*arrays)
        gradients = {
            name: _shaped(adjoint, array) for name, adjoint, array in zip(self.variables, adjoints, arrays, strict=True)
        }
        return _output(value), gradients

    def compiled_gradient(self, wrt: Sequence[str] | None = None) -> Callable[..., tuple[Any, tuple[Any, ...]]]:
        """The gradient as a positional function, for training loops that call it very many times.

        ``f(*values)`` takes the inputs in ``tape.variables`` order and returns ``(value,
        (∂/∂w for w in wrt))``; ``wrt`` (default: every input) leaves out the work for the
        others, such as the data. The adjoints are summed over samples; arrays the code
        built as views are returned as they are (copy one before writing into it).

        Example:
            >>> import numpy as np
            >>> tape = Tape("w: 3; x: 3; L = (w' x)^2")
            >>> f = tape.compiled_gradient(wrt=["w"])
            >>> f(np.ones(3), np.array([1.0, 2.0, 3.0]))
            (36.0, (array([12., 24., 36.]),))
        """
        names = list(self.variables) if wrt is None else [str(w) for w in wrt]
        unknown = [n for n in names if n not in self.variables]
        if unknown:
            known = ", ".join(self.variables)
            raise SymdiffError(f"wrt: {', '.join(unknown)} is not an input of the tape (its inputs: {known})")
        wanted = tuple(v in names for v in self.variables)
        picks = [self.variables.index(n) for n in names]
        shapes = list(self.shapes.values())

        def value_and_gradient(*values: Any) -> tuple[Any, tuple[Any, ...]]:
            if len(values) != len(shapes):
                raise SymdiffError(f"the gradient takes {len(shapes)} values ({', '.join(self.variables)})")
            arrays = [np.asarray(v) for v in values]
            batched = tuple(a.ndim > len(s) for a, s in zip(arrays, shapes, strict=True))
            samples = {a.shape[0] for a, b in zip(arrays, batched, strict=True) if b}
            wrong = any(
                a.shape[b:] != s or a.dtype.kind not in "fc" for a, b, s in zip(arrays, batched, shapes, strict=True)
            )
            if wrong or len(samples) > 1:  # the careful path: it converts, or says what is wrong
                point = self.point(dict(zip(self.variables, values, strict=True)))
                arrays, batched = point.arrays, point.batched
            with np.errstate(all="ignore"):
                value, adjoints = self.function(batched, gradient=True, wanted=wanted)(*arrays)
            return _output(value), tuple(_shaped(adjoints[k], arrays[k], copy=False) for k in picks)

        return value_and_gradient

    # -- inspection ----------------------------------------------------------------------------

    def trace(self, point: Mapping[str, Any] | None = None, /, **values: Any) -> Trace:
        """Every node's value and adjoint (summed over samples), with kinks named by element."""
        at = self.point(merge(point, values))
        with np.errstate(all="ignore"):
            _, _, kept, adjoints = self.function(at.batched, gradient=True, careful=True, keep=True)(*at.arrays)
        graph = self.graph
        rows = []
        for i, node in enumerate(graph.nodes):
            value = kept[i]
            adjoint = adjoints.get(i)
            if adjoint is not None:
                adjoint = _summed(adjoint, value, node.shape)
            rows.append(
                TraceRow(
                    label=graph.label(i),
                    equation=graph.equation(i),
                    kind=node.kind,
                    value=_output(value),
                    adjoint=adjoint,
                    kink=_kink(node, [kept[graph.index(a)] for a in node.args], value) if node.kind == "op" else None,
                    first_nonfinite=False,
                    arguments=tuple(graph.label(graph.index(a)) for a in node.args),
                    shape=node.shape,
                )
            )
        rows = _mark_first_nonfinite(rows, graph, kept)
        return Trace(tuple(rows), graph.label(graph.output), graph.inputs)

    def to_dot(self, point: Mapping[str, Any] | None = None, /, **values: Any) -> str:
        """Graphviz DOT of the tensor graph, each node with its shape; with a point, values and gradients."""
        from ..render.tape import dot

        merged = merge(point, values)
        return dot(self.graph, self.trace(merged) if merged else None)

    def to_source(self, backend: str = "numpy", gradient: bool = True, batched: Sequence[str] = ()) -> str:
        """The generated NumPy code (``batched``: the inputs given with a leading sample axis)."""
        check_choice("an array tape's backend", backend, ("numpy",))
        check_flag("gradient", gradient)
        if isinstance(batched, str):
            batched = (batched,)
        unknown = sorted(set(batched) - set(self.variables))
        if unknown:
            raise SymdiffError(f"batched names {', '.join(unknown)}, which are not inputs of the tape")
        flags = tuple(name in batched for name in self.variables)
        from ..render.tape import source_header

        return source_header(self.graph) + array_code.generate(self.graph, flags, gradient=gradient).source


def _output(value: Any) -> Any:
    array = np.asarray(value)
    if array.ndim == 0:
        scalar = array[()]
        return float(scalar) if array.dtype == np.float64 else scalar
    return array


def _has_nan(value: Any, adjoints: Sequence[Any]) -> bool:
    return bool(np.any(np.isnan(value))) or any(a is not None and np.any(np.isnan(a)) for a in adjoints)


def _shaped(adjoint: Any, array: np.ndarray, *, copy: bool = True) -> Any:
    """A gradient with exactly its input's shape and dtype (a float for a scalar).

    ``copy``: make it an array of its own, never a view of another value.
    """
    if adjoint is None:
        return _output(np.zeros(array.shape, dtype=array.dtype))
    gradient = np.asarray(adjoint)
    if gradient.shape != array.shape or gradient.dtype != array.dtype:
        gradient = np.broadcast_to(gradient.astype(array.dtype, copy=False), array.shape)
    if copy and (not gradient.flags.writeable or not gradient.flags.owndata):
        gradient = np.array(gradient)
    return _output(gradient)


def _summed(adjoint: Any, value: Any, shape: tuple[int, ...]) -> Any:
    """An adjoint summed over samples, to the node's declared shape (a data node keeps one per sample)."""
    adjoint = np.asarray(adjoint)
    if adjoint.ndim > len(shape) and np.ndim(value) == len(shape):
        adjoint = adjoint.sum(axis=0)
    return _output(np.broadcast_to(adjoint, np.shape(value)) if adjoint.size < np.size(value) else adjoint)


def _kink(node: Tensor, args: Sequence[Any], value: Any) -> Kink | None:
    """Where an element-wise primitive sits at its kink: which elements, and the one-sided slopes at the first."""
    op = node.op
    nondiff = getattr(op, "nondiff", None)
    if nondiff is None:
        return None
    shape = np.shape(value)
    aligned = [_align(np.asarray(a), len(node.shape), len(shape)) for a in args]
    with np.errstate(all="ignore"):
        mask = np.broadcast_to(np.asarray(nondiff.where(*aligned), dtype=bool), shape)
    if not np.any(mask):
        return None
    elements = tuple(tuple(int(i) for i in e) for e in np.argwhere(mask))
    first = elements[0] if shape else ()
    point = [np.broadcast_to(a, shape)[first] for a in aligned]
    corner = nondiff.kind == "corner"
    slopes = tuple(_one_sided(op, point, k) if corner else None for k in range(len(args)))
    return Kink(nondiff.kind, nondiff.note, slopes, elements if shape else ())


def _align(a: np.ndarray, rank: int, actual: int) -> np.ndarray:
    """A batched argument of lower declared rank, with axes inserted after its sample axis."""
    missing = actual - a.ndim
    if missing > 0 and actual > rank and a.ndim > 0 and a.ndim - 1 < rank:
        return a.reshape(a.shape[:1] + (1,) * missing + a.shape[1:])
    return a


def _mark_first_nonfinite(rows: list[TraceRow], graph: ArrayGraph, values: Mapping[int, Any]) -> list[TraceRow]:
    from dataclasses import replace

    for i, node in enumerate(graph.nodes):
        if node.kind != "op":
            continue
        bad = not np.all(np.isfinite(values[i]))
        if bad and all(np.all(np.isfinite(values[graph.index(a)])) for a in node.args):
            rows[i] = replace(rows[i], first_nonfinite=True)
            break
    return rows
