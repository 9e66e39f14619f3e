"""Training a small network with gradients from the tape: forward, loss, backward, update, repeat.

The seed tutorial's learning loop, in code. A 2-8-1 network (tanh hidden layer, one logit out)
learns the XOR pattern of a synthetic two-class data set. Each step runs the whole batch
through the reverse-mode tape at once (arrays), takes the mean gradient of the loss and moves
every parameter against it. Before training, the gradient is checked: at one sample, the
symbolic derivative, the tape and finite differences must all agree with the high-precision
reference.

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
DATA = ("x1", "x2", "y")


def network(hidden: int = HIDDEN) -> str:
    """The model and its loss as a symdiff program, one line per hidden unit."""
    lines = [f"h{j} = tanh(u{j}_1*x1 + u{j}_2*x2 + b{j})" for j in range(1, hidden + 1)]
    lines.append("z = " + " + ".join(f"v{j}*h{j}" for j in range(1, hidden + 1)) + " + c")
    lines.append("L = softplus(z) - y*z")
    return "\n".join(lines)


def xor_data(samples: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Points in the square with a margin around the axes; the class is whether x1·x2 > 0."""
    points = rng.uniform(-1, 1, size=(4 * samples, 2))
    points = points[(np.abs(points) > 0.15).all(axis=1)][:samples]
    return {"x1": points[:, 0], "x2": points[:, 1], "y": (points[:, 0] * points[:, 1] > 0).astype(float)}


def check_gradient(program: str, parameters: dict[str, float], data: dict[str, np.ndarray]) -> sd.Comparison:
    """All three methods against the reference, at the first sample."""
    sample = {name: float(values[0]) for name, values in data.items()}
    return sd.compare(program, at=parameters | sample, wrt=list(parameters))


def train(steps: int = 1000, learning_rate: float = 0.5, seed: int = 7) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    program = network()
    tape = sd.Tape(program)
    parameters = {name: float(rng.normal()) for name in tape.variables if name not in DATA}
    data = xor_data(200, rng)
    comparison = check_gradient(program, parameters, data)
    losses = []
    for _ in range(steps):
        loss, gradient = tape.value_and_gradient(parameters | data)  # forward and backward over the batch
        losses.append(float(np.mean(loss)))
        for name in parameters:  # the update: against the mean gradient
            parameters[name] -= learning_rate * gradient[name] / len(data["y"])
    predictions = _logits(program, parameters, data) > 0  # class 1 where σ(z) > 1/2
    accuracy = float(np.mean(predictions == (data["y"] > 0.5)))
    return {"program": program, "losses": losses, "accuracy": accuracy, "comparison": comparison}


def _logits(program: str, parameters: dict[str, float], data: dict[str, np.ndarray]) -> np.ndarray:
    """The network's output z (the line before the loss), on the whole data set."""
    model = program.rsplit("\n", 1)[0]  # the program without its loss line: its output is z
    inputs = {k: v for k, v in data.items() if k != "y"}
    return np.asarray(sd.Tape(model).value(parameters | inputs))


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
    program = str(result["program"])
    comparison = result["comparison"]
    assert isinstance(comparison, sd.Comparison)
    lines = program.splitlines()
    print(f"the model ({len(lines)} lines, {len(comparison.rows)} parameters):")
    print("\n".join(f"  {line}" for line in [*lines[:2], "  …", *lines[-2:]]))
    verdict = "agree" if comparison.agree else "DISAGREE"
    print(
        f"gradient check at one sample: symbolic, autodiff and finite differences {verdict} on all "
        f"{len(comparison.rows)} partials (largest finite-difference error "
        f"{max(float(abs(r.finite.value - float(r.reference))) for r in comparison.rows):.1e})"
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
