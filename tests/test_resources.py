"""Hostile inputs are answered, or refused with the limit named, within a time and memory ceiling.

Each case of ``tests/resource_cases.py`` runs as ``python -m symdiff …`` in a fresh process,
measured by the operating system (``os.wait4``): CPU time, wall time and peak resident
memory. The issue asks for 5 s and 1 GB; the CPU ceiling here is generous because the machine
running the suite is shared and noisy (``benchmarks/bench_hostile.py`` prints the numbers).
Before these fixes the cases took from 20 s to over 4 minutes, or 5 GB.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.resource_cases import CASES, Measured, run

CPU_SECONDS = 12.0
WALL_SECONDS = 60.0  # two at a time, on a shared machine
PEAK_MIB = 1024
OUTPUT_BYTES = 2_000_000
LIMIT_NAMED = re.compile(r"\b(max_[a-z_]+|bound_ops|tidy_ops|reverse_ops|steps_nodes)\b")
READY = [name for name, case in CASES.items() if not case.pending]
WAITING = [
    pytest.param(n, marks=pytest.mark.xfail(reason=f"waits for {c.pending}")) for n, c in CASES.items() if c.pending
]


@pytest.fixture(scope="module")
def measured() -> dict[str, Measured]:
    """Every ready case, measured two at a time (each in its own process: CPU time and memory are its own)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(READY, pool.map(lambda name: run(CASES[name].args, timeout=WALL_SECONDS), READY), strict=True))


def _check(m: Measured) -> None:
    assert m.status in (0, 2), f"exit status {m.status}: {m.err[-300:]}"
    if m.status == 2:
        message = m.err.strip()
        assert len(message.splitlines()) == 1 and message.startswith("symdiff: error: "), message
        assert LIMIT_NAMED.search(message), f"the refusal names no limit: {message}"
    assert m.cpu < CPU_SECONDS, f"{m.cpu:.1f} s of CPU"
    assert m.peak_mib < PEAK_MIB, f"{m.peak_mib:.0f} MiB at the peak"
    assert m.out_bytes < OUTPUT_BYTES, f"{m.out_bytes:,} bytes of output"


@pytest.mark.parametrize("name", READY)
def test_answered_or_refused_within_the_ceilings(name: str, measured: dict[str, Measured]) -> None:
    _check(measured[name])


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(reason=f"waits for {c.pending}")) for n, c in CASES.items() if c.pending],
)
def test_cases_waiting_for_other_fixes(name: str) -> None:
    _check(run(CASES[name].args, timeout=WALL_SECONDS))
