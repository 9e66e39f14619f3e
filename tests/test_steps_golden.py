"""The golden derivations in docs/derivations/ are up to date, and say what the seeds say."""

from __future__ import annotations

from pathlib import Path

import pytest

from symdiff.stepwise import golden

DIRECTORY = Path(__file__).resolve().parent.parent / "docs" / "derivations"
DOCUMENTS = golden.documents()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_golden_file_is_up_to_date(name: str) -> None:
    path = DIRECTORY / name
    assert path.exists(), f"missing {path}; run python -m symdiff.stepwise.golden docs/derivations"
    assert path.read_text(encoding="utf-8") == DOCUMENTS[name], (
        f"{name} is out of date; run python -m symdiff.stepwise.golden docs/derivations"
    )


def test_no_stale_golden_files() -> None:
    assert sorted(p.name for p in DIRECTORY.iterdir()) == sorted(DOCUMENTS)


def test_the_seed_examples_are_there() -> None:
    polynomial = DOCUMENTS["polynomial.tex"]
    assert r"&= 6 x - 4" in polynomial and r"&= 14 " in polynomial  # f'(3) = 14
    assert r"\frac{\partial}{\partial a}\left(a b + c\right) &=" in DOCUMENTS["abc-a.tex"]
    assert r"&= b && \text{(5) simplify}" in DOCUMENTS["abc-a.tex"]
    assert r"&= a && \text{(5) simplify}" in DOCUMENTS["abc-b.tex"]
    assert r"a\text{ and }b\text{ are constants}" in DOCUMENTS["abc-c.tex"]
    network = DOCUMENTS["tanh-network.tex"]
    chain = r"\frac{\partial L}{\partial y} \cdot \frac{\partial y}{\partial h} \cdot \frac{\partial h}{\partial w_{1}}"
    assert chain in network
    assert r"h x \left(1 - h\right)" in DOCUMENTS["sigmoid-network.tex"]  # σ' = σ(1 − σ), with the forward value
    assert all("NOT VERIFIED" not in text for text in DOCUMENTS.values())
