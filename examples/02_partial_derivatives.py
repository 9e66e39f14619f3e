"""Partial derivatives of d = a·b + c at a = 2, b = −3, c = 10, the seed's second example.

A partial derivative measures how the output moves when one input is nudged and the others
are held still. Nudge a by h and d moves by about b·h; nudge b and it moves by about a·h;
nudge c and it moves by h. Here that picture in numbers (the slope of each nudge, for
smaller and smaller h), then the exact partials from all three methods side by side.

    python examples/02_partial_derivatives.py
"""

from __future__ import annotations

import symdiff as sd

D = "a*b + c"
POINT = {"a": 2.0, "b": -3.0, "c": 10.0}


def nudges(steps: tuple[float, ...] = (0.1, 0.001, 1e-5)) -> dict[str, list[float]]:
    """(d(point with one input moved by h) − d(point)) / h, for each input and each h."""
    tape = sd.Tape(D)
    base = tape.value(POINT)
    return {name: [(tape.value(POINT | {name: POINT[name] + h}) - base) / h for h in steps] for name in POINT}


def main() -> sd.Comparison:
    tape = sd.Tape(D)
    print(f"d = {D} at a = 2, b = -3, c = 10: d = {tape.value(POINT):g}")
    print("nudge one input by h, hold the others, and look at the slope Δd/h (h = 0.1, 0.001, 1e-5):")
    for name, slopes in nudges().items():
        print(f"  {name}: " + ", ".join(repr(s) for s in slopes))
    print("the slopes are the partial derivatives ∂d/∂a = b = -3, ∂d/∂b = a = 2, ∂d/∂c = 1 for every h,")
    print("because d is linear in each input; the last digits that move are float rounding, not calculus")
    print()
    comparison = sd.compare(D, at=POINT)
    print(comparison)
    return comparison


if __name__ == "__main__":
    main()
