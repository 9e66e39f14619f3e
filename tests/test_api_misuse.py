"""Every public function called with wrong types and values: only SymdiffError escapes.

A TypeError is allowed only for a wrong Python call signature (raised where the call is
made, before any of symdiff's code runs). Anything else, an AttributeError deep inside, a
raw OverflowError, a KeyError, is a bug: the person calling gets no message about what
they did. Each call replaces one argument of a valid call by a value from ``WRONG``.

The normal suite draws a few hundred such calls; ``pytest -m slow`` makes every one.
"""

from __future__ import annotations

import decimal
import fractions
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symdiff as sd
from tests.fuzz import EXAMPLES, time_limit

x, y = sp.symbols("x y", real=True)
F = sp.Function("F")

WRONG: dict[str, Any] = {
    "None": None,
    "True": True,
    "False": False,
    "sympy.true": sp.true,
    "sympy.I": sp.I,
    "sympy.zoo": sp.zoo,
    "sympy.oo": sp.oo,
    "-sympy.oo": -sp.oo,
    "sympy.nan": sp.nan,
    "x + I": x + sp.I,
    "MatrixSymbol": sp.MatrixSymbol("M", 2, 2),
    "Matrix": sp.Matrix([[x, 1], [2, y]]),
    "Derivative": sp.Derivative(F(x), x),
    "F(x)": F(x),
    "Integral": sp.Integral(x, x),
    "Eq(x, 1)": sp.Eq(x, 1),
    "x > 0": x > 0,
    "Interval": sp.Interval(0, 1),
    "noncommutative": sp.Symbol("A", commutative=False),
    "Symbol('x y')": sp.Symbol("x y"),
    "Symbol('')": sp.Symbol(""),
    "Symbol with a newline": sp.Symbol("x\nimport os"),
    "10**5000": 10**5000,
    "-10**400": -(10**400),
    "-1": -1,
    "0": 0,
    "2**70": 2**70,
    "inf": float("inf"),
    "nan": float("nan"),
    "-0.0": -0.0,
    "1e-320": 1e-320,
    "3.5": 3.5,
    "complex": complex(1, 2),
    "text with a newline": "x\nimport os",
    "empty text": "",
    "blank text": "   ",
    "NUL": "x\x00",
    "non-ASCII": "é + 1",
    "[]": [],
    "[None]": [None],
    "{}": {},
    "('x',)": ("x",),
    "{'x'}": {"x"},
    "bytes": b"x",
    "object()": object(),
    "np.float32": np.float32(1.5),
    "np.array": np.array([1.0, 2.0]),
    "np.ones((2, 2))": np.ones((2, 2)),
    "np.array([nan])": np.array([np.nan]),
    "Fraction": fractions.Fraction(1, 3),
    "Decimal": decimal.Decimal("0.1"),
    "Limits": sd.DEFAULT_LIMITS,
    "a function": lambda *args, **kwargs: 1,
}
# Points: each wrong value as a coordinate, and wrong keys.
WRONG_POINTS: dict[str, Any] = {f"{{'x': {k}, 'y': 2.0}}": {"x": v, "y": 2.0} for k, v in WRONG.items()}
WRONG_POINTS |= {
    "an extra variable": {"x": 1, "y": 2, "z": 3},
    "Symbol keys": {x: 1, y: 2},
    "a key that is a number": {1: 1, "y": 2},
    "'1/0'": {"x": "1/0", "y": 1},
    "'sqrt(-1)'": {"x": "sqrt(-1)", "y": 1},
    "10**400": {"x": 10**400, "y": 1},
    "Float 1e400": {"x": sp.Float("1e400"), "y": 1},
    **WRONG,
}

E = "x*y + sin(x)"
AT = {"x": 0.5, "y": 2.0}
ARRAYS = "W: 2x2; v: 2; h = tanh(W v); L = sum(h)"
ARRAY_AT = {"W": np.eye(2), "v": np.array([0.5, -1.0])}


def _sweep(s: Any, path: Any) -> Any:
    sweep = sd.step_sweep("exp(x)", "x", {"x": 1.0}, steps=[1e-2, 1e-3]) if isinstance(s, str) and s == "SWEEP" else s
    return sd.plot_step_sweep(sweep, path)


def _renders(result: Any) -> list[str]:
    return [result.to_text(), result.to_json(), result.to_latex(), result.to_markdown()]


# name → (function, a valid call's positional arguments, its keyword arguments, which positions are points)
CALLS: dict[str, tuple[Callable[..., Any], list[Any], dict[str, Any], set[int]]] = {
    "parse": (sd.parse, [E], {}, set()),
    "parse_program": (sd.parse_program, [E], {"shapes": None}, set()),
    "diff": (sd.diff, [E, "x", 1], {}, set()),
    "gradient": (sd.gradient, [E, ["x", "y"]], {"method": "auto"}, set()),
    "hessian": (sd.hessian, [E, ["x", "y"]], {"method": "auto"}, set()),
    "jacobian": (sd.jacobian, [[E, "x+y"], ["x", "y"]], {}, set()),
    "Tape": (sd.Tape, [E], {"shapes": None}, set()),
    "Tape.value": (lambda p: sd.Tape(E).value(p), [AT], {}, {0}),
    "Tape.gradient": (lambda p: sd.Tape(E).gradient(p), [AT], {}, {0}),
    "Tape.gradient by keyword": (lambda v: sd.Tape(E).gradient(x=v, y=1.0), [0.5], {}, set()),
    "Tape.trace": (lambda p: str(sd.Tape(E).trace(p)), [AT], {}, {0}),
    "Tape.per_sample_gradient": (lambda p: sd.Tape(E).per_sample_gradient(p), [AT], {}, {0}),
    "Tape.to_dot": (lambda p: sd.Tape(E).to_dot(p), [AT], {}, {0}),
    "Tape.to_source": (lambda b, g: sd.Tape(E).to_source(b, g), ["numpy", True], {}, set()),
    "Tape.compiled_gradient": (lambda v: sd.Tape(E).compiled_gradient()(v, 2.0), [0.5], {}, set()),
    "array Tape.value": (lambda p: sd.Tape(ARRAYS).value(p), [ARRAY_AT], {}, {0}),
    "array Tape.gradient": (lambda p: sd.Tape(ARRAYS).gradient(p), [ARRAY_AT], {}, {0}),
    "array Tape.to_source": (lambda b, g: sd.Tape(ARRAYS).to_source(b, g), ["numpy", True], {}, set()),
    "finite_difference": (sd.finite_difference, [E, "x", AT, "central", None, 1, None], {"accuracy": None}, {2}),
    "fd_gradient": (sd.fd_gradient, [E, AT, ["x", "y"], "auto"], {"h": None, "accuracy": None}, {1}),
    "fd_hessian": (sd.fd_hessian, [E, AT, ["x", "y"], "auto"], {"h": None, "accuracy": None}, {1}),
    "FiniteDifferences": (
        lambda *a, **k: sd.FiniteDifferences(*a, **k)(AT),
        [E, "x", 1, "auto"],
        {"h": None, "accuracy": None, "dps": None},
        set(),
    ),
    "FiniteDifference.explain": (lambda p: sd.finite_difference(E, "x", p).explain(), [AT], {}, {0}),
    "compare": (sd.compare, [E, AT, None, 1], {"fd": "auto", "h": None, "dps": 50}, {1}),
    "compare, rendered": (lambda *a, **k: _renders(sd.compare(*a, **k)), [E, AT], {}, {1}),
    "check_gradient": (
        sd.check_gradient,
        [lambda x, y: {"x": y + np.cos(x), "y": x}, E, AT],
        {"rtol": 0.0, "fd": "auto", "dps": 50},
        {2},
    ),
    "steps": (sd.steps, [E, "x", 1], {"detail": "full", "at": None}, set()),
    "steps at a point": (lambda p: sd.steps(E, "x", at=p).to_text(), [AT], {}, {0}),
    "steps, rendered": (lambda *a, **k: _renders(sd.steps(*a, **k)), [E, "x"], {}, set()),
    "step_sweep": (sd.step_sweep, ["exp(x)", "x", {"x": 1.0}, [1e-2, 1e-3]], {}, {2}),
    "plot_step_sweep": (_sweep, ["SWEEP", "sweep.png"], {}, set()),
    "to_text": (sd.to_text, [sd.parse(E)], {}, set()),
    "to_latex": (sd.to_latex, [sd.parse(E)], {}, set()),
    "sigmoid": (sd.sigmoid, [x], {}, set()),
    "relu": (sd.relu, [x], {}, set()),
    "softplus": (sd.softplus, [x], {}, set()),
    "cbrt": (sd.cbrt, [x], {}, set()),
    "Limits": (lambda v: sd.diff("x^3", "x", 2, limits=sd.Limits(max_order=v, max_ops=v)), [5], {}, set()),
    "limits=": (lambda v: sd.compare(E, AT, limits=v), [sd.DEFAULT_LIMITS], {}, set()),
    "Limits.with_overrides": (lambda t: sd.DEFAULT_LIMITS.with_overrides(t), ["max_order=3"], {}, set()),
    "Limits.check_order": (sd.DEFAULT_LIMITS.check_order, [3], {}, set()),
    "Limits.check_dps": (sd.DEFAULT_LIMITS.check_dps, [50], {}, set()),
    "SymbolicGradient": (lambda g: sd.SymbolicGradient(g).to_source(), [{"x": y}], {}, set()),
    "ParseError": (
        lambda m, t, o: str(sd.ParseError(m, t, o)) + sd.ParseError(m, t, o).caret(),
        ["bad", "x+", 1],
        {},
        set(),
    ),
}

SLOTS = [(name, slot) for name, (_, args, kwargs, _points) in CALLS.items() for slot in [*range(len(args)), *kwargs]]


def _signature_error(error: TypeError) -> bool:
    """Raised by the interpreter where the call is made: the innermost frame is not inside a function's body."""
    innermost = traceback.extract_tb(error.__traceback__)[-1]
    in_symdiff = "/symdiff/" in innermost.filename
    return not in_symdiff or (innermost.filename.endswith("limits.py") and innermost.name == "locked")


def outcome(name: str, slot: int | str, label: str) -> str:
    """Make the call with one argument replaced; what escaped, or "" when only what is allowed did."""
    function, args, kwargs, points = CALLS[name]
    pool = WRONG_POINTS if slot in points else WRONG
    args, kwargs = list(args), dict(kwargs)
    if isinstance(slot, int):
        args[slot] = pool[label]
    else:
        kwargs[slot] = pool[label]
    try:
        with time_limit(10.0):
            function(*args, **kwargs)
    except sd.SymdiffError:
        return ""
    except TypeError as error:
        return "" if _signature_error(error) else _escape(error)
    except Exception as error:  # everything else is a bug: report where it came from
        return _escape(error)
    return ""


def _escape(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if "/symdiff/" in f.filename] or frames
    where = f"{Path(mine[-1].filename).name}:{mine[-1].name}"
    try:
        message = str(error)[:120]
    except ValueError:  # the message holds an integer beyond Python's 4,300-digit conversion
        message = "(its message cannot be printed)"
    return f"{type(error).__name__} from {where}: {message}"


@pytest.fixture(autouse=True)
def _in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # plot_step_sweep writes its file here


@pytest.mark.parametrize("name", CALLS)
def test_each_call_works_before_an_argument_is_replaced(name: str) -> None:
    """The calls the fuzzing starts from are valid: a wrong argument is the only thing wrong."""
    function, args, kwargs, _ = CALLS[name]
    function(*args, **kwargs)


@settings(max_examples=max(EXAMPLES * 2, 300), deadline=None)
@given(data=st.data())
def test_a_wrong_argument_gets_a_symdiff_error(data: st.DataObject) -> None:
    name, slot = data.draw(st.sampled_from(SLOTS), label="call and argument")
    pool = WRONG_POINTS if slot in CALLS[name][3] else WRONG
    label = data.draw(st.sampled_from(sorted(pool)), label="value")
    assert outcome(name, slot, label) == "", f"{name}, argument {slot} = {label}"


@pytest.mark.slow
def test_every_wrong_argument_gets_a_symdiff_error() -> None:
    escapes = []
    for name, slot in SLOTS:
        pool = WRONG_POINTS if slot in CALLS[name][3] else WRONG
        for label in pool:
            found = outcome(name, slot, label)
            if found:
                escapes.append(f"{name}, argument {slot} = {label}: {found}")
    assert not escapes, f"{len(escapes)} escapes:\n" + "\n".join(escapes)


ACCEPTED_SILENTLY_BEFORE: dict[str, Callable[[], Any]] = {
    "compare(fd='bogus')": lambda: sd.compare(E, AT, fd="bogus"),  # was "not applicable" and ✓
    "fd_gradient(accuracy='garbage')": lambda: sd.fd_gradient(E, AT, accuracy="garbage"),
    "Tape.to_source(gradient='no')": lambda: sd.Tape(E).to_source(gradient="no"),  # truthy: a gradient
    "diff(order=True)": lambda: sd.diff("x^3", "x", order=True),  # was 3x^2
    "steps(order=True)": lambda: sd.steps("x^3", "x", order=True),
    "finite_difference at x=True": lambda: sd.finite_difference("x^2", "x", {"x": True}),  # was 2.0
    "Tape.gradient(x=True)": lambda: sd.Tape("x^2").gradient(x=True),
    "step_sweep at x=True": lambda: sd.step_sweep("x^2", "x", {"x": True}),
    "diff(sympy.I)": lambda: sd.diff(sp.I, "x"),  # was 0
    "diff(sympy.nan)": lambda: sd.diff(sp.nan, "x"),  # was 0
    "gradient(sympy.oo)": lambda: sd.gradient(sp.oo),  # was {}
    "gradient(MatrixSymbol)": lambda: sd.gradient(sp.MatrixSymbol("M", 2, 2)),  # was {}
    "Tape(x + I)": lambda: sd.Tape(x + sp.I),  # its value was nan
    "Tape(Symbol('x y'))": lambda: sd.Tape(sp.Symbol("x y")),
    "steps(sympy.true)": lambda: sd.steps(sp.true, "x"),
    "log(x, -2) from SymPy": lambda: sd.diff(sp.log(x, -2), "x"),
}


@pytest.mark.parametrize("call", ACCEPTED_SILENTLY_BEFORE.values(), ids=ACCEPTED_SILENTLY_BEFORE.keys())
def test_a_wrong_value_once_accepted_silently_is_refused(call: Callable[[], Any]) -> None:
    with pytest.raises(sd.SymdiffError):
        call()
