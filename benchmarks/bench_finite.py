"""Finite differences: symdiff's methods against numdifftools, scipy.differentiate and mpmath.diff.

For each of 16 functions at a point, and each method, the table gives the relative error
against the exact derivative (the symbolic derivative evaluated by mpmath at 50 digits),
whether the reported error bound held (✓/✗; "·" when the method reports none), and the
time per call. The summary gives, per method: median and worst relative error, how many
bounds held, the median over-estimate (bound ÷ true error, the error floored at half an
ulp of the exact value, since no float answer can do better), how many results were
reported "ok" (for peers: an error estimate within 1e-6 of the value) with a relative error
above 1e-6, and the median time per call. Then the vectorised cost per point, the Hessian
check, and the issue's targets.

symdiff is timed through its compiled object (``FiniteDifferences``), peers through their
usual API with a NumPy (or mpmath) function made by SymPy's lambdify. Times are minima
over repeats, measured in one run: compare ratios, not absolute values.

Run from the repository root: ``python benchmarks/bench_finite.py`` (a few minutes).
Peers that are not installed are skipped.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's symdiff

import symdiff as sd
from symdiff.tape.reference import value as reference

CASES = [
    ("seed 3x²-4x+5 at 3", "3x^2 - 4x + 5", 3.0),
    ("exp at 1", "exp(x)", 1.0),
    ("exp at 20", "exp(x)", 20.0),
    ("sin at 1", "sin(x)", 1.0),
    ("sin at 100", "sin(x)", 100.0),
    ("log at 1e-3", "log(x)", 1e-3),
    ("1/x at 1e-2", "1/x", 1e-2),
    ("1/x at 1", "1/x", 1.0),
    ("x^x at 1.5", "x^x", 1.5),
    ("tanh at 0.5", "tanh(x)", 0.5),
    ("sqrt at 1e-4", "sqrt(x)", 1e-4),
    ("sin(1000x) at 1", "sin(1000x)", 1.0),
    ("Runge at 0.2", "1/(1 + 25x^2)", 0.2),
    ("x·|x| at 0.3", "x*abs(x)", 0.3),
    ("exp(100x) at 0.1", "exp(100x)", 0.1),
    ("degree 8 at 1.3", "x^8 - 3x^7 + 2x^5 - x^3 + 7x - 1", 1.3),
]
SYMDIFF_METHODS = ["auto", "complex", "richardson", "central", "forward", "mpmath"]
TOLERANCE = 1e-6


@dataclass
class Outcome:
    relative: float  # |value - exact| / |exact|
    held: bool | None  # None: no bound reported
    over: float | None  # bound / max(error, half an ulp of exact)
    claims_ok: bool
    seconds: float

    @property
    def silently_wrong(self) -> bool:
        """Off by more than 1e-6 while saying otherwise: "ok", or a bound below the error."""
        finite = self.relative != float("inf")  # no answer at all is loud, not silent
        return finite and self.relative > TOLERANCE and (self.claims_ok or self.held is False)


def per_call(call: Callable[[], object], budget: float = 0.05, repeats: int = 5) -> float:
    """Seconds per call: the minimum over repeats of batches lasting about ``budget``."""
    call()
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    batch = max(1, int(budget / once))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            call()
        best = min(best, (time.perf_counter() - start) / batch)
    return best


def outcome(value: float, bound: float | None, claims_ok: bool, exact: mpmath.mpf, seconds: float) -> Outcome:
    with mpmath.workdps(50):
        error = abs(mpmath.mpf(value) - exact) if np.isfinite(value) else mpmath.inf
        relative = float(error / abs(exact))
        if bound is None:
            return Outcome(relative, None, None, claims_ok, seconds)
        floor = max(float(error), float(abs(exact)) * 2.0**-53)
        if not np.isfinite(value):  # no answer: its estimate bounds nothing
            return Outcome(relative, False, None, claims_ok, seconds)
        held = bool(error <= bound) if not np.isnan(bound) else False
        return Outcome(relative, held, bound / floor if np.isfinite(bound) else float("inf"), claims_ok, seconds)


def symdiff_method(method: str) -> Callable[[str, float, mpmath.mpf], Outcome | None]:
    def run(expr: str, x: float, exact: mpmath.mpf) -> Outcome | None:
        try:
            fd = sd.FiniteDifferences(expr, "x", method=method)  # type: ignore[arg-type]
        except sd.MethodError:
            return None  # the complex step on x·|x|: refused, with a reason
        r = fd({"x": x})
        budget = 0.2 if method in ("richardson", "mpmath") else 0.05
        seconds = per_call(lambda: fd({"x": x}), budget=budget, repeats=3 if method in ("richardson", "mpmath") else 5)
        return outcome(r.value, r.error_bound, r.status == "ok", exact, seconds)

    return run


def numpy_function(expr: str) -> Callable[..., object]:
    x = sp.Symbol("x", real=True)
    return sp.lambdify(x, sd.parse(expr), modules="numpy")


def numdifftools_run(expr: str, x: float, exact: mpmath.mpf) -> Outcome:
    import numdifftools as nd

    derivative = nd.Derivative(numpy_function(expr), full_output=True)
    result = derivative(x)
    value, estimate = float(result.estimate), float(result.error_estimate)
    ok = np.isfinite(value) and np.isfinite(estimate) and estimate <= TOLERANCE * abs(value)
    return outcome(
        value, estimate if np.isfinite(estimate) else np.inf, bool(ok), exact, per_call(lambda: derivative(x))
    )


def scipy_run(expr: str, x: float, exact: mpmath.mpf) -> Outcome:
    from scipy.differentiate import derivative

    f = numpy_function(expr)
    result = derivative(f, x)
    value, estimate = float(result.df), float(result.error)
    ok = bool(result.success) and np.isfinite(estimate) and estimate <= TOLERANCE * abs(value)
    return outcome(value, estimate, ok, exact, per_call(lambda: derivative(f, x)))


def mpmath_diff_run(expr: str, x: float, exact: mpmath.mpf) -> Outcome:
    s = sp.Symbol("x", real=True)
    f = sp.lambdify(s, sd.parse(expr), modules="mpmath")
    value = float(mpmath.diff(f, x))
    return outcome(value, None, False, exact, per_call(lambda: mpmath.diff(f, x), budget=0.1, repeats=3))


def peers() -> dict[str, Callable[[str, float, mpmath.mpf], Outcome | None]]:
    found: dict[str, Callable[[str, float, mpmath.mpf], Outcome | None]] = {}
    try:
        import numdifftools  # noqa: F401

        found["numdifftools"] = numdifftools_run
    except ImportError:
        print("numdifftools is not installed: skipped (pip install numdifftools)")
    try:
        from scipy.differentiate import derivative  # noqa: F401

        found["scipy.differentiate"] = scipy_run
    except ImportError:
        print("scipy.differentiate is not available (SciPy ≥ 1.15): skipped")
    found["mpmath.diff"] = mpmath_diff_run
    return found


def cell(o: Outcome | None) -> str:
    if o is None:
        return "refused"
    mark = "·" if o.held is None else ("✓" if o.held else "✗")
    return f"{o.relative:8.1e} {mark}"


def width(name: str) -> int:
    return max(14, len(name.replace("symdiff ", "")) + 2)


def microseconds(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs" if seconds >= 1e-4 else f"{seconds * 1e6:.1f} µs"


def main() -> None:
    runners = {f"symdiff {m}": symdiff_method(m) for m in SYMDIFF_METHODS} | peers()
    results: dict[str, list[Outcome | None]] = {name: [] for name in runners}
    print("relative error (✓ bound held, ✗ bound failed, · no bound reported)\n")
    names = list(runners)
    print(f"{'function':22s}" + "".join(f"{n.replace('symdiff ', ''):>{width(n)}s}" for n in names))
    for label, expr, x in CASES:
        exact = reference(sd.diff(expr, "x"), {"x": x}, 50)
        row = f"{label:22s}"
        for name, run in runners.items():
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                o = run(expr, x, exact)
            results[name].append(o)
            row += f"{cell(o):>{width(name)}s}"
        print(row, flush=True)

    print("\nsummary over the 16 functions")
    print(
        f"{'method':22s}{'median err':>11s}{'worst err':>11s}{'bounds held':>13s}{'median over':>13s}"
        f"{'ok but wrong':>14s}{'silently wrong':>16s}{'time/call':>12s}"
    )
    for name in names:
        done = [o for o in results[name] if o is not None]
        relative = [o.relative for o in done]
        bounded = [o for o in done if o.held is not None]
        held = f"{sum(o.held for o in bounded)}/{len(bounded)}" if bounded else "—"
        overs = [o.over for o in bounded if o.over is not None]
        over = f"{statistics.median(overs):.1f}×" if overs else "—"
        wrong = sum(o.claims_ok and o.relative > TOLERANCE for o in done) if name.startswith("symdiff") else "—"
        silent = sum(o.silently_wrong for o in done)
        print(
            f"{name:22s}{statistics.median(relative):11.1e}{max(relative):11.1e}{held:>13s}{over:>13s}"
            f"{wrong!s:>14s}{silent:>16d}{microseconds(statistics.median(o.seconds for o in done)):>12s}"
        )
    vectorised()
    hessian()
    targets(results)


def vectorised() -> None:
    print("\nvectorised over 10⁴ points (time per point, bound included)")
    xs = np.linspace(0.5, 2.0, 10_000)
    for expr in ("sin(x)", "3x^2 - 4x + 5", "x^x", "tanh(x)"):
        line = f"  {expr:16s}"
        for method in ("auto", "central"):
            fd = sd.FiniteDifferences(expr, "x", method=method)  # type: ignore[arg-type]
            seconds = per_call(lambda fd=fd: fd({"x": xs}), budget=0.2, repeats=3)
            line += f"  {method}: {seconds / xs.size * 1e9:6.0f} ns"
        print(line)


HESSIAN = "sin(x)*exp(y)*z^2 + x*y*z + log(1 + x^2 y^2)"


def hessian() -> None:
    point = {"x": 0.7, "y": -0.3, "z": 1.3}
    result = sd.fd_hessian(HESSIAN, point)
    symbolic = sd.hessian(HESSIAN)
    worst = 0.0
    for i in range(3):
        for j in range(3):
            truth = reference(symbolic[i, j], {str(s): point[str(s)] for s in symbolic[i, j].free_symbols}, 50)
            worst = max(worst, abs(result.value[i, j] - float(truth)))
    print(f"\nHessian of {HESSIAN} at x=0.7, y=-0.3, z=1.3: largest error {worst:.1e} (status {result.status})")


def targets(results: dict[str, list[Outcome | None]]) -> None:
    auto = [o for o in results["symdiff auto"] if o is not None]
    richardson = [o for o in results["symdiff richardson"] if o is not None]
    ours = [o for name, rs in results.items() if name.startswith("symdiff") for o in rs if o is not None]
    over = [o.over for o in auto if o.over is not None]
    print("\ntargets")
    median, worst = statistics.median(o.relative for o in auto), max(o.relative for o in auto)
    print(f"  auto: median {median:.1e} (≤ 1e-14), worst {worst:.1e} (≤ 1e-12)")
    median, worst = statistics.median(o.relative for o in richardson), max(o.relative for o in richardson)
    print(f"  richardson: median {median:.1e} (≤ 1e-12), worst {worst:.1e} (≤ 1e-9)")
    held = all(o.held for o in ours)
    print(f"  every symdiff bound held: {held}; auto's median over-estimate {statistics.median(over):.1f}× (≤ 10×)")
    wrong = sum(o.claims_ok and o.relative > TOLERANCE for o in ours)
    print(f"  symdiff results 'ok' with a relative error above 1e-6: {wrong} (0)")
    for name in ("symdiff auto", "symdiff central"):
        seconds = statistics.median(o.seconds for o in results[name] if o is not None)
        print(f"  {name}: median time per call {microseconds(seconds)} (≤ 20 µs)")


if __name__ == "__main__":
    main()
