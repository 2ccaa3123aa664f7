"""hexopt: a Linalg-to-Hexagon compiler in Python over the MLIR bindings."""

__version__ = "0.1.0"
