"""Directional derivatives of the seed model by finite differences: time, error and bound per method.

The seed's model in matrix form (10-64-1, relu, squared error, batch 256, 769 parameters)
along a random direction in all the parameters: ∇f·v estimated by each method, its true
error (against the mpmath reference at 50 digits, itself checked against the tape's
gradient), the reported bound and how much it over-estimates the error, and the time per
call (minimum over repeats; compare with the tape's gradient, also timed). Then how the
cost scales with the width and the batch, and the time of the reference.

Run from the repository root: ``python benchmarks/bench_directional.py`` (about a minute).
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one thread, before NumPy loads
    os.environ.setdefault(_name, "1")

import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import mpmath  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's symdiff

import symdiff as sd  # noqa: E402
from symdiff.finite.arrays import DirectionalDerivatives, directional_reference  # noqa: E402

SEED = "x: 10; W1: {w}x10; b1: {w}; w2: {w}; b2, t: scalar\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"
TANH = "x: 10; W1: {w}x10; b1: {w}; w2: {w}; b2, t: scalar\nh = tanh(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"
METHODS = ["auto", "central", "forward", "richardson", "mpmath"]


def model(text: str, width: int, batch: int, seed: int = 0) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    tape = sd.Tape(text.format(w=width))
    rng = np.random.default_rng(seed)
    point = {
        "W1": rng.normal(size=(width, 10)) / 3,
        "b1": rng.normal(size=width),
        "w2": rng.normal(size=width) / np.sqrt(width),
        "b2": 0.3,
        "x": rng.normal(size=(batch, 10)),
        "t": rng.normal(size=batch),
    }
    direction = {name: rng.normal(size=np.shape(point[name])) for name in ("W1", "b1", "w2", "b2")}
    return tape, point, direction


def best_time(call: Callable[[], Any], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def table(text: str, label: str) -> None:
    tape, point, direction = model(text, 64, 256)
    start = time.perf_counter()
    reference = directional_reference(tape, point, direction, dps=50)
    reference_time = time.perf_counter() - start
    gradient = tape.gradient(point)
    dotted = sum(float(np.sum(gradient[n] * direction[n])) for n in direction)
    gradient_time = best_time(lambda: tape.gradient(point), 10)
    print(f"\n{label}: 769 parameters, batch 256, a random direction; ∇f·v = {reference.digits[:20]}…")
    print(f"  tape gradient · v differs from the reference by {abs(dotted - float(reference.value)):.2g}")
    print(
        f"  {'method':<11} {'time':>9} {'× gradient':>10} {'true error':>11} {'bound':>9} {'bound/error':>11}  detail"
    )
    for method in METHODS:
        if method == "complex" and text == SEED:
            continue
        derivatives = DirectionalDerivatives(tape, method)  # type: ignore[arg-type]
        result = derivatives(point, direction)
        seconds = best_time(lambda d=derivatives: d(point, direction), 1 if method == "mpmath" else 3)
        with mpmath.workdps(60):
            error = float(abs(mpmath.mpf(result.value) - reference.value))
        ratio = f"{result.error_bound / error:.3g}" if error else "error 0"
        held = "✓" if error <= result.error_bound else "✗"
        print(
            f"  {method:<11} {seconds * 1e3:7.1f}ms {seconds / gradient_time:9.0f}× {error:11.2g} "
            f"{result.error_bound:9.2g} {ratio:>11} {held} {result.detail}, h = {result.step:.3g}"
        )
    print(f"  reference (mpmath, 50 digits, bound {mpmath.nstr(reference.error_bound, 2)}): {reference_time:.2f} s")


def scaling() -> None:
    print("\nScaling (central difference; reference at 50 digits), relu model:")
    print(f"  {'width':>5} {'batch':>5} {'central':>9} {'auto':>9} {'reference':>10}")
    for width, batch in [(16, 256), (64, 64), (64, 256), (64, 1024), (256, 256)]:
        tape, point, direction = model(SEED, width, batch)
        central = DirectionalDerivatives(tape, "central")
        auto = DirectionalDerivatives(tape)
        central(point, direction)
        auto(point, direction)
        t_central = best_time(lambda c=central, p=point, v=direction: c(p, v))
        t_auto = best_time(lambda a=auto, p=point, v=direction: a(p, v), 2)
        start = time.perf_counter()
        directional_reference(tape, point, direction)
        t_reference = time.perf_counter() - start
        print(f"  {width:>5} {batch:>5} {t_central * 1e3:7.1f}ms {t_auto * 1e3:7.1f}ms {t_reference:9.2f}s")


if __name__ == "__main__":
    table(SEED, "The seed model (relu)")
    table(TANH, "The same model with tanh (analytic: auto is the complex step)")
    scaling()
