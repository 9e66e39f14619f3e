"""The tape's gradient exported for PyTorch and JAX: the code runs, and computes what the tape does.

Each export is executed and checked against the tape and, independently, against the
framework's own autodiff of the exported value. Without torch or jax installed, their tests are
skipped and say so.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff.language.parser import symbol
from symdiff.primitives import registry
from symdiff.primitives.primitive import Primitive
from tests.conftest import comfortable_points, on_symbols, variable_values

FUNCTIONS = [p for p in registry.PRIMITIVES if p.infix is None]
NETWORK = "h = tanh(w1*x + b); y = sigmoid(w2*h); L = (y - t)^2 + 0.1*relu(w1) + softplus(b) - max(w2, 0.3)"
NETWORK_POINT = {"b": 0.1, "t": 0.3, "w1": 0.5, "w2": -1.2, "x": 2.0}


def needs(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed: its export is not run")


def exported(tape: sd.Tape, framework: str) -> Any:
    """The exported module's value_and_gradient."""
    names: dict[str, Any] = {}
    exec(compile(tape.to_source(framework), f"<{framework} export>", "exec"), names)
    return names["value_and_gradient"]


def case(p: Primitive, rng: np.random.Generator) -> tuple[sd.Tape, dict[str, float]]:
    """A tape of p itself, and a point well inside its domain."""
    node, names = on_symbols(p)
    args = variable_values(p, comfortable_points(p, rng, 1, vary_whole=False)[0])
    return sd.Tape(node), {name: float(a) for name, a in zip(names, args, strict=True)}


@pytest.fixture
def jax_x64() -> Iterator[Any]:
    needs("jax")
    import jax

    jax.config.update("jax_enable_x64", True)  # float64, like the tape, so that 1e-12 is a fair test
    yield jax
    jax.config.update("jax_enable_x64", False)


@pytest.mark.parametrize("p", FUNCTIONS, ids=repr)
def test_every_function_is_exported_to_torch(p: Primitive, rng: np.random.Generator) -> None:
    needs("torch")
    import torch

    tape, point = case(p, rng)
    f = exported(tape, "torch")
    inputs = [torch.tensor(point[v], dtype=torch.float64, requires_grad=True) for v in tape.variables]
    value, adjoints = f(*inputs)
    expected_value, expected = tape.value_and_gradient(point)
    assert float(value.detach()) == pytest.approx(expected_value, rel=1e-12, abs=1e-300)
    assert [float(a.detach()) for a in adjoints] == pytest.approx(
        [expected[v] for v in tape.variables], rel=1e-11, abs=1e-13
    )
    # torch's own derivative of the value (none for a step function: its derivative is 0)
    autograd = torch.autograd.grad(value, inputs, allow_unused=True) if value.requires_grad else [None] * len(inputs)
    torch_says = [0.0 if g is None else float(g) for g in autograd]
    assert [float(a.detach()) for a in adjoints] == pytest.approx(torch_says, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("p", FUNCTIONS, ids=repr)
def test_every_function_is_exported_to_jax(p: Primitive, rng: np.random.Generator, jax_x64: Any) -> None:
    jax = jax_x64
    tape, point = case(p, rng)
    f = exported(tape, "jax")
    args = [point[v] for v in tape.variables]
    value, adjoints = f(*args)
    expected_value, expected = tape.value_and_gradient(point)
    assert float(value) == pytest.approx(expected_value, rel=1e-12, abs=1e-300)
    assert [float(a) for a in adjoints] == pytest.approx([expected[v] for v in tape.variables], rel=1e-11, abs=1e-13)
    jax_says = jax.grad(lambda *a: f(*a)[0], argnums=tuple(range(len(args))))(*args)
    assert [float(a) for a in adjoints] == pytest.approx([float(g) for g in jax_says], rel=1e-9, abs=1e-12)


def test_a_network_exported_to_torch_maps_over_a_batch() -> None:
    needs("torch")
    import torch

    tape = sd.Tape(NETWORK)
    f = exported(tape, "torch")
    value, adjoints = f(*(NETWORK_POINT[v] for v in tape.variables))  # plain floats work too
    expected_value, expected = tape.value_and_gradient(NETWORK_POINT)
    assert float(value) == pytest.approx(expected_value, rel=1e-14)
    assert [float(a) for a in adjoints] == pytest.approx([expected[v] for v in tape.variables], rel=1e-13)
    xs = torch.linspace(-2, 2, 7, dtype=torch.float64)
    batch = [xs if v == "x" else torch.tensor(NETWORK_POINT[v], dtype=torch.float64) for v in tape.variables]
    in_dims = tuple(0 if v == "x" else None for v in tape.variables)
    _, per_sample = torch.func.vmap(f, in_dims=in_dims)(*batch)
    for k, x in enumerate(xs.tolist()):
        one = tape.gradient({**NETWORK_POINT, "x": x})
        assert [float(a[k]) for a in per_sample] == pytest.approx([one[v] for v in tape.variables], rel=1e-13)


def test_a_network_exported_to_jax_jits_and_maps(jax_x64: Any) -> None:
    jax = jax_x64
    import jax.numpy as jnp

    tape = sd.Tape(NETWORK)
    f = jax.jit(exported(tape, "jax"))
    xs = jnp.linspace(-2, 2, 7)
    in_axes = tuple(0 if v == "x" else None for v in tape.variables)
    values, per_sample = jax.vmap(f, in_axes=in_axes)(*(xs if v == "x" else NETWORK_POINT[v] for v in tape.variables))
    for k, x in enumerate(xs.tolist()):
        value, one = tape.value_and_gradient({**NETWORK_POINT, "x": x})
        assert float(values[k]) == pytest.approx(value, rel=1e-13)
        assert [float(a[k]) for a in per_sample] == pytest.approx([one[v] for v in tape.variables], rel=1e-13)


def test_an_input_the_output_ignores_gets_a_zero_shaped_like_it(jax_x64: Any) -> None:
    import jax.numpy as jnp

    tape = sd.Tape(sp.Add(symbol("a") * symbol("b"), 0 * symbol("c"), evaluate=False))
    f = exported(sd.Tape("a*b + c"), "jax")
    _, adjoints = f(jnp.ones(3), jnp.full(3, 2.0), jnp.zeros(3))
    assert [a.shape for a in adjoints] == [(3,), (3,), (3,)]  # c's adjoint is the number 1, as an array
    assert tape.variables == ("a", "b")  # SymPy drops 0*c: nothing is exported for it


def test_an_unknown_backend_is_refused_in_one_line() -> None:
    with pytest.raises(sd.SymdiffError, match="backend must be one of scalar, numpy, torch, jax; got 'tensorflow'"):
        sd.Tape("a*b").to_source("tensorflow")  # type: ignore[arg-type]


def test_the_value_alone_can_be_exported() -> None:
    source = sd.Tape("sin(x)*y").to_source("torch", gradient=False)
    assert "def value(v0, v1):" in source and "def _sin(x):" in source and "_cos" not in source


@pytest.mark.parametrize("p", FUNCTIONS, ids=repr)
def test_every_function_says_how_pytorch_and_jax_write_it(p: Primitive) -> None:
    """Checked without torch or jax too: a new registry entry without its spellings fails here."""
    assert p.frameworks is not None, f"{p.name} has no frameworks entry: a tape using it cannot be exported"
    arguments = ("x",) if p.arity == 1 else ("a", "b")
    for framework, prefix in (("torch", "torch."), ("jax", "j")):
        body = getattr(p.frameworks, framework)
        lines = body.splitlines() if "\n" in body else [f"return {body}"]  # several lines: the body itself
        compile(f"def f({', '.join(arguments)}):\n" + "".join(f"    {line}\n" for line in lines), p.name, "exec")
        assert lines[-1].startswith("return ") and lines[0].removeprefix("return ").startswith(
            (prefix, "x = ", "1 / ")
        ), body
        assert all(a in body for a in arguments)
