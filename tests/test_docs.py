"""The documentation site: generated pages are current, the site builds strictly, every formula renders."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "tests" / "katex" / "node_modules" / "katex" / "dist"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = [
    "gallery/",
    "derivations/tanh-network-at-a-point/",
    "derivations/polynomial/",
    "tutorials/backpropagation/",
    "matrix-calculus/",
]


def _writer() -> object:
    spec = importlib.util.spec_from_file_location("write_docs", ROOT / "examples" / "07_write_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_up_to_date() -> None:
    pages = _writer().pages()  # type: ignore[attr-defined]
    stale = [name for name, text in pages.items() if (ROOT / "docs" / name).read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with `python examples/07_write_docs.py`: {stale}"


def test_cli_reference_is_the_help_text() -> None:
    from symdiff import cli

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert cli.build_parser().format_help().rstrip() in page


def test_the_api_reference_documents_every_export() -> None:
    import symdiff

    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^::: symdiff\.(\w+)$", page, flags=re.MULTILINE))
    missing = sorted(set(symdiff.__all__) - documented - {"__version__"})
    assert not missing, f"docs/api.md does not document {missing}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip('MkDocs is not installed: pip install -e ".[docs]"')
    if not KATEX.is_dir():
        pytest.skip("KaTeX is not installed: npm ci --prefix tests/katex")
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(target)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def test_the_site_builds_in_strict_mode(site: Path) -> None:
    assert (site / "index.html").exists()
    assert (site / "assets" / "katex" / "katex.min.js").exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("page", PAGES)
def test_every_formula_renders_in_a_browser(served: str, page: str, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=10000",
    ]
    result = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", served + page], capture_output=True, text=True, check=False, timeout=120
    )
    dom = result.stdout
    formulas = len(re.findall(r'class="arithmatex"', dom))
    rendered = len(re.findall(r'class="katex"', dom))  # one per formula; display ones add a wrapper
    assert formulas > 0, f"no formulas found on {page}"
    assert "katex-error" not in dom, f"a formula on {page} failed to render"
    assert rendered >= formulas, f"{rendered} of {formulas} formulas rendered on {page}"
