"""The seed's three loss functions, differentiated: MSE, cross-entropy and binary cross-entropy.

| Loss                 | Formula                            | Its gradient                  |
|----------------------|------------------------------------|-------------------------------|
| MSE                  | (1/n) Σ (pᵢ − yᵢ)²                 | ∂L/∂pᵢ = 2(pᵢ − yᵢ)/n         |
| Cross-entropy        | −Σ yₖ log pₖ                       | ∂L/∂pₖ = −yₖ/pₖ               |
|   … after a softmax  | p = softmax(z)                     | ∂L/∂zₖ = pₖ − yₖ (y one-hot)  |
| Binary cross-entropy | −[y log p + (1 − y) log(1 − p)]    | ∂L/∂z = p − y, for p = σ(z)   |

Each is derived symbolically with a verified step-by-step derivation, then checked at a
point by all three methods against the high-precision reference.

    python examples/04_losses.py
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

import symdiff as sd

MSE = "L = ((p1 - y1)^2 + (p2 - y2)^2 + (p3 - y3)^2) / 3"
CROSS_ENTROPY = "L = -(y1*log(p1) + y2*log(p2) + y3*log(p3))"
SOFTMAX_CROSS_ENTROPY = """
s = exp(z1) + exp(z2) + exp(z3)
p1 = exp(z1)/s
p2 = exp(z2)/s
p3 = exp(z3)/s
L = -(y1*log(p1) + y2*log(p2) + y3*log(p3))
""".strip()
BCE = "L = -(y*log(p) + (1 - y)*log(1 - p))"
BCE_AFTER_SIGMOID = "p = sigmoid(z); L = -(y*log(p) + (1 - y)*log(1 - p))"


@dataclass(frozen=True)
class Checked:
    """A derivative and its checks at one point."""

    derivative: sp.Expr
    values: list[float]
    agree: bool


def check(program: str, wrt: list[str], at: dict[str, float]) -> Checked:
    comparison = sd.compare(program, at=at, wrt=wrt)
    return Checked(comparison.rows[0].derivative, [float(r.reference) for r in comparison.rows], comparison.agree)


def show(derivation: sd.Derivation) -> None:
    print(f"  the derivation; every step verified: {derivation.verified}")
    print("\n".join(f"    {line}" for line in derivation.to_text().splitlines()))


def main() -> dict[str, Checked]:
    mse = check(MSE, ["p1"], {"p1": 0.8, "p2": 0.1, "p3": 0.4, "y1": 1, "y2": 0, "y3": 0})
    print(f"MSE: {MSE}")
    print(f"  ∂L/∂p1 = {sd.to_text(mse.derivative)}; at p1 = 0.8, y1 = 1 it is {mse.values[0]:.6g}")
    show(sd.steps(MSE, "p1", detail="compact"))
    print(f"  symbolic, autodiff and finite differences agree: {mse.agree}")

    probabilities = {"p1": 0.7, "p2": 0.2, "p3": 0.1, "y1": 1, "y2": 0, "y3": 0}
    plain = check(CROSS_ENTROPY, ["p1", "p2"], probabilities)
    print(f"Cross-entropy: {CROSS_ENTROPY}")
    print(f"  ∂L/∂p1 = {sd.to_text(plain.derivative)}; at p1 = 0.7, y1 = 1 it is {plain.values[0]:.6g}")
    print(f"  ∂L/∂p2 = {plain.values[1]:.6g} (y2 = 0: a class that is not the label adds nothing)")
    show(sd.steps(CROSS_ENTROPY, "p1", detail="compact"))
    print(f"  symbolic, autodiff and finite differences agree: {plain.agree}")

    logits = {"z1": 2.0, "z2": -1.0, "z3": 0.5}
    cross = check(SOFTMAX_CROSS_ENTROPY, ["z1", "z2", "z3"], logits | {"y1": 1, "y2": 0, "y3": 0})
    softmax = sd.Tape("exp(z1)/(exp(z1) + exp(z2) + exp(z3))").value(logits)
    print("Cross-entropy after a softmax, with y = (1, 0, 0) at z = (2, -1, 0.5):")
    print(f"  ∂L/∂z = ({', '.join(f'{g:.6f}' for g in cross.values)})")
    print(f"  p1 - y1 = {softmax - 1:.6f}: the gradient is p - y")
    print(f"  symbolic, autodiff and finite differences agree: {cross.agree}")

    derivation = sd.steps(BCE_AFTER_SIGMOID, "z", detail="key")
    bce = check(BCE_AFTER_SIGMOID, ["z"], {"z": 0.3, "y": 1})
    p = sd.Tape("sigmoid(z)").value(z=0.3)
    print(f"Binary cross-entropy: {BCE}")
    print(f"  ∂L/∂p = {sd.to_text(sd.diff(BCE, 'p'))}")
    print(f"  after p = sigmoid(z): ∂L/∂z = {sd.to_text(derivation.result)}, that is p - y")
    print(f"  at z = 0.3, y = 1 it is {bce.values[0]:.6f}, and p - y = {p - 1:.6f}")
    show(derivation)
    print(f"  symbolic, autodiff and finite differences agree: {bce.agree}")
    return {"mse": mse, "cross_entropy": plain, "softmax_cross_entropy": cross, "bce": bce}


if __name__ == "__main__":
    main()
