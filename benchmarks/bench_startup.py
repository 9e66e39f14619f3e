"""Start-up and per-call overhead against SymPy, and parsing speed.

    python benchmarks/bench_startup.py            # about a minute
    python benchmarks/bench_startup.py --runs 40  # steadier start-up numbers

Every ratio compares two timings taken side by side in this one run (a shared machine is noisy):

- start-up: fresh interpreters, run in turn, ``--runs`` times each; the median wall time and the
  median CPU time (user + system, which waiting for a busy core does not inflate), each ÷
  ``python -c "import sympy"``. Targets: ``python -m symdiff "a*b+c" --wrt a`` ≤ 1.15×, ``import
  symdiff`` ≤ 1.1×. "sympy, same job" is SymPy alone doing what that command does (symbols,
  ``diff``, print): the floor, since SymPy's first sum imports its tensor module (≈ 0.05 s).
  Bytecode is written and used, as for an installed package.
- per call (CPU time of this process): ``symdiff.diff(text, "x")`` ÷ ``sympy.diff(expr, x)`` on
  textbook expressions. "warm" repeats the same call (both remember what they computed, in
  SymPy's cache); target ≤ 2×. "cold" clears SymPy's cache before every call: symdiff then
  parses and tidies the result anew.
- parse (CPU time): characters per second for the seed's 66-line PyTorch model (examples/08),
  with SymPy's cache cleared before each parse, so nothing is remembered; target ≥ 50,000.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.core.cache import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's symdiff, not an installed one

import symdiff as sd

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "python -c 'import sympy'": ["-c", "import sympy"],
    "sympy, same job": [
        "-c",
        "import sympy as sp; a, b, c = sp.symbols('a b c', real=True); print(sp.diff(a*b + c, a))",
    ],
    "import symdiff": ["-c", "import symdiff"],
    'python -m symdiff "a*b+c" --wrt a': ["-m", "symdiff", "a*b+c", "--wrt", "a"],
}
TARGETS = {"import symdiff": 1.1, 'python -m symdiff "a*b+c" --wrt a': 1.15}
TEXTBOOK = ["x^2 sin(x)", "3x^2 - 4x + 5", "exp(-x^2/2)", "sin(x)/x", "log(1 + x^2)", "tanh(x)^2", "sigmoid(w*x + b)"]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup(runs: int) -> list[dict[str, str]]:
    # As installed: bytecode cached (this environment may say not to write it), this checkout first.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    for argv in COMMANDS.values():
        run_once(argv, env)  # writes the bytecode, warms the file cache
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, argv in COMMANDS.items():  # in turn, so that a busy spell hits every command alike
            wall, cpu = run_once(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    base_wall = statistics.median(walls["python -c 'import sympy'"])
    base_cpu = statistics.median(cpus["python -c 'import sympy'"])
    rows = []
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        target = TARGETS.get(name)
        rows.append(
            {
                "command": name,
                "wall": f"{wall * 1e3:.0f} ms",
                "CPU": f"{cpu * 1e3:.0f} ms",
                "wall ratio": f"{wall / base_wall:.2f}",
                "CPU ratio": f"{cpu / base_cpu:.2f}",
                "target": f"≤ {target}" if target else "",
                "met (CPU)": ("yes" if cpu / base_cpu <= target else "no") if target else "",
            }
        )
    return rows


# In-process timings are CPU time (time.process_time), which other work on a shared machine
# does not inflate the way it does wall time.


def per_call(f: Callable[[], Any], budget: float = 0.1, repeats: int = 5) -> float:
    """Seconds per call, warm: the best of ``repeats`` loops of about ``budget`` seconds."""
    f()
    start = time.process_time()
    f()
    loops = max(1, int(budget / max(time.process_time() - start, 1e-6)))
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(loops):
            f()
        best = min(best, (time.process_time() - start) / loops)
    return best


def cold(f: Callable[[], Any], runs: int = 25) -> float:
    """Median seconds per call with SymPy's cache cleared before each (the clearing not timed)."""
    times = []
    for _ in range(runs):
        clear_cache()
        start = time.process_time()
        f()
        times.append(time.process_time() - start)
    return statistics.median(times)


def call_row(text: str, x: sp.Symbol) -> dict[str, str]:
    expr = sd.parse(text)
    assert sd.diff(text, "x") == sd.symbolic.derivatives.tidy(sp.diff(expr, x))  # the same job
    warm_sd, warm_sp = per_call(lambda: sd.diff(text, "x")), per_call(lambda: sp.diff(expr, x))
    cold_sd, cold_sp = cold(lambda: sd.diff(text, "x")), cold(lambda: sp.diff(expr, x))
    return {
        "expression": text,
        "symdiff warm": f"{warm_sd * 1e6:.1f} µs",
        "sympy.diff warm": f"{warm_sp * 1e6:.1f} µs",
        "warm ratio (≤ 2)": f"{warm_sd / warm_sp:.2f}",
        "symdiff cold": f"{cold_sd * 1e3:.2f} ms",
        "sympy.diff cold": f"{cold_sp * 1e3:.2f} ms",
        "cold ratio": f"{cold_sd / cold_sp:.1f}",
    }


def calls() -> list[dict[str, str]]:
    x = sd.parse("x").free_symbols.pop()  # symdiff's real x, as sympy.diff is given it
    return [call_row(text, x) for text in TEXTBOOK]


def seed_model() -> str:
    spec = importlib.util.spec_from_file_location("pytorch_model", ROOT / "examples" / "08_pytorch_model.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pytorch_model"] = module
    spec.loader.exec_module(module)
    return str(module.model())


def parsing() -> list[dict[str, str]]:
    text = seed_model()
    seconds = cold(lambda: sd.parse_program(text), runs=7)
    return [
        {
            "input": f"examples/08 model: {text.count(chr(10)) + 1} lines, {len(text):,} characters",
            "parse (cold)": f"{seconds * 1e3:.0f} ms",
            "characters/s": f"{len(text) / seconds:,.0f}",
            "target": "≥ 50,000",
            "met": "yes" if len(text) / seconds >= 50_000 else "no",
        }
    ]


def print_table(rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    widths = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for r in rows:
        print(" | ".join(r.get(c, "").ljust(widths[c]) for c in columns))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="fresh interpreters per start-up command (default 20)")
    options = parser.parse_args()
    print_table(startup(options.runs))
    print_table(calls())
    print_table(parsing())


if __name__ == "__main__":
    main()
