"""The primitives layer: everything symdiff knows about each function, in one registry.

``registry`` is the table (one ``Primitive`` entry per function), ``primitive`` says what an
entry holds, ``functions`` defines the SymPy classes SymPy lacks (sigmoid, relu, …),
and ``intervals`` interval extensions for error bounds. Imports no other layer.
"""
