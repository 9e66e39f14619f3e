"""Inputs that once took minutes or gigabytes, and how to run one in a measured subprocess.

Each case is a command line (``python -m symdiff …``) within the default limits, or with a
limit raised on purpose. ``tests/test_resources.py`` asserts the time and peak-memory
ceilings; ``benchmarks/bench_hostile.py`` prints the measurements as a table.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _call(name: str, count: int) -> str:
    return f"{name}(" + ", ".join(f"x{i}" for i in range(count)) + ")"


def _chain(first: str, step: str, last: int) -> str:
    """A program: ``first``, then ``step`` for k = 2 … ``last`` with ``{p}`` the line before (k - 1)."""
    return "; ".join([first] + [step.format(k=k, p=k - 1) for k in range(2, last + 1)])


def _names(count: int) -> list[str]:
    """``count`` distinct three-letter names from waa on (no function is called w…): under 10,000 characters."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"{letters[22 + i // 676]}{letters[i // 26 % 26]}{letters[i % 26]}" for i in range(count)]


MAX_100 = _call("max", 100)
MIN_100 = _call("min", 100)
U_CHAIN = _chain("u1 = sin(x)*y + x", "u{k} = sin(u{p})*u{p} + y*u{p}", 8)
A_CHAIN = _chain("a1 = x + y", "a{k} = a{p}*a{p} + y", 15)  # 14 squarings
PRODUCT_1499 = "*".join(f"x{i}" for i in range(1, 1500))
SINES_999 = "+".join(f"sin({k}x)" for k in range(1, 1000))
SUM_1999 = "+".join(_names(1999))
SUM_16000 = "+".join(f"x{i}" for i in range(16_000))  # 110 KB


@dataclass(frozen=True)
class Case:
    """One command line; ``pending`` names the issue whose fix it waits for (the test then expects a failure)."""

    args: tuple[str, ...]
    pending: str = ""


CASES: dict[str, Case] = {
    "max of 100": Case((MAX_100,)),
    "min of 100": Case((MIN_100,)),
    "max of 100 at a point": Case((MAX_100, "--random", "--wrt", "x0,x1")),
    "max of 100, Hessian at a point": Case((MAX_100, "--random", "--hessian")),
    "shared chain at a point": Case((U_CHAIN, "--at", "x=0.1,y=0.2")),
    "squaring chain, Hessian": Case((A_CHAIN, "--hessian")),
    "squaring chain, JSON": Case((A_CHAIN, "--format", "json")),
    "1,499-factor product, Hessian": Case((PRODUCT_1499, "--hessian")),
    "999 sines, graph drawn": Case((SINES_999, "--graph", "{tmp}/big.svg")),
    "999 sines, steps": Case((SINES_999, "--steps", "--wrt", "x")),
    "999 sines, Hessian at a point": Case((SINES_999, "--at", "x=0.3", "--hessian")),
    "1,999-variable sum, Hessian": Case((SUM_1999, "--hessian")),
    # Higher derivatives that swell order by order: issue 18 replaces repeated differentiation.
    "sigmoid^3, order 10": Case(("sigmoid(sigmoid(sigmoid(x)))", "--wrt", "x", "--order", "10"), pending="issue 18"),
    "110 KB sum, raised max_length": Case((SUM_16000, "--limit", "max_length=200000")),
    "raised max_dps": Case(("exp(x)*sin(x)", "--at", "x=1", "--dps", "2000", "--limit", "max_dps=5000")),
    "dps 100000": Case(("exp(x)", "--at", "x=1", "--dps", "100000", "--limit", "max_dps=200000")),
}


@dataclass(frozen=True)
class Measured:
    status: int  # exit status; -9 when killed at the timeout
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mib: float  # peak resident set
    out_bytes: int
    err: str


_PEAK_FILE = "SYMDIFF_TEST_PEAK_FILE"
# python -m symdiff, writing the process's own peak resident set (KiB) to a file as it exits.
_WITH_PEAK = f"""
import atexit, os, re, runpy, sys
def _peak():
    with open("/proc/self/status") as status, open(os.environ["{_PEAK_FILE}"], "w") as out:
        out.write(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
atexit.register(_peak)
sys.argv[0] = "symdiff"
runpy.run_module("symdiff", run_name="__main__", alter_sys=True)
"""


def _own_peak_kib(path: Path, maxrss_kib: int) -> float:
    try:
        return float(path.read_text())
    except (OSError, ValueError):
        return float(maxrss_kib)


def run(args: tuple[str, ...], *, timeout: float = 60.0, pythonpath: str | None = None) -> Measured:
    """Run ``python -m symdiff *args`` in a fresh process; measure wall and CPU time and its own peak memory.

    ``os.wait4`` reports the CPU time of that one child. Its ``ru_maxrss`` is no measure of the
    child's memory: Linux counts in it the parent's resident set at the fork, and a pytest
    process that has run thousands of tests is larger than any limit here. So the child writes
    its own peak (``VmHWM``, which starts afresh at ``exec``) as it exits; a child killed at the
    timeout has no such line and is measured by ``ru_maxrss``, an upper bound.
    Output goes to files, so a large one cannot block the pipe.
    """
    with tempfile.TemporaryDirectory() as tmp:
        argv = [a.replace("{tmp}", tmp) for a in args]
        out_path, err_path, peak_path = Path(tmp, "out"), Path(tmp, "err"), Path(tmp, "peak")
        env = {**os.environ, "PYTHONPATH": pythonpath or str(ROOT), _PEAK_FILE: str(peak_path)}
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.perf_counter()
            command = [sys.executable, "-c", _WITH_PEAK, *argv]
            # A session of its own, so that a timeout also stops what it started (Graphviz).
            child = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=tmp, start_new_session=True)
            deadline = start + timeout
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    os.killpg(child.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(0.02)
            wall = time.perf_counter() - start
        child.returncode = 0  # reaped above; keep Popen from waiting again
        code = os.waitstatus_to_exitcode(status)
        return Measured(
            code,
            wall,
            usage.ru_utime + usage.ru_stime,
            _own_peak_kib(peak_path, usage.ru_maxrss) / 1024,
            out_path.stat().st_size,
            err_path.read_text(errors="replace"),
        )
