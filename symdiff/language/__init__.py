"""The language layer: expression text in, SymPy trees out, and back to text and LaTeX.

``lexer`` and ``parser`` read the safe input language (never ``eval``), ``printing`` writes
it back, ``dag`` walks shared SymPy graphs without recursion. Imports only ``primitives``.
"""
