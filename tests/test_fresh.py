"""A fresh machine: a clone of the repository, a new virtual environment, and the README's two
set-up commands, with none of the programs some tests use (Graphviz, Chromium, node and KaTeX).

Slow (it installs everything and runs the whole suite again), so it runs only when asked for:
``python -m pytest -m fresh``, as ``.ci/run`` does after the ordinary run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.fresh


def setup_commands() -> list[str]:
    """The README's set-up commands, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_the_readme_set_up_works_on_a_fresh_machine(tmp_path: Path) -> None:
    clone, venv = tmp_path / "symdiff", tmp_path / "venv"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=300)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    # Only the new environment's programs: no dot, chromium or node, whatever this machine has.
    # The machine's pip configuration (its package index) is kept: it is how pip installs here.
    keep = ("PIP_", "LANG", "LC_", "TMPDIR", "SSL_CERT", "REQUESTS_CA_BUNDLE")
    env = {k: v for k, v in os.environ.items() if k.startswith(keep)}
    env |= {"PATH": str(venv / "bin"), "HOME": str(tmp_path / "home"), "VIRTUAL_ENV": str(venv)}
    log = tmp_path / "log.txt"
    for command in setup_commands():
        with log.open("a", encoding="utf-8") as out:
            out.write(f"$ {command}\n")
            out.flush()
            result = subprocess.run(
                ["/bin/sh", "-c", command], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=3600
            )
        shown = log.read_text(encoding="utf-8")
        assert result.returncode == 0, f"`{command}` failed on a fresh machine:\n{shown[-6000:]}"
    shown = log.read_text(encoding="utf-8")
    assert "∂f/∂a = b" in shown  # the first command's own output
    # The tests that need the hidden programs said why they did not run (pytest's -ra summary).
    assert "KaTeX is not installed" in shown and "Graphviz's dot is not installed" in shown
