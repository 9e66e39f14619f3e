"""The errors a user can cause. Each carries a one-line message that says what and where."""

from __future__ import annotations


class SymdiffError(Exception):
    """Base class of every error symdiff raises on purpose.

    The message is always a single line that names the problem and, when it helps, what to do.
    """


class ParseError(SymdiffError, ValueError):
    """The expression text could not be read.

    Attributes:
        text: the whole input text.
        offset: 0-based index of the offending character in ``text``.
        length: how many characters the problem spans (at least 1).
    """

    def __init__(self, message: str, text: str = "", offset: int = 0, length: int = 1):
        if not isinstance(message, str) or not isinstance(text, str):
            raise SymdiffError(f"ParseError(message, text, …) takes text, got {describe(message)}, {describe(text)}")
        if any(isinstance(n, bool) or not isinstance(n, int) for n in (offset, length)):
            given = f"{describe(offset)}, {describe(length)}"
            raise SymdiffError(f"ParseError's offset and length are whole numbers, got {given}")
        self.text = text
        self.offset = max(0, min(offset, len(text)))
        self.length = max(1, length)
        self.reason = message
        super().__init__(f"{self.where}: {message}" if text else message)

    @property
    def line(self) -> int:
        """1-based line of the problem."""
        return self.text.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int:
        """1-based column of the problem within its line."""
        return self.offset - (self.text.rfind("\n", 0, self.offset) + 1) + 1

    @property
    def where(self) -> str:
        if "\n" in self.text:
            return f"line {self.line}, column {self.column}"
        return f"column {self.column}"

    def caret(self, width: int = 72) -> str:
        """The offending line (clipped to ``width`` characters) with a caret line under the problem."""
        start = self.text.rfind("\n", 0, self.offset) + 1
        end = self.text.find("\n", self.offset)
        line = self.text[start : len(self.text) if end < 0 else end]
        col = self.offset - start
        # Long inputs: show a window around the problem rather than megabytes of text.
        left = max(0, min(col - width // 2, len(line) - width))
        shown = line[left : left + width]
        prefix = "…" if left > 0 else ""
        suffix = "…" if left + width < len(line) else ""
        shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
        marks = "^" * max(1, min(self.length, width - (col - left)))
        return f"{prefix}{shown}{suffix}\n{' ' * (len(prefix) + col - left)}{marks}"


class EvaluationError(SymdiffError):
    """A point could not be used: missing or unknown variables, non-numeric values."""


class LimitError(SymdiffError):
    """A resource limit was reached (size, depth, order, precision); the message names the option."""


class MethodError(SymdiffError):
    """A finite-difference method does not apply to this expression (the complex step on abs)."""


# -- checks of what public functions are given (one message style everywhere) -----------------


def describe(value: object, width: int = 40) -> str:
    """A short, safe description of a value for a message: never a 5,000-digit number or a page of text.

    ``repr`` of an integer beyond 4,300 digits raises (CPython's conversion limit), and a long
    one would bury the message; such values are described by their size.
    """
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 160:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # SymPy integers beyond the digit limit, deep trees
        return f"a {type(value).__name__}"
    return text if len(text) <= width else f"{text[: width - 1]}…"


def check_choice(what: str, value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed`` (strings), else a SymdiffError listing them."""
    if isinstance(value, str) and value in allowed:
        return value
    raise SymdiffError(f"{what} must be one of {', '.join(allowed)}; got {describe(value)}")


def check_whole(what: str, value: object, low: int = 1) -> int:
    """``value`` if it is a whole number (not a bool) of at least ``low``, else a SymdiffError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SymdiffError(f"{what} must be a whole number, got {describe(value)}")
    if value < low:
        raise SymdiffError(f"{what} must be at least {low}, got {describe(value)}")
    return value


def check_flag(what: str, value: object) -> bool:
    """``value`` if it is True or False, else a SymdiffError (a truthy string is not yes)."""
    if not isinstance(value, bool):
        raise SymdiffError(f"{what} must be True or False, got {describe(value)}")
    return value
