"""The symbolic layer: exact derivatives with SymPy, and reverse mode over the SymPy graph.

``derivatives`` holds ``diff``, ``gradient``, ``hessian`` and ``jacobian``; ``reverse`` the
backward sweep on expressions; ``gradient`` the results written with shared definitions;
``report`` the derivatives a user asked for, ready to render.
"""
