"""Words inside LaTeX: ``\\text{…}`` with LaTeX's special characters escaped."""

from __future__ import annotations

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
}


def escaped(words: str) -> str:
    """``words`` safe inside ``\\text{…}`` (a rule named "derivative of e^x - 1" broke KaTeX)."""
    return "".join(_ESCAPES.get(ch, ch) for ch in words)


def latex_text(words: str) -> str:
    """``\\text{words}``, escaped; nothing for no words."""
    return r"\text{" + escaped(words) + "}" if words else ""
