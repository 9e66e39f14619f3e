"""The derivative from its limit definition, the seed's first example: f(x) = 3x² − 4x + 5 at x = 3.

    f'(x) = lim_{h→0} [f(x + h) − f(x)] / h

The seed takes h = 0.001 and gets [f(3.001) − f(3)] / 0.001 = 14.003 against the exact 14.
Here the same number three ways (symbolic 14, autodiff 14, forward difference 14.003…), the
forward difference taken apart into truncation and rounding, and the error against h for
forward, central and complex steps: the classic V-shaped plot. And the picture behind it all:
f, its tangent at 3 (slope 14) and f′ (docs/images/seed_tangent.png is this script's).

    python examples/01_derivative_from_the_limit.py [--out DIR]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import symdiff as sd

F = "3x^2 - 4x + 5"


@dataclass(frozen=True)
class Result:
    value: float
    symbolic: float
    autodiff: float
    forward: sd.FiniteDifference
    auto: sd.FiniteDifference
    sweep: sd.StepSweep
    tangent: sd.Tangent


def compute() -> Result:
    derivative = sd.diff(F, "x")
    tape = sd.Tape(F)
    return Result(
        value=tape.value(x=3),
        symbolic=sd.Tape(derivative).value(x=3),  # the symbolic derivative, evaluated
        autodiff=tape.gradient(x=3)["x"],
        forward=sd.finite_difference(F, "x", {"x": 3}, method="forward", h=0.001),
        auto=sd.finite_difference(F, "x", {"x": 3}),
        sweep=sd.step_sweep(F, "x", {"x": 3}),
        tangent=sd.tangent(F, "x", {"x": 3}),
    )


def main(out: Path) -> Result:
    result = compute()
    print(f"f(x) = {F}, f(3) = {result.value:g}")
    print(f"symbolic:   df/dx = {sd.to_text(sd.diff(F, 'x'))} = {result.symbolic:g} at x = 3")
    print(f"autodiff:   the tape's backward sweep gives {result.autodiff:g}")
    print(f"forward difference, h = 0.001: {result.forward.value!r}")
    print()
    print(result.forward.explain())
    print()
    print(f"auto (complex step): {result.auto.value!r} ± {result.auto.error_bound:g}")
    print(result.tangent)
    out.mkdir(parents=True, exist_ok=True)
    try:
        image = sd.plot_step_sweep(result.sweep, out / "step_sweep.png")
        print(f"error against h for forward, central and complex steps: {image}")
        print(f"f, its tangent at x = 3 and f′: {result.tangent.plot(out / 'seed_tangent.png')}")
    except sd.SymdiffError as missing:
        print(f"plots skipped: {missing}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("examples/output"), help="where to save the plot")
    main(parser.parse_args().out)
