"""hexopt: a Linalg-to-Hexagon compiler in Python over the MLIR bindings.

The library entry point is `hexopt.lower(text, pipeline="hexagon", sets=None, guarded=True)`: it runs a
pipeline on MLIR text (by default in a crash-guarded child process) and returns the result.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def lower(text: str, pipeline: Any = "hexagon", sets: dict[str, str] | None = None, **options: Any) -> str:
    """Run `pipeline` (a YAML pipeline's name or path, a textual pipeline, or PassSpecs) on MLIR `text` and
    return the resulting module's text; see hexopt.lowering.lower for the options. Raises HexoptError."""
    from .lowering import lower as _lower

    return _lower(text, pipeline, sets, **options).text
