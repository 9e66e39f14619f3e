"""Everything the README and the docs show is real: their commands are run and their output compared.

After an intended change of output, rewrite every console block with what the commands now
print, then read the diff before committing it:

    SYMDIFF_UPDATE_DOCS=1 python -m pytest tests/test_readme.py -k console
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def console_examples(path: Path) -> list[tuple[str, str]]:
    """(command, expected output) pairs from the ```console blocks of a Markdown file."""
    examples: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            examples.append((command, "\n".join(output)))
    return examples


EXAMPLES = [
    (str(path.relative_to(ROOT)), command, output) for path in DOCUMENTS for command, output in console_examples(path)
]


def shown_by(command: str) -> str:
    """What the command prints (stdout, then stderr), run from the repository root."""
    argv = shlex.split(command)
    assert argv[:3] == ["python", "-m", "symdiff"], f"only symdiff commands are shown: {command}"
    result = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, cwd=ROOT, check=False)
    return (result.stdout + result.stderr).rstrip("\n")


def _update(path: Path, command: str, expected: str) -> str:
    """Replace the block's output for ``command`` with what it prints now, and return that."""
    text = path.read_text(encoding="utf-8")
    old = f"$ {command}\n{expected.rstrip(chr(10))}\n" if expected.strip() else f"$ {command}\n"
    assert old in text, f"cannot find the block for {command!r} in {path}"
    output = shown_by(command)
    path.write_text(text.replace(old, f"$ {command}\n{output}\n" if output else old, 1), encoding="utf-8")
    return output


@pytest.mark.parametrize(("document", "command", "expected"), EXAMPLES, ids=[f"{d}: {c[:50]}" for d, c, _ in EXAMPLES])
def test_console_example(document: str, command: str, expected: str) -> None:
    if os.environ.get("SYMDIFF_UPDATE_DOCS"):
        expected = _update(ROOT / document, command, expected)
    assert shown_by(command) == expected.rstrip("\n")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", text, flags=re.S)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"{path.name}[{number}]", str(path), 0)
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing example(s) in {path.name}"


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    setup = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    assert setup == [
        'pip install -e . && python -m symdiff "a*b + c" --wrt a',
        'pip install -e ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]"' in ci and "python -m pytest" in ci


def test_readme_gives_the_documentation_build_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'npm ci --prefix tests/katex && pip install -e ".[docs]" && mkdocs build --strict' in readme
