"""The error bad input raises (``mc.InvalidInputError``), in a module that imports nothing, so
that light modules (``registry``, the theory layer) can raise it without loading NumPy."""


class InvalidInputError(ValueError):
    """Raised when an input to mfgcheck is not what the mathematics requires."""
