"""Renderers: views of result dataclasses as text, JSON, LaTeX and Markdown. They never redo maths."""
