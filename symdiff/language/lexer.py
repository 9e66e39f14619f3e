"""Split expression text into tokens, refusing anything that is not part of the language.

The language is small on purpose: numbers, ASCII names, ``+ - * / ^ ** ( ) , =``, and
``;`` or newlines between the lines of a program (``#`` starts a comment). For arrays also
``@`` (matrix product), a postfix ``'`` (transpose), ``[ ]`` (an element) and declarations
``W: 64x10`` (a ``shape`` token holds the sizes). Every other character is refused here, with
a message that says what it looks like it was meant to be; the parser refuses the array
marks in a program that declares no array.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..errors import ParseError

TokenKind = Literal["number", "name", "op", "shape", "sep", "end"]


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    offset: int

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII digits only
_DIGITS = frozenset("0123456789")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", ",", "=", "@", "[", "]")

# Characters that are not in the language, with what to write instead.
_REFUSED: dict[str, str] = {
    ".": "attribute access ('.') is not allowed",
    "{": "braces are not allowed",
    "}": "braces are not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "'!' is not allowed (no comparisons or factorials)",
    ":": "':' is not allowed (no lambdas, slices or ':=')",
    "%": "'%' (remainder) is not supported",
    "&": "bitwise operators are not allowed",
    "|": "bitwise operators are not allowed; write abs(x) for |x|",
    "~": "bitwise operators are not allowed",
    "\\": "backslashes are not allowed",
    "`": "backquotes are not allowed",
    "$": "'$' is not allowed; write plain text such as 3x^2, not LaTeX",
    "?": "'?' is not allowed",
}

_LOOKALIKES: dict[str, str] = {
    "\u2212": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\ufe63": "-",
    "\uff0d": "-",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u2217": "*",
    "\u2219": "*",
    "\uff0a": "*",
    "\u00f7": "/",
    "\u2215": "/",
    "\u2044": "/",
    "\uff0f": "/",
    "\uff0b": "+",
    "\u2795": "+",
    "\uff08": "(",
    "\uff09": ")",
    "\uff0c": ",",
    "\uff1d": "=",
    "\u00b2": "^2",
    "\u00b3": "^3",
    "\u221a": "sqrt(…)",
    "\u03c0": "pi",
    "\u212f": "e",
    "\u2202": "nothing: give the variable with --wrt",
    "\u1d40": "' (a transpose: W' x)",
    "\u22a4": "' (a transpose: W' x)",
    "\u2299": "* (element-wise product)",
    "\u221e": "a large number (infinity is not supported)",
}


def _refuse_unicode(text: str, offset: int) -> ParseError:
    ch = text[offset]
    code = f"U+{ord(ch):04X}"
    if ch in _LOOKALIKES:
        return ParseError(f"'{ch}' ({code}) is not ASCII; write {_LOOKALIKES[ch]!s} instead", text, offset)
    name = unicodedata.name(ch, "")
    if name.startswith("GREEK") and "LETTER" in name:
        spelled = name.rsplit(" ", 1)[-1].lower()
        return ParseError(f"'{ch}' ({code}) is not ASCII; spell Greek letters out, e.g. {spelled}", text, offset)
    if unicodedata.category(ch).startswith("Z"):
        return ParseError(f"unusual space character {code}; use a plain space", text, offset)
    return ParseError(f"character {code} is not allowed; expressions are plain ASCII", text, offset)


def _refuse_ascii(text: str, offset: int) -> ParseError:
    ch, pair = text[offset], text[offset : offset + 2]
    if pair == "//":
        return ParseError("floor division '//' is not supported; use '/'", text, offset, 2)
    if pair == ":=":
        return ParseError("':=' is not allowed; write name = expression on its own line", text, offset, 2)
    if pair in ("==", "<=", ">=", "!="):
        return ParseError("comparisons are not allowed", text, offset, 2)
    if ch in _REFUSED:
        return ParseError(_REFUSED[ch], text, offset)
    if ord(ch) < 32 or ord(ch) == 127:
        return ParseError(f"control character U+{ord(ch):04X} is not allowed", text, offset)
    return ParseError(f"unexpected character {ch!r}", text, offset)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable (None when it can): the rule for text and SymPy input alike.

    Names are ASCII identifiers that are no Python keyword; none starts with '_' (Python's
    internals) or contains '__' (which LaTeX would print as a superscript: x__2 as x²).
    """
    if not _NAME.fullmatch(name):
        return f"{shortened(repr(name))} is not a name: names are letters, digits and '_', starting with a letter"
    if keyword.iskeyword(name):
        hint = "; write 'lamda' for the Greek letter λ" if name == "lambda" else ""
        return f"'{name}' is a Python keyword and cannot be used here{hint}"
    if name.startswith("_") or "__" in name:
        return f"names may not start with '_' or contain '__' ('{name}')"
    return None


def _check_name(text: str, offset: int, name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise ParseError(problem, text, offset, len(name))


def shortened(text: str) -> str:
    """The text, cut to 20 characters for an error message."""
    return text if len(text) <= 20 else text[:19] + "…"


def _check_number_end(text: str, start: int, end: int) -> None:
    """Refuse what Python or C would read as one number but symdiff would split: 0x10, 1e, 1_000.

    Read as tokens, ``0x10`` would be 0·x10 and ``1.5e`` would be 1.5·e: silently wrong.
    """
    number, rest = text[start:end], text[end : end + 2]
    if number == "0" and rest[:1] in ("x", "X", "b", "B", "o", "O") and rest[1:2].isalnum():
        kind = {"x": "hex", "b": "binary", "o": "octal"}[rest[0].lower()]
        literal = _NAME.match(text, end)
        assert literal is not None
        raise ParseError(
            f"{kind} literals ({shortened(number + literal.group())}) are not supported; write the number in decimal",
            text,
            start,
            literal.end() - start,
        )
    if rest[:1] in ("e", "E") and not (rest[1:2].isalnum() or rest[1:2] == "_"):
        raise ParseError(
            f"exponent missing after '{number}{rest[0]}' (write {number}{rest[0]}3 for {number}·10³, "
            f"or {number}*e to multiply by e)",
            text,
            start,
            end - start + 1,
        )
    if rest[:1] == "_" and rest[1:2].isdigit():
        raise ParseError("digit separators ('_') are not supported; write the digits together", text, end, 1)


def _transposes(text: str, i: int) -> bool:
    """Is the quote at ``i`` a transpose mark (``W'``, ``(A B)'``) rather than the start of a string?

    It must follow an operand directly, and not open text (``f'{x}'``, ``exec('1')``).
    """
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    return bool(before) and (before.isalnum() or before in "_)]'") and after not in ("{", '"')


def _declares(tokens: list[Token]) -> bool:
    """Do the tokens since the start of the line read ``name`` or ``name, name, …``: a declaration?"""
    start = len(tokens)
    while start > 0 and tokens[start - 1].kind != "sep":
        start -= 1
    line = tokens[start:]
    return (
        bool(line)
        and all(t.kind == "name" if k % 2 == 0 else t.text == "," for k, t in enumerate(line))
        and line[-1].kind == "name"
    )


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token.

    Raises:
        ParseError: at the first character that is not part of the language.
    """
    tokens: list[Token] = []
    i, n, open_parens = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch in " \t\r\f\v" or (ch == "\n" and open_parens > 0):  # inside (…) a newline continues the line
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch in ";\n":
            tokens.append(Token("sep", ch, i))
            i += 1
        elif ch in _DIGITS or (ch == "." and text[i + 1 : i + 2] in _DIGITS):
            match = _NUMBER.match(text, i)
            assert match is not None  # a digit always starts a number
            _check_number_end(text, i, match.end())
            tokens.append(Token("number", match.group(), i))
            i = match.end()
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            match = _NAME.match(text, i)
            assert match is not None
            _check_name(text, i, match.group())
            tokens.append(Token("name", match.group(), i))
            i = match.end()
        elif not ch.isascii():
            raise _refuse_unicode(text, i)
        elif ch == "'" and _transposes(text, i):
            tokens.append(Token("op", "'", i))
            i += 1
        elif ch == ":" and text[i + 1 : i + 2] != "=" and _declares(tokens):
            end = min((k for k in (text.find(c, i) for c in ";\n#") if k >= 0), default=n)
            tokens.append(Token("shape", text[i + 1 : end], i + 1))
            i = end
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None or text.startswith(("==", "//", ":="), i):
                raise _refuse_ascii(text, i)
            tokens.append(Token("op", op, i))
            open_parens += {"(": 1, ")": -1}.get(op, 0)
            i += len(op)
    tokens.append(Token("end", "", n))
    return tokens
