"""NumPy, imported when a number is first computed rather than when symdiff is imported.

Reading the registry (to parse text, print it, or differentiate symbolically) needs no NumPy,
and importing NumPy costs about a tenth of a second, a quarter of SymPy's own import: so the
primitives' NumPy implementations are looked up on first use. ``numpy_module()`` is NumPy
itself, loaded the first time one of its attributes is read (the standard library's
``importlib.util.LazyLoader``); ``NumpyFunction("tanh")`` is ``numpy.tanh``, looked up when
first called, for the registry's table, which must name functions without reading them.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any


def numpy_module() -> ModuleType:
    """NumPy: the module itself if it is imported already, else one that imports itself on first use.

    The lazy module goes into ``sys.modules`` (as the standard library's recipe does), so there
    is one NumPy in the process whoever imports it first.
    """
    if "numpy" in sys.modules:
        return sys.modules["numpy"]
    spec = importlib.util.find_spec("numpy")
    assert spec is not None, "NumPy is a dependency of symdiff"
    assert spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["numpy"] = module
    loader.exec_module(module)
    return module


class NumpyFunction:
    """NumPy's function ``name`` (``NumpyFunction("tanh")`` is ``numpy.tanh``), found when first called.

    Callable like the function itself; ``resolve()`` gives the function, for code that calls it
    very often (generated code, namespaces of rules).
    """

    __slots__ = ("_function", "name")

    def __init__(self, name: str):
        self.name = name
        self._function: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        if self._function is None:
            self._function = getattr(numpy_module(), self.name)
        return self._function

    def __call__(self, *args: Any) -> Any:
        return self.resolve()(*args)

    def __repr__(self) -> str:
        return f"numpy.{self.name}"


def resolved(value: Any) -> Any:
    """The function a ``NumpyFunction`` names; anything else as it is."""
    return value.resolve() if isinstance(value, NumpyFunction) else value
