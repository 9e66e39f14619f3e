"""The comparison layer: every method side by side at a point, judged and explained.

``compare`` builds a ``Comparison``, ``explain`` says why a derivative is not an ordinary
number at a point, ``tolerance`` bounds the rounding of a float64 evaluation, and ``check``
judges a gradient a user wrote.
"""
