"""The documentation site: generated pages are current, the site builds strictly, every formula renders."""

from __future__ import annotations

import concurrent.futures
import functools
import html
import http.server
import importlib.util
import io
import json
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
FORMULA_PAGES = [
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


# Pages of docs/ that are deliberately not in the site's navigation (none, today).
NOT_IN_NAV: frozenset[str] = frozenset()


def test_every_page_is_in_the_navigation() -> None:
    """A page missing from mkdocs.yml's nav is built but cannot be found (abs-at-a-corner was)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r"^\s*- (?:[^:\n]+: )?([\w./-]+\.md)\s*$", config.split("\nnav:", 1)[1], flags=re.MULTILINE))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md") if "hooks" not in p.parts}
    assert sorted(pages - nav - NOT_IN_NAV) == [], "add these pages to mkdocs.yml's nav, or to NOT_IN_NAV with a reason"
    assert sorted(nav - pages) == [], "mkdocs.yml's nav names pages that do not exist"


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


# Runs in every page once it has loaded (and KaTeX has rendered), at the width of a laptop
# screen, and writes what it finds into the page, where --dump-dom shows it to the test.
LAYOUT_CHECK = """
<script>
window.addEventListener("load", () => setTimeout(() => {
  const problems = [];
  const article = document.querySelector("article") || document.body;
  const edge = article.getBoundingClientRect().right + 1;
  const snippet = (element) => (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 80);
  for (const block of article.querySelectorAll("div.arithmatex")) {  // display math: cut off or scrolled
    if (block.scrollWidth > block.clientWidth + 1) {
      problems.push(`math wider than the page (${block.scrollWidth} > ${block.clientWidth} px): ${snippet(block)}`);
    }
  }
  for (const math of article.querySelectorAll(".katex")) {  // anything of a formula past the page's edge
    if (math.getBoundingClientRect().right > edge && !math.closest("div.arithmatex")) {
      problems.push(`formula past the edge of the page: ${snippet(math)}`);
    }
  }
  for (const quote of article.querySelectorAll("blockquote:not(blockquote blockquote)")) {  // >>> as quotes
    problems.push(`a quote bar (blockquote): ${snippet(quote)}`);
  }
  const report = document.createElement("pre");
  report.id = "symdiff-layout";
  report.textContent = JSON.stringify(problems);
  document.body.appendChild(report);
}, 500));
</script>
"""


class _CheckingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, with the layout check added to every page."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        page = path / "index.html" if path.is_dir() else path
        if page.suffix != ".html" or not page.is_file():
            return super().send_head()
        body = page.read_bytes().replace(b"</body>", LAYOUT_CHECK.encode() + b"</body>")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def site_pages() -> list[str]:
    """Every page of the site, by its address under the site root ("" is the home page)."""
    pages = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        page = path.relative_to(ROOT / "docs").with_suffix("")
        if page.parts[0] != "hooks":  # MkDocs hooks, not pages
            folder = page.parent if page.name in ("index", "README") else page
            pages.append("" if str(folder) == "." else f"{folder}/")
    return pages


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_CheckingHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _dom(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, in headless Chromium 1280 px wide."""
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
    ]
    result = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", url], capture_output=True, text=True, check=False, timeout=180
    )
    return result.stdout


@pytest.fixture(scope="module")
def doms(served: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every page's DOM, two browsers at a time."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    profiles = tmp_path_factory.mktemp("chromium")
    pages = site_pages()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda n: _dom(served + pages[n], profiles / str(n)), range(len(pages)))
        return dict(zip(pages, found, strict=True))


@pytest.mark.parametrize("page", FORMULA_PAGES)
def test_every_formula_renders_in_a_browser(doms: dict[str, str], page: str) -> None:
    dom = doms[page]
    formulas = len(re.findall(r'class="arithmatex"', dom))
    rendered = len(re.findall(r'class="katex"', dom))  # one per formula; display ones add a wrapper
    assert formulas > 0, f"no formulas found on {page}"
    assert "katex-error" not in dom, f"a formula on {page} failed to render"
    assert rendered >= formulas, f"{rendered} of {formulas} formulas rendered on {page}"


@pytest.mark.parametrize("page", site_pages())
def test_every_page_fits_a_laptop_screen(doms: dict[str, str], page: str) -> None:
    """No formula or rule label cut off at 1280 px, no example read as Markdown quotes (>>> as quote bars)."""
    found = re.search(r'<pre id="symdiff-layout">(.*?)</pre>', doms[page], flags=re.S)
    assert found is not None, f"the layout check did not run on {page or 'the home page'}"
    problems = json.loads(html.unescape(found.group(1)))
    assert not problems, f"{page or 'the home page'}:\n" + "\n".join(problems)
