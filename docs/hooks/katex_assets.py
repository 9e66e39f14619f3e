"""MkDocs hook: copy KaTeX (pinned in tests/katex) into the built site, so math renders offline.

The site must render without a CDN: readers behind a firewall, and the browser test in CI,
load KaTeX from the site itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

KATEX = Path(__file__).resolve().parents[2] / "tests" / "katex" / "node_modules" / "katex" / "dist"


def on_post_build(config: Any, **kwargs: Any) -> None:
    if not KATEX.is_dir():
        raise PluginError(f"KaTeX is not installed at {KATEX}: run `npm ci --prefix tests/katex` first")
    target = Path(config["site_dir"]) / "assets" / "katex"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(KATEX, target, ignore=shutil.ignore_patterns("*.mjs", "README.md", "katex.js", "katex.css"))
