"""Benchmark symbolic matrix calculus on the backpropagation seed's model, at several widths.

    python benchmarks/bench_matrix.py            # widths 4, 64, 1024, 4096
    python benchmarks/bench_matrix.py --quick    # widths 4 and 64

The model is the seed's, in matrix form::

    x: 10; W1: <width>x10; b1: <width>; w2: <width>; b2, t: scalar
    h = relu(W1 x + b1)
    y = w2 h + b2
    L = (y - t)^2

Rows, each the best of several repeats in this one run:
- formulas: parse and reverse mode over the tensor graph (every parameter's matrix formula);
- sd.gradient: the same and every check it makes before returning (the tape at the declared
  sizes, sympy.diff of the element-wise expansion at small sizes): what a user waits for;
- sd.steps(program, "W1"): the layer-by-layer derivation, every step checked;
- for comparison, the scalar route: ``sd.gradient`` of the seed written with one line per
  hidden unit (examples/08), whose formulas are 769 partial derivatives (width 64 only: it
  grows with the width).

The target (issue 15): the symbolic gradient of the seed model in ≤ 0.2 s, independent of the
width. The first call in a process also pays for SymPy's caches and for the modules SymPy
imports the first time it adds two expressions (0.15 s); both are reported separately.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import symdiff as sd
from symdiff.language.parser import parse_program
from symdiff.symbolic import matrix

ROOT = Path(__file__).resolve().parent.parent


def program(width: int) -> str:
    return (
        f"x: 10; W1: {width}x10; b1: {width}; w2: {width}; b2, t: scalar\n"
        "h = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"
    )


def scalar_program(width: int) -> str:
    """The seed's model as examples/08 writes it: one line per hidden unit."""
    lines = [f"h{j} = relu({' + '.join(f'W{j}_{i}*x{i}' for i in range(1, 11))} + b{j})" for j in range(1, width + 1)]
    lines.append("yhat = " + " + ".join(f"v{j}*h{j}" for j in range(1, width + 1)) + " + c")
    lines.append("L = (yhat - t)^2")
    return "\n".join(lines)


def best(f: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def formulas(width: int) -> None:
    p = parse_program(program(width))
    matrix.gradient_formulas(p, list(p.shapes))  # type: ignore[arg-type]


def first_call(preload: str = "") -> float:
    """sd.gradient of the seed in a fresh process, imports excluded (``preload``: modules imported first)."""
    code = (
        f"import time, sys, symdiff as sd{', ' + preload if preload else ''}; sys.path.insert(0, 'benchmarks'); "
        "from bench_matrix import program; t = time.perf_counter(); sd.gradient(program(64)); "
        "print(time.perf_counter() - t)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="widths 4 and 64 only")
    args = parser.parse_args()
    widths = (4, 64) if args.quick else (4, 64, 1024, 4096)
    repeats = 3 if args.quick else 5
    sd.gradient(program(4))  # warm SymPy's caches: the rows below are steady state
    print(f"{'width':>6} {'formulas':>10} {'sd.gradient':>12} {'sd.steps':>10}")
    for width in widths:
        row = [
            best(lambda w=width: formulas(w), repeats),
            best(lambda w=width: sd.gradient(program(w)), repeats),
            best(lambda w=width: sd.steps(program(w), "W1"), repeats),
        ]
        print(f"{width:>6} " + " ".join(f"{1000 * t:>9.1f}ms".rjust(w) for t, w in zip(row, (10, 12, 10), strict=True)))
    cold, lazy = min(first_call() for _ in range(3)), min(first_call("sympy.tensor.tensor") for _ in range(3))
    print(f"first sd.gradient in a fresh process (width 64): {1000 * cold:.0f} ms")
    print(f"  the same with SymPy's lazily imported modules loaded (its first sum imports them): {1000 * lazy:.0f} ms")
    scalar = best(lambda: sd.gradient(scalar_program(64)), 1)
    matrix_time = best(lambda: sd.gradient(program(64)), repeats)
    print(
        f"scalar route, 64 lines and 769 partials (width 64): {1000 * scalar:.0f} ms, "
        f"{scalar / matrix_time:.0f}x the matrix route"
    )


if __name__ == "__main__":
    main()
