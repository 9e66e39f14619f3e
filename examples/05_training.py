"""Training a small network with gradients from the tape: forward, loss, backward, update, repeat.

The seed tutorial's learning loop, in code. A 2-8-1 network (tanh hidden layer, one logit out)
learns the XOR pattern of a synthetic two-class data set. The network is written as layers,
``h = tanh(W1 x + b1)``, ``z = w2 h + c``; each step runs the whole batch through the
reverse-mode tape at once (x carries a leading sample axis), takes the mean gradient of the
loss and moves every parameter tensor against it. Before training, the gradient is checked: at
one sample, the symbolic matrix formulas, the tape and finite differences must all agree with
the high-precision reference.

The loss is binary cross-entropy on the logit z, written in its numerically stable form
softplus(z) − y·z, which equals −[y·log σ(z) + (1 − y)·log(1 − σ(z))].

    python examples/05_training.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import symdiff as sd

HIDDEN = 8
DATA = ("x", "y")
NETWORK = f"""x: 2; W1: {HIDDEN}x2; b1: {HIDDEN}; w2: {HIDDEN}; c, y: scalar
h = tanh(W1 x + b1)
z = w2 h + c
L = softplus(z) - y*z"""


def xor_data(samples: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Points in the square with a margin around the axes; the class is whether x1·x2 > 0."""
    points = rng.uniform(-1, 1, size=(4 * samples, 2))
    points = points[(np.abs(points) > 0.15).all(axis=1)][:samples]
    return {"x": points, "y": (points[:, 0] * points[:, 1] > 0).astype(float)}


def check_gradient(parameters: dict[str, np.ndarray], data: dict[str, np.ndarray]) -> sd.ArrayComparison:
    """All the methods against the reference, at the first sample, for every parameter tensor."""
    sample = {name: values[0] for name, values in data.items()}
    comparison = sd.compare(NETWORK, at=parameters | sample, wrt=list(parameters))
    assert isinstance(comparison, sd.ArrayComparison)
    return comparison


def train(steps: int = 1000, learning_rate: float = 0.5, seed: int = 7) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    tape = sd.Tape(NETWORK)
    parameters = {name: rng.normal(size=tape.shapes[name]) for name in tape.variables if name not in DATA}
    data = xor_data(200, rng)
    comparison = check_gradient(parameters, data)
    gradient_of = tape.compiled_gradient(wrt=list(parameters))
    losses = []
    for _ in range(steps):
        loss, gradients = gradient_of(*(parameters.get(name, data.get(name)) for name in tape.variables))
        losses.append(float(np.mean(loss)))
        for name, g in zip(parameters, gradients, strict=True):  # the update: against the mean gradient
            parameters[name] = parameters[name] - learning_rate * g / len(data["y"])
    predictions = _logits(parameters, data) > 0  # class 1 where σ(z) > 1/2
    accuracy = float(np.mean(predictions == (data["y"] > 0.5)))
    return {"losses": losses, "accuracy": accuracy, "comparison": comparison, "parameters": parameters}


def _logits(parameters: dict[str, np.ndarray], data: dict[str, np.ndarray]) -> np.ndarray:
    """The network's output z (the line before the loss), on the whole data set."""
    model = NETWORK.rsplit("\n", 1)[0].replace("c, y: scalar", "c: scalar")  # without the loss: its output is z
    return np.asarray(sd.Tape(model).value(parameters | {"x": data["x"]}))


def plot(losses: list[float], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.semilogy(losses)
    axes.set_xlabel("step")
    axes.set_ylabel("mean loss (binary cross-entropy)")
    axes.set_title("Training a 2-8-1 network with gradients from the tape")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def main(out: Path) -> dict[str, object]:
    result = train()
    comparison = result["comparison"]
    assert isinstance(comparison, sd.ArrayComparison)
    parameters = result["parameters"]
    assert isinstance(parameters, dict)
    count = sum(np.size(p) for p in parameters.values())
    print(f"the model ({count} parameters in {len(parameters)} tensors):")
    print("\n".join(f"  {line}" for line in NETWORK.splitlines()))
    print("its gradient in matrix form, as the comparison checked it:")
    print("\n".join(f"  {line}" for line in comparison.definitions))
    print("\n".join(f"  ∂L/∂{row.name} = {row.formula}" for row in comparison.rows))
    verdict = "agree" if comparison.agree else "DISAGREE"
    checks = [check for row in comparison.rows for check in row.checks]
    worst = max(check.finite_error for check in checks)
    print(
        f"gradient check at one sample: symbolic, autodiff and finite differences {verdict} on all "
        f"{len(checks)} checks (largest finite-difference error {worst:.1e})"
    )
    losses = result["losses"]
    assert isinstance(losses, list)
    for step in (0, 10, 50, 100, 250, 500, len(losses) - 1):
        print(f"step {step:>4}: loss {losses[step]:.4f}")
    print(f"the loss fell {losses[0] / losses[-1]:.0f} times; training accuracy {result['accuracy']:.0%}")
    out.mkdir(parents=True, exist_ok=True)
    image = out / "training_loss.png"
    print(f"plot: {image}" if plot(losses, image) else "plot: skipped (pip install 'symdiff[plot]')")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("examples/output"), help="where to save the plot")
    main(parser.parse_args().out)
