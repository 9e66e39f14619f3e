"""How wide a line of LaTeX renders, estimated from its source, so that layouts fit a page,
and where to break a formula that does not fit.

The unit is about the width of a letter in display math. Measured with KaTeX on the
documentation site over the gallery's derivations, one unit is 17.5 to 21.2 px (19.3 typical),
within about 10% of the estimate whatever the formula. ``PAGE_WIDTH`` is what a line may take:
33 units are about 640 px, and at most 700, against the site's column of 688 px on a laptop
(a 1280 px window); tests/test_docs.py checks every page at that width.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

PAGE_WIDTH = 33.0

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_&\[\]]|\s+|.", re.S)
_WORDS = (r"\text", r"\operatorname", r"\mathrm")  # their argument is set as text, letter by letter
_SINGLE = {  # one token's width
    r"\qquad": 2.0,
    r"\quad": 1.0,
    r"\;": 0.28,
    r"\,": 0.17,
    r"\:": 0.22,
    r"\ ": 0.33,
    r"\cdot": 0.72,
    r"\times": 1.22,
    r"\pm": 1.22,
    r"\approx": 1.33,
    r"\partial": 0.56,
    "+": 1.22,
    "-": 1.22,
    "=": 1.33,
    "<": 1.33,
    ">": 1.33,
    "(": 0.39,
    ")": 0.39,
    "[": 0.28,
    "]": 0.28,
    "|": 0.28,
    ",": 0.45,
    ".": 0.28,
    "&": 0.0,
}
_SCRIPT = 0.7  # superscripts and subscripts, and never smaller than half size
_GREEK_WIDTH = 0.6


@functools.lru_cache(maxsize=4096)  # fitting a long derivation measures the same rows and pieces again and again
def latex_width(latex: str) -> float:
    """The estimated width of ``latex`` in display math, in the units of ``PAGE_WIDTH``."""
    tokens = [t for t in _TOKEN.findall(latex) if not t.isspace()]
    return _Measure(tokens).sequence(1.0)


def fitted(latex: str, first: float, rest: float) -> list[str]:
    """``latex`` in pieces of at most ``first`` (the first) and ``rest`` units (the others), where it can be broken.

    A formula breaks at its top level (outside braces and \\left…\\right): before a +, - or
    \\cdot, or between the factors of a product written side by side, where the next piece then
    starts with \\cdot. A piece that is one parenthesis too wide breaks inside it, its
    \\left( and \\right) becoming \\Bigl( and \\Bigr) on different rows. Anything else that
    cannot be broken is kept whole, however wide.
    """
    if latex_width(latex) <= first:
        return [latex]
    lines = _packed(_pieces(latex, products=False), first, rest)  # between the terms of a sum, if that is enough
    if any(latex_width(line) > (first if k == 0 else rest) for k, line in enumerate(lines)):
        lines = _packed(_pieces(latex, products=True), first, rest)
    return [part for k, line in enumerate(lines) for part in _opened(line, first if k == 0 else rest, rest)]


def _packed(pieces: Sequence[tuple[str, str]], first: float, rest: float) -> list[str]:
    """As many pieces on each row as fit. Widths add up at the top level, where the formula is cut,
    so a row's width is its pieces' sum (measuring each row anew made long derivations quadratic)."""
    lines: list[str] = []
    width = 0.0
    for text, continued in pieces:
        room = first if len(lines) <= 1 else rest
        piece = latex_width(text)
        if lines and width + piece <= room:
            lines[-1] = f"{lines[-1]} {text}"  # on the same row a product stays as written
            width += piece
        else:
            lines.append(continued + text if lines else text)
            width = latex_width(lines[-1])
    return lines


_PARENTHESIS = re.compile(r"^(\\cdot |- )?\\left\((.*)\\right\)$", re.S)


def _opened(line: str, room: float, rest: float) -> list[str]:
    """A row too wide that is one parenthesis (after a \\cdot or a minus sign), broken inside it."""
    match = _PARENTHESIS.match(line)
    if latex_width(line) <= room or match is None or not _balanced(match.group(2)):
        return [line]
    before, inner = match.group(1) or "", match.group(2)
    delimiters = latex_width(r"\Bigl(")
    rows = fitted(inner, room - delimiters - latex_width(before), rest - delimiters)
    if len(rows) == 1:
        return [line]
    return [rf"{before}\Bigl({rows[0]}", *rows[1:-1], rf"{rows[-1]}\Bigr)"]


def _balanced(latex: str) -> bool:
    """Are the \\left and \\right of ``latex`` its own (is ``\\left( latex \\right)`` one parenthesis)?"""
    depth = 0
    for token in _TOKEN.findall(latex):
        depth += {r"\left": 1, r"\right": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


# What may follow a closed \right) inside a product written side by side; anything else is an operator.
_OPERATORS = frozenset({"+", "-", r"\cdot", "^", "_", "}", "&", "=", ",", r"\right"})


@functools.lru_cache(maxsize=1024)  # fitted tries a row's pieces again when it opens a parenthesis
def _pieces(latex: str, products: bool) -> tuple[tuple[str, str], ...]:
    """The formula cut where it may be broken (between terms; with ``products``, between factors too):
    each piece as written, and what it starts with on a row of its own."""
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(latex) if not m.group().isspace()]
    cuts: list[tuple[int, str]] = []
    depth = 0
    for k, (token, offset) in enumerate(tokens):
        before = tokens[k - 1][0] if k else ""
        cut_before = ("+", "-", r"\cdot") if products else ("+", "-")
        if depth == 0 and token in cut_before and before not in ("", "{", "(", "=", r"\left"):
            cuts.append((offset, ""))
        depth += {"{": 1, "}": -1, r"\left": 1, r"\right": -1}.get(token, 0)
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        side_by_side = products and depth == 0 and before == r"\right"
        if side_by_side and following is not None and following[0] not in _OPERATORS:
            cuts.append((following[1], r"\cdot "))
    pieces, start, continued = [], 0, ""
    for offset, starts_with in cuts:
        pieces.append((latex[start:offset].strip(), continued))
        start, continued = offset, starts_with
    pieces.append((latex[start:].strip(), continued))
    return tuple((text, continued) for text, continued in pieces if text)


class _Measure:
    """A walk over the tokens: groups in braces, scripts, fractions, roots, text."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.i = 0

    def sequence(self, scale: float) -> float:
        total = 0.0
        while self.i < len(self.tokens) and self.tokens[self.i] != "}":
            total += self.item(scale)
        return total

    def group(self, scale: float) -> float:
        """A braced group, or the single token that stands for one (x^2)."""
        if self.i >= len(self.tokens):
            return 0.0
        if self.tokens[self.i] != "{":
            return self.item(scale)
        self.i += 1
        width = self.sequence(scale)
        self.i += 1  # the closing brace
        return width

    def words(self) -> str:
        """The raw text of a braced argument (of \\text)."""
        depth, start = 0, self.i
        while self.i < len(self.tokens):
            depth += {"{": 1, "}": -1}.get(self.tokens[self.i], 0)
            self.i += 1
            if depth == 0:
                break
        return "".join(self.tokens[start + 1 : self.i - 1])

    def item(self, scale: float) -> float:
        token = self.tokens[self.i]
        if token == "{":
            return self.group(scale)
        self.i += 1
        if token in ("^", "_"):
            return self.group(max(scale * _SCRIPT, 0.5))
        if token == r"\frac":
            return max(self.group(scale), self.group(scale)) + 0.24 * scale
        if token == r"\sqrt":
            if self.i < len(self.tokens) and self.tokens[self.i] == "[":  # the index of \sqrt[3]
                while self.tokens[self.i] != "]":
                    self.i += 1
                self.i += 1
            return self.group(scale) + 0.85 * scale
        if token in (r"\left", r"\right"):
            self.i += 1  # the delimiter
            return (0.0 if self.tokens[self.i - 1] == "." else 0.45) * scale
        if token in _WORDS:
            return (0.5 * len(self.words()) + (0.17 if token == r"\operatorname" else 0.0)) * scale
        if token in _SINGLE:
            return _SINGLE[token] * scale
        if token.startswith("\\") and len(token) > 2:  # \sin, \tanh (set upright), \sigma, \alpha
            name = token[1:]
            return (_GREEK_WIDTH if name in _GREEK else 0.5 * len(name) + 0.17) * scale
        return (0.5 if token.isdigit() else 0.55) * scale


_GREEK = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Phi",
        "Psi",
        "Omega",
        "infty",
    ]
)
