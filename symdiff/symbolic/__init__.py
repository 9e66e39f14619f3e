"""The symbolic layer: exact derivatives with SymPy, and reverse mode over the SymPy graph.

``derivatives`` holds ``diff``, ``gradient``, ``hessian`` and ``jacobian``; ``reverse`` the
backward sweep on expressions; ``gradient`` the results written with shared definitions;
``report`` the derivatives a user asked for, ready to render. ``matrix`` does the same for
programs over arrays, as matrix formulas (``matrix_reverse``, ``matrix_algebra``,
``matrix_jacobian``), checked by ``matrix_check`` before they are returned (``matrix_result``).
"""
