"""Time and peak memory of the hostile inputs in ``tests/resource_cases.py``, each in a fresh process.

    python benchmarks/bench_hostile.py                       # this checkout
    python benchmarks/bench_hostile.py --pythonpath OLD/ --timeout 60   # another checkout, for a before/after

Each case runs ``python -m symdiff …`` once; a case still running at ``--timeout`` is killed
(status -9). Columns: exit status, wall and CPU seconds, peak resident memory, bytes on
stdout, and the first line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.resource_cases import CASES, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythonpath", help="the symdiff checkout to measure (default: this one)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a case is killed")
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    args = parser.parse_args()
    print("| case | status | wall s | CPU s | peak MiB | stdout bytes | stderr |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, case in CASES.items():
        if args.only and args.only not in name:
            continue
        m = run(case.args, timeout=args.timeout, pythonpath=args.pythonpath)
        status = "killed" if m.status == -9 else str(m.status)
        first = m.err.strip().splitlines()[0][:90] if m.err.strip() else ""
        print(
            f"| {name} | {status} | {m.wall:.1f} | {m.cpu:.1f} | {m.peak_mib:.0f} | {m.out_bytes:,} | {first} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
