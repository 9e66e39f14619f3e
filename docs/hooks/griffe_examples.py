"""Griffe extension for the API reference: a docstring's "Example:" heading is its Examples section.

symdiff's docstrings say "Example:" over a single example (Google style allows both). Griffe
knows only "Examples:" as the section whose ``>>>`` lines are code; any other heading becomes
an admonition rendered as Markdown, where ``>>>`` turns into nested quotes and ``**`` into bold.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", flags=re.MULTILINE)


class ExampleSections(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
