"""Benchmark the reverse-mode tape: compile time, the cheap-gradient ratio, and peers.

    python benchmarks/bench_tape.py            # everything installed (a few minutes)
    python benchmarks/bench_tape.py --quick    # skip sympy.diff on the 544-parameter network

Every number is measured in this one run (the best of several repeats), and every ratio
compares two timings taken side by side, because a shared 2-core machine is noisy.

Columns, per case:
- compile: ``Tape(expr)`` plus generating and compiling its float code (first-use cost);
- grad/value: the tape's gradient ÷ the tape's own value (the cheap-gradient principle, ≤ 3);
- grad/py: ``tape.gradient(point)`` (a dict in, a dict out) ÷ ``sympy.lambdify(…, "math")``
  called positionally — a plain Python function of the same expression;
- compiled/py: the same with ``tape.compiled_gradient()``, called positionally like lambdify;
- sympy.diff: ``sympy.diff`` once per variable + ``lambdify`` of each + one evaluation (total;
  after 6 s the rest is extrapolated per variable, marked "≈");
- torch, jax, autograd, micrograd (when installed): the same gradient, written the way each
  library is meant to be used, shown as their time ÷ ``tape.gradient`` time (>1: symdiff is faster).
  "torch (scalars)" runs the same scalar expression through torch eager, one 0-d tensor per
  variable, like symdiff's input; "torch (vectors)" is the natural vectorised formulation.
  "jax jit(grad)" includes its compilation (the first call), as a one-off user would pay it.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import Case, chain_case, network_case, products_case, sum_case

from symdiff import Tape


def per_call(f: Callable[[], Any], budget: float = 0.15, repeats: int = 5) -> float:
    """Seconds per call: the best of ``repeats`` loops of about ``budget`` seconds each."""
    start = time.perf_counter()
    f()
    once = max(time.perf_counter() - start, 1e-7)
    loops = max(1, int(budget / once))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            f()
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def once(f: Callable[[], Any]) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


# -- the same gradients in other libraries ----------------------------------------------------


def torch_scalars(case: Case) -> Callable[[], Any]:
    import torch

    f = sp.lambdify(
        case.symbols, case.expression, modules=[{"sin": torch.sin, "exp": torch.exp, "tanh": torch.tanh}, "math"]
    )
    values = [case.point[s.name] for s in case.symbols]

    def gradient() -> Any:
        leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
        out = f(*leaves)
        out.backward()
        return [leaf.grad for leaf in leaves]

    return gradient


def natural(case: Case, lib: str) -> Callable[[], Any] | None:
    """The case written the way ``lib`` is meant to be used (vectorised), as a gradient call."""
    values = np.array([case.point[s.name] for s in case.symbols])
    if case.name.startswith("sum"):
        n = len(values)

        def f(xp: Any, x: Any) -> Any:
            return xp.sum(xp.sin(x[:-1]) * x[1:]) + xp.sum(xp.exp(x / n))

    elif case.name.startswith("tanh chain"):

        def f(xp: Any, x: Any) -> Any:
            out = x[-1]
            for k in range(len(x) - 1):
                out = xp.tanh(x[k] * out)
            return out

    elif case.name.startswith("products"):

        def f(xp: Any, x: Any) -> Any:
            return xp.sum(x[:-1] * x[1:]) + xp.sum(x**2)

    elif case.name.startswith("network"):
        hidden, inputs = 32, 16

        def f(xp: Any, x: Any) -> Any:
            weights = x[: hidden * inputs].reshape(hidden, inputs)
            v = x[hidden * inputs : hidden * inputs + hidden]
            data = x[hidden * inputs + hidden : -1]
            return (x[-1] - xp.sum(v * xp.tanh(weights @ data))) ** 2

    else:
        return None
    if lib == "torch":
        import torch

        def torch_gradient() -> Any:
            x = torch.tensor(values, requires_grad=True)
            f(torch, x).backward()
            return x.grad

        return torch_gradient
    if lib == "jax":
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        compiled = jax.jit(jax.grad(lambda x: f(jnp, x)))
        x_jax = jnp.asarray(values)
        return lambda: compiled(x_jax).block_until_ready()
    if lib == "autograd":
        import autograd
        import autograd.numpy as anp

        g = autograd.grad(lambda x: f(anp, x))
        return lambda: g(values)
    return None


def micrograd_gradient(case: Case) -> Callable[[], Any] | None:
    """micrograd has +, *, ** and relu only: it can run a case without sin, exp or tanh."""
    from micrograd.engine import Value

    if any(case.expression.has(fn) for fn in (sp.sin, sp.exp, sp.tanh)):
        return None
    f = sp.lambdify(case.symbols, case.expression, modules="math")

    def gradient() -> Any:
        leaves = [Value(case.point[s.name]) for s in case.symbols]
        f(*leaves).backward()
        return [leaf.grad for leaf in leaves]

    return gradient


def sympy_diff_route(case: Case, budget: float = 6.0) -> str:
    """Time for sympy.diff per variable, lambdify of the partials, and one evaluation.

    sympy.diff costs about the same for every variable of these cases, so once ``budget``
    seconds are spent the rest is extrapolated from the variables done (marked "≈"): the
    full route takes minutes at n = 1000 and on the network, and the script must stay short.
    """
    values = [case.point[s.name] for s in case.symbols]
    start = time.perf_counter()
    partials = []
    for s in case.symbols:
        partials.append(sp.diff(case.expression, s))
        if time.perf_counter() - start > budget:
            break
    done = len(partials)
    sp.lambdify(case.symbols, partials, modules="math")(*values)
    elapsed = time.perf_counter() - start
    if done == len(case.symbols):
        return f"{elapsed:.2f} s"
    return f"≈ {elapsed * len(case.symbols) / done:.0f} s ({done}/{len(case.symbols)} done)"


# -- the table ---------------------------------------------------------------------------------


def row(case: Case, quick: bool) -> dict[str, str]:
    args = [case.point[s.name] for s in case.symbols]
    start = time.perf_counter()
    tape = Tape(case.expression)
    compiled = tape.compiled_gradient()
    compile_time = time.perf_counter() - start

    python = sp.lambdify(case.symbols, case.expression, modules="math")
    grad = per_call(lambda: tape.gradient(case.point))
    value = per_call(lambda: tape.value(case.point))
    fast = per_call(lambda: compiled(*args))
    plain = per_call(lambda: python(*args))
    result = {
        "case": case.name,
        "compile": f"{compile_time * 1e3:.0f} ms",
        "grad": f"{grad * 1e6:.0f} µs",
        "grad/value": f"{grad / value:.2f}",
        "grad/py": f"{grad / plain:.2f}",
        "compiled/py": f"{fast / plain:.2f}",
    }
    skip_diff = quick and "network" in case.name
    result["sympy.diff"] = "skipped" if skip_diff else sympy_diff_route(case)
    if installed("torch"):
        result["torch (scalars)"] = f"{per_call(torch_scalars(case), repeats=3) / grad:.0f}×"
        natural_torch = natural(case, "torch")
        result["torch (vectors)"] = f"{per_call(natural_torch) / grad:.1f}×" if natural_torch else "n/a"
    if installed("jax"):
        jax_gradient = natural(case, "jax")
        if jax_gradient is not None:
            first = once(jax_gradient)
            result["jax jit(grad) first call"] = f"{first / grad:.0f}×"
            result["jax steady"] = f"{per_call(jax_gradient) / grad:.2f}×"
    if installed("autograd"):
        autograd_gradient = natural(case, "autograd")
        result["autograd"] = f"{per_call(autograd_gradient) / grad:.1f}×" if autograd_gradient else "n/a"
    if installed("micrograd"):
        micro = micrograd_gradient(case)
        result["micrograd"] = f"{per_call(micro) / grad:.1f}×" if micro else "n/a (no sin/exp/tanh)"
    return result


def batch_row(n: int = 10, samples: int = 100_000) -> dict[str, str]:
    case = sum_case(n)
    rng = np.random.default_rng(0)
    arrays = {s.name: rng.uniform(-1, 1, samples) for s in case.symbols}
    tape = Tape(case.expression)
    tape.gradient(arrays)
    numpy_function = sp.lambdify(case.symbols, case.expression, modules="numpy")
    args = list(arrays.values())
    grad = per_call(lambda: tape.gradient(arrays), budget=0.5)
    plain = per_call(lambda: numpy_function(*args), budget=0.5)
    value = per_call(lambda: tape.value(arrays), budget=0.5)
    return {
        "case": f"batch: sum n={n}, N={samples:,} points",
        "grad": f"{grad * 1e3:.1f} ms",
        "grad/numpy": f"{grad / plain:.2f}",
        "value/numpy": f"{value / plain:.2f}",
        "ns per point": f"{grad / samples * 1e9:.0f}",
    }


def print_table(rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    widths = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for r in rows:
        print(" | ".join(r.get(c, "").ljust(widths[c]) for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip sympy.diff on the network (about 20 s)")
    options = parser.parse_args()
    cases = [sum_case(10), sum_case(100), sum_case(1000), chain_case(50), network_case(), products_case(100)]
    print_table([row(case, options.quick) for case in cases])
    print()
    print_table([batch_row()])


if __name__ == "__main__":
    main()
