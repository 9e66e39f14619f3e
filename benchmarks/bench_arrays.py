"""Benchmark the array tape on the backpropagation seed's model: symdiff against NumPy by hand, torch and jax.

    python benchmarks/bench_arrays.py            # everything installed (about a minute)
    python benchmarks/bench_arrays.py --quick    # fewer widths

The model is the seed's ``nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))`` with
the MSE over a batch of 256 samples, float64, one thread, written as symdiff writes it::

    x: 10; W1: 64x10; b1: 64; w2: 64; b2, t: scalar
    h = relu(W1 x + b1)
    y = w2 h + b2
    L = (y - t)^2

Every number is measured in this one run (the best of several interleaved repeats), and every
ratio compares timings taken side by side, because a shared 2-core machine is noisy.

Rows:
- forward (NumPy): the loss by hand, ``relu(x @ W1.T + b1) @ w2 + b2`` — the unit of the ratios;
- backprop by hand (NumPy): the same forward and the four parameter gradients, written out;
- symdiff compiled_gradient(wrt=parameters): the tape's positional fast path;
- symdiff tape.gradient: a dict in, a dict out, every input's gradient (data included);
- torch eager: ``loss.backward()`` on the same model, float64, ``torch.set_num_threads(1)``;
- jax jit(grad): steady state (after its compilation, which is reported separately).

Build: ``Tape(text)`` plus the first compiled gradient (parse, lower, generate, compile), at
the seed's width and at 4096, against jax's first call (tracing and compiling).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one thread, before NumPy loads
    os.environ.setdefault(_variable, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import symdiff as sd  # noqa: E402

INPUTS, SAMPLES = 10, 256


def program(width: int) -> str:
    return (
        f"x: {INPUTS}; W1: {width}x{INPUTS}; b1: {width}; w2: {width}; b2, t: scalar\n"
        "h = relu(W1 x + b1)\n"
        "y = w2 h + b2\n"
        "L = (y - t)^2"
    )


def data(width: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    bound1, bound2 = 1 / math.sqrt(INPUTS), 1 / math.sqrt(width)  # PyTorch's default Linear initialisation
    x = rng.normal(size=(SAMPLES, INPUTS))
    return {
        "W1": rng.uniform(-bound1, bound1, size=(width, INPUTS)),
        "b1": rng.uniform(-bound1, bound1, size=width),
        "w2": rng.uniform(-bound2, bound2, size=width),
        "b2": float(rng.uniform(-bound2, bound2)),
        "x": x,
        "t": np.sin(x[:, 0]) + x[:, 1] * x[:, 2],
    }


def per_call(f: Callable[[], Any], budget: float = 0.1) -> float:
    start = time.perf_counter()
    f()
    once = max(time.perf_counter() - start, 1e-7)
    loops = max(1, int(budget / once))
    start = time.perf_counter()
    for _ in range(loops):
        f()
    return (time.perf_counter() - start) / loops


def best_interleaved(functions: dict[str, Callable[[], Any]], rounds: int = 7) -> dict[str, float]:
    """The best per-call time of each function, the functions taking turns so that noise hits them all alike."""
    best = dict.fromkeys(functions, math.inf)
    for _ in range(rounds):
        for name, f in functions.items():
            best[name] = min(best[name], per_call(f))
    return best


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def by_hand(p: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[], Any]]:
    x, t, w1, b1, w2, b2 = p["x"], p["t"], p["W1"], p["b1"], p["w2"], p["b2"]

    def forward() -> Any:
        r = np.maximum(x @ w1.T + b1, 0.0) @ w2 + b2 - t
        return r * r

    def backprop() -> Any:
        z = x @ w1.T + b1
        h = np.maximum(z, 0.0)
        r = h @ w2 + b2 - t
        g = 2.0 * r
        gz = g[:, None] * w2 * (z > 0)
        return r * r, (gz.T @ x, gz.sum(axis=0), g @ h, g.sum())

    return forward, backprop


def torch_gradient(p: dict[str, Any]) -> Callable[[], Any] | None:
    if not installed("torch"):
        return None
    import torch

    torch.set_num_threads(1)
    width = p["W1"].shape[0]
    net = torch.nn.Sequential(torch.nn.Linear(INPUTS, width), torch.nn.ReLU(), torch.nn.Linear(width, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(p["W1"]))
        net[0].bias.copy_(torch.tensor(p["b1"]))
        net[2].weight.copy_(torch.tensor(p["w2"][None, :]))
        net[2].bias.copy_(torch.tensor([p["b2"]]))
    x, t = torch.tensor(p["x"]), torch.tensor(p["t"])[:, None]

    def gradient() -> Any:
        net.zero_grad()
        loss = ((net(x) - t) ** 2).sum()
        loss.backward()
        return loss

    return gradient


def jax_gradient(p: dict[str, Any]) -> tuple[Callable[[], Any], float] | None:
    if not installed("jax"):
        return None
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def loss(w1: Any, b1: Any, w2: Any, b2: Any, x: Any, t: Any) -> Any:
        r = jnp.maximum(x @ w1.T + b1, 0.0) @ w2 + b2 - t
        return jnp.sum(r * r)

    grad = jax.jit(jax.grad(loss, argnums=(0, 1, 2, 3)))
    args = [jnp.asarray(p[k]) for k in ("W1", "b1", "w2", "b2", "x", "t")]
    start = time.perf_counter()
    jax.block_until_ready(grad(*args))
    first = time.perf_counter() - start
    return (lambda: jax.block_until_ready(grad(*args))), first


def symdiff_functions(width: int, p: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[], Any], float]:
    start = time.perf_counter()
    tape = sd.Tape(program(width))
    fast = tape.compiled_gradient(wrt=["W1", "b1", "w2", "b2"])
    args = [p[name] for name in tape.variables]
    fast(*args)
    build = time.perf_counter() - start
    return (lambda: fast(*args)), (lambda: tape.gradient(p)), build


def agreement(width: int, p: dict[str, Any]) -> float:
    """The largest relative difference between symdiff's gradient and backprop by hand (a sanity check)."""
    g = sd.Tape(program(width)).gradient(p)
    _, (gw1, gb1, gw2, gb2) = by_hand(p)[1]()
    pairs = [(g["W1"], gw1), (g["b1"], gb1), (g["w2"], gw2), (g["b2"], gb2)]
    return max(float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)) for a, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the seed's width for the build")
    options = parser.parse_args()

    p = data(64)
    forward, backprop = by_hand(p)
    fast, dicts, _build = symdiff_functions(64, p)
    functions: dict[str, Callable[[], Any]] = {
        "forward (NumPy)": forward,
        "backprop by hand (NumPy)": backprop,
        "symdiff compiled_gradient(wrt=parameters)": fast,
        "symdiff tape.gradient (every input, dicts)": dicts,
    }
    torch_fn = torch_gradient(p)
    if torch_fn is not None:
        functions["torch eager, loss.backward()"] = torch_fn
    jax_fns = jax_gradient(p)
    if jax_fns is not None:
        functions["jax jit(grad), steady state"] = jax_fns[0]
    times = best_interleaved(functions)
    unit, hand, ours = (
        times["forward (NumPy)"],
        times["backprop by hand (NumPy)"],
        times["symdiff compiled_gradient(wrt=parameters)"],
    )
    print(
        f"seed model 10-{64}-1, batch {SAMPLES}, float64, one thread; gradient equal to backprop by hand to "
        f"{agreement(64, p):.1e}"
    )
    print()
    print(f"{'':46} {'time':>9} {'÷ forward':>10} {'÷ by hand':>10} {'÷ symdiff':>10}")
    for name, seconds in times.items():
        print(f"{name:46} {seconds * 1e6:7.1f} µs {seconds / unit:10.2f} {seconds / hand:10.2f} {seconds / ours:10.2f}")
    print()
    widths = [64] if options.quick else [64, 1024, 4096]
    print(f"{'build (Tape + first compiled gradient)':46} " + "  ".join(f"{'width ' + str(w):>12}" for w in widths))
    builds = []
    for w in widths:
        builds.append(min(symdiff_functions(w, data(w))[2] for _ in range(3)))
    print(f"{'symdiff':46} " + "  ".join(f"{b * 1e3:9.1f} ms" for b in builds))
    if jax_fns is not None:
        print(f"{'jax jit(grad), first call':46} {jax_fns[1] * 1e3:9.1f} ms")


if __name__ == "__main__":
    main()
