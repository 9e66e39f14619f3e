"""Symbolic gradients at network scale: sympy.diff per variable, sympy.diff + sympy.cse, symdiff's reverse mode.

    python benchmarks/bench_symbolic.py            # everything (a few minutes)
    python benchmarks/bench_symbolic.py --quick    # skip sympy.diff on the network and on n = 1000

Each case's gradient is computed three ways, side by side in one run:
- sympy.diff: ``sympy.diff(f, v)`` once per variable;
- + cse: the same, then ``sympy.cse`` over all the partials (the time is for both);
- reverse: ``symdiff.gradient(f, wrt, method="reverse")``, lowering to the graph included.

"ops" is SymPy's ``count_ops`` added up over every partial and every shared definition;
"f ops" is the function's own. Times are the best of several runs (one for the slow
sympy.diff cases), with SymPy's cache cleared before each, on a shared and noisy machine.

Cases (from benchmarks/cases.py): the squared error of a 16-input, 32-unit tanh network,
L = (t − Σⱼ vⱼ·tanh(Σᵢ Wⱼᵢ·xᵢ))², differentiated with respect to its 544 parameters (the
512 weights Wⱼᵢ and the 32 output weights vⱼ; the data xᵢ and t are held constant); the sum
Σ sin(xᵢ)·xᵢ₊₁ + Σ exp(xᵢ/n) for n = 10, 100, 1000 with respect to every xᵢ; and the chain
tanh(w₅₀·tanh(… tanh(w₁·x))) with respect to every wₖ and x.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.core.cache import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's symdiff, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import Case, chain_case, network_case, sum_case

import symdiff as sd


def best(f: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The shortest of ``repeats`` runs of ``f`` (SymPy's cache cleared before each) and its result."""
    fastest, result = math.inf, None
    for _ in range(repeats):
        clear_cache()
        start = time.perf_counter()
        result = f()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def ops(exprs: Sequence[sp.Expr]) -> int:
    return sum(sp.count_ops(e) for e in exprs)


@dataclass
class Row:
    case: str
    variables: int
    function_ops: int
    diff: tuple[float, int] | None
    cse: tuple[float, int] | None
    reverse: tuple[float, int]


def measure(case: Case, wrt: Sequence[sp.Symbol], slow: bool) -> Row:
    f = case.expression
    names = [s.name for s in wrt]
    seconds, gradient = best(lambda: sd.gradient(f, names, method="reverse"), repeats=5)
    reverse = (seconds, gradient.count_ops())
    diff = cse = None
    if slow:
        seconds, partials = best(lambda: [sp.diff(f, v) for v in wrt], repeats=1 if len(wrt) > 500 else 3)
        diff = (seconds, ops(partials))
        cse_seconds, (replacements, reduced) = best(lambda: sp.cse(partials), repeats=1)
        cse = (seconds + cse_seconds, ops([e for _, e in replacements]) + ops(reduced))
    return Row(case.name, len(wrt), sp.count_ops(f), diff, cse, reverse)


def cell(measured: tuple[float, int] | None) -> str:
    return f"{'skipped':>19}" if measured is None else f"{measured[0]:8.3f} s {measured[1]:>9,}"


def table(rows: list[Row]) -> str:
    lines = [
        f"{'case':<33}{'wrt':>5}{'f ops':>7} | {'sympy.diff':>19} | {'sympy.diff + cse':>19} | "
        f"{'symdiff reverse':>19} | {'speed-up':>8} {'ops/f':>6}",
        f"{'':<45} | {'time      ops':>19} | {'time      ops':>19} | {'time      ops':>19} |",
    ]
    for r in rows:
        speedup = f"{r.diff[0] / r.reverse[0]:7.0f}×" if r.diff else f"{'':>8}"
        lines.append(
            f"{r.case:<33}{r.variables:>5}{r.function_ops:>7} | {cell(r.diff)} | {cell(r.cse)} | "
            f"{cell(r.reverse)} | {speedup} {r.reverse[1] / r.function_ops:6.2f}"
        )
    return "\n".join(lines)


def targets(rows: dict[str, Row]) -> list[str]:
    network, large, chain = rows["network"], rows["sum n=1000"], rows["chain"]
    checks = [
        ("544-parameter gradient in ≤ 1 s", network.reverse[0] <= 1.0),
        ("its operations ≤ 4× the loss's", network.reverse[1] <= 4 * network.function_ops),
        ("n = 1000 in ≤ 1 s", large.reverse[0] <= 1.0),
        ("chain operations ≤ 4× the function's", chain.reverse[1] <= 4 * chain.function_ops),
    ]
    if network.diff:
        checks.insert(1, ("≥ 20× faster than sympy.diff per variable", network.diff[0] >= 20 * network.reverse[0]))
    return [f"{'met' if ok else 'MISSED':>6}  {what}" for what, ok in checks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip sympy.diff on the network and on n = 1000")
    args = parser.parse_args()
    network = network_case(16, 32)
    parameters = [s for s in network.symbols if s.name[0] in "Wv"]
    cases = {
        "network": (network, parameters, not args.quick),
        "sum n=10": (sum_case(10), None, True),
        "sum n=100": (sum_case(100), None, True),
        "sum n=1000": (sum_case(1000), None, not args.quick),
        "chain": (chain_case(50), None, True),
    }
    rows = {}
    for key, (case, wrt, slow) in cases.items():
        rows[key] = measure(case, wrt if wrt is not None else case.symbols, slow)
        print(f"measured {case.name}", file=sys.stderr, flush=True)
    print(table(list(rows.values())))
    print()
    print("\n".join(targets(rows)))


if __name__ == "__main__":
    main()
