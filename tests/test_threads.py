"""symdiff from eight threads gives exactly what it gives from one.

mpmath's working precision is one setting for the whole process, and SymPy's evalf changes
it too; without symdiff's lock, 2 threads at 300 digits and 6 at 15 produced "300-digit"
references right to 15 digits. Every public entry point now holds one lock and starts from
mpmath's default precision, whatever the caller left set.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import mpmath

import symdiff as sd

F = "exp(x)*cos(x) + log(1 + x^2)*atan(x)"
PROGRAM = "h = tanh(w*x + b); L = (h - t)^2"
POINT = {"w": 0.5, "x": 2.0, "b": -0.25, "t": 0.3}

# Each call returns text; the texts must be identical in every thread and every order.
CALLS: dict[str, Callable[[], str]] = {
    "compare at 15 digits": lambda: sd.compare(F, {"x": "1/3"}, dps=15).to_json(),
    "compare at 50 digits": lambda: sd.compare(F, {"x": "1/3"}).to_text(),
    "compare at 300 digits": lambda: sd.compare(F, {"x": "1/3"}, dps=300).to_json(),
    "compare a program": lambda: sd.compare(PROGRAM, POINT, dps=120).to_markdown(),
    "steps at a point": lambda: sd.steps(PROGRAM, "w", at=POINT).to_text(),
    "finite difference by mpmath": lambda: repr(sd.finite_difference(F, "x", {"x": 0.3}, "mpmath", dps=200).value),
    "finite difference explained": lambda: sd.finite_difference(F, "x", {"x": 0.3}, "richardson").explain(),
    "gradient check": lambda: str(sd.check_gradient(lambda x: [2 * x], "x^2", {"x": 0.7})),
    "tape": lambda: repr(sd.Tape(PROGRAM).gradient(POINT)),
    "latex": lambda: sd.to_latex(sd.diff(F, "x")),
}


def _run(rotation: int, repeats: int) -> list[tuple[str, str]]:
    names = list(CALLS)
    names = names[rotation % len(names) :] + names[: rotation % len(names)]
    return [(name, CALLS[name]()) for _ in range(repeats) for name in names]


@contextmanager
def _switching_often() -> Iterator[None]:
    """Make the interpreter switch threads every microsecond: races show up at once."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_eight_threads_agree_bit_for_bit_with_one_thread() -> None:
    alone = {name: call() for name, call in CALLS.items()}
    with _switching_often(), ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for future in [pool.submit(_run, k, 2) for k in range(8)] for r in future.result()]
    assert len(results) == 8 * 2 * len(CALLS)
    differing = sorted({name for name, text in results if text != alone[name]})
    assert not differing, f"differ from a single-threaded run: {differing}"


def test_results_do_not_depend_on_the_precision_the_caller_left_set() -> None:
    expected = {name: call() for name, call in CALLS.items()}
    with mpmath.workdps(5):  # as user code (or another library) might leave it
        found = {name: call() for name, call in CALLS.items()}
        assert mpmath.mp.dps == 5  # and it is left as it was
    assert found == expected
