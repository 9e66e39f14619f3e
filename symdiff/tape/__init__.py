"""The tape layer: reverse-mode automatic differentiation over a graph of primitives.

``graph`` lowers an expression to a Wengert list, ``codegen`` writes straight-line Python for
it, ``interpret`` runs it node by node (for inspection), ``tape`` is the public ``Tape``,
``trace`` a run's values and adjoints, ``points`` checks and converts points, and
``reference`` runs the same graph in mpmath at high precision.
"""
